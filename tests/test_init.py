"""Init: a new project passes check and builds; --example copies the bundled dossier; nothing is overwritten."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_main

REPO = Path(__file__).parent.parent


def test_init_starts_a_project_that_passes_check_and_builds(tmp_path: Path) -> None:
    result = run_main("-C", str(tmp_path), "init", "mine")
    assert result.returncode == 0, result.stderr
    mine = tmp_path / "mine"
    assert result.stdout.splitlines()[:4] == [
        "wrote content/actors/alex-example.yaml",
        "wrote content/articles/example-gazette-2024-03-02.md",
        "wrote content/dossier.yaml",
        "wrote content/events/2024-03-01-alex-example-offers-mediation.yaml",
    ]
    assert f"started a dossier in {mine}. Next:" in result.stdout
    assert f"  dossier serve -C {mine}" in result.stdout
    assert (mine / ".gitignore").read_text(encoding="utf-8") == "site/\n.site.*-*/\n"
    settings = json.loads((mine / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"]["schemas/event.schema.json"] == "content/events/*.yaml"
    assert sorted(p.name for p in (mine / "schemas").iterdir()) == [
        "actor.schema.json", "article.schema.json", "dossier.schema.json", "event.schema.json", "page.schema.json",
    ]  # fmt: skip
    check = run_main("-C", str(mine), "check")
    assert (check.returncode, check.stderr) == (0, "")
    assert check.stdout == "no problems found in 3 records (1 event, 1 actor, 1 article)\n"
    build = run_main("-C", str(mine), "build", "--no-search")
    assert build.returncode == 0, build.stderr
    page = (mine / "site/events/2024-03-01-alex-example-offers-mediation/index.html").read_text(encoding="utf-8")
    assert "Alex Example offers to mediate in a phone call" in page


def test_init_example_copies_the_bundled_dossier(tmp_path: Path) -> None:
    assert run_main("-C", str(tmp_path), "init", "example", "--example").returncode == 0
    copied = {
        p.relative_to(tmp_path / "example/content").as_posix() for p in (tmp_path / "example/content").rglob("*") if p.is_file()
    }
    bundled = {p.relative_to(REPO / "content").as_posix() for p in (REPO / "content").rglob("*") if p.is_file()}
    assert copied == bundled
    assert run_main("-C", str(tmp_path / "example"), "check").stdout.startswith("no problems found in 103 records")


def test_init_refuses_a_project_and_keeps_what_is_there(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("node_modules/\nsite/\n", encoding="utf-8")
    (tmp_path / ".vscode").mkdir()
    (tmp_path / ".vscode/settings.json").write_text("{}", encoding="utf-8")
    result = run_main("-C", str(tmp_path), "init")
    assert result.returncode == 0
    assert "kept .gitignore (it was there already)" in result.stdout
    assert "kept .vscode/settings.json (it was there already)" in result.stdout
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "node_modules/\nsite/\n.site.*-*/\n"
    assert (tmp_path / ".vscode/settings.json").read_text(encoding="utf-8") == "{}"
    again = run_main("-C", str(tmp_path), "init")
    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr == (
        f"dossier: error: {tmp_path / 'content'} already exists: {tmp_path} is a dossier project already; "
        "edit it, or choose another folder\n"
    )


def test_a_folder_without_a_project_says_to_run_init(tmp_path: Path) -> None:
    result = run_main("-C", str(tmp_path), "build")
    assert result.stderr == (
        "content/dossier.yaml:1:1: error: content/dossier.yaml not found (no content/ folder here); "
        "run dossier init to start a project, or pass -C DIR\n1 error found; nothing was written\n"
    )
