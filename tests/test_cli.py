"""CLI: version, help for every command, -C and --out, exit codes; every command is documented in the README."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dossier import __version__
from dossier.cli import main, parser
from tests.helpers import SAMPLE, run_main, tree

REPO = Path(__file__).parent.parent


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dossier", *args], capture_output=True, text=True, cwd=cwd, check=False)


def commands() -> list[str]:
    sub = next(a for a in parser()._actions if a.dest == "command")
    return sorted(sub.choices)  # type: ignore[attr-defined]


def test_version() -> None:
    result = run("--version")
    assert (result.returncode, result.stdout) == (0, f"dossier {__version__}\n")


@pytest.mark.parametrize("command", commands())
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: dossier {command}")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"`dossier {command}`" in readme
    for option in re.findall(r"(--[a-z-]+)", result.stdout):
        if option != "--help":
            assert f"`{option}`" in readme, f"{command} {option} is not documented in the README"


def test_a_build_without_base_url_is_noted_not_warned_so_strict_lets_it_pass(tmp_path: Path) -> None:
    result = run("-C", str(SAMPLE), "build", "--strict", "--out", str(tmp_path / "site"), "--no-search")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("note: no base_url, so this build leaves out sitemap.xml")
    assert result.stderr == ""


def test_reference_prints_the_format_reference_anywhere(tmp_path: Path) -> None:
    result = run("-C", str(tmp_path), "reference")  # no project needed
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (REPO / "docs/reference.md").read_text(encoding="utf-8")


def test_check_and_build_with_dash_c_and_out(tmp_path: Path) -> None:
    assert run("-C", str(SAMPLE), "check").stdout == "no problems found in 10 records (3 events, 4 actors, 2 articles, 1 page)\n"
    out = tmp_path / "elsewhere"
    result = run("-C", str(SAMPLE), "build", "--out", str(out), "--no-search")
    assert result.returncode == 0
    assert re.fullmatch(
        rf"built 20 pages \(31 files\) into {re.escape(str(out))} in \d+\.\d\ds "
        r"\(load \d+\.\d\ds, check \d+\.\d\ds, model \d+\.\d\ds, render \d+\.\d\ds, write \d+\.\d\ds\)\n"
        "note: no base_url, so this build leaves out sitemap.xml, feed.xml, the canonical links and the event links of "
        "data/events.ics, and the other exports link to pages relative to the site root; set base_url in "
        "content/dossier.yaml, or for one build pass --base-url URL or set DOSSIER_BASE_URL\n",
        result.stdout,
    )
    assert (out / "index.html").is_file() and not (out / "pagefind").exists()
    assert result.stderr == ""
    quiet = run("-C", str(SAMPLE), "build", "--out", str(out), "--no-search", "-q")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_base_url_for_one_build_from_the_option_or_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    monkeypatch.delenv("DOSSIER_BASE_URL", raising=False)
    result = run_main("-C", str(SAMPLE), "build", "--no-search", "--out", str(out), "--base-url", "https://example.org/d")
    assert (result.returncode, result.stderr) == (0, "")  # no warning: every output that needs an address has one
    assert "<loc>https://example.org/d/events/2021-aid/</loc>" in (out / "sitemap.xml").read_text(encoding="utf-8")
    monkeypatch.setenv("DOSSIER_BASE_URL", "https://env.example/")
    assert run_main("-C", str(SAMPLE), "build", "--no-search", "--out", str(out)).returncode == 0
    assert "URL:https://env.example/events/2021-aid/" in (out / "data/events.ics").read_text(encoding="utf-8")
    assert (
        run_main("-C", str(SAMPLE), "build", "--no-search", "--out", str(out), "--base-url", "https://opt.example").returncode
        == 0
    )
    assert "https://opt.example/feed.xml" in (out / "index.html").read_text(encoding="utf-8")  # the option wins
    assert "base_url" not in (SAMPLE / "content/dossier.yaml").read_text(encoding="utf-8")  # content left as it was


@pytest.mark.parametrize(
    ("args", "variable", "message"),
    [
        (
            ["--base-url", "example.org/d"],
            "",
            "--base-url must be an http:// or https:// address without ?query or #fragment, got 'example.org/d'",
        ),
        (
            [],
            "https://example.org/?lang=en",
            "DOSSIER_BASE_URL must be an http:// or https:// address without ?query or #fragment, got 'https://example.org/?lang=en'",
        ),
    ],
    ids=["option", "environment"],
)
def test_a_base_url_that_is_not_an_address_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], variable: str, message: str
) -> None:
    monkeypatch.setenv("DOSSIER_BASE_URL", variable)
    result = run_main("-C", str(SAMPLE), "build", "--no-search", "--out", str(tmp_path / "site"), *args)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"dossier: error: {message}\n")
    assert not (tmp_path / "site").exists()


def test_build_in_the_current_folder_writes_site_and_indexes(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(SAMPLE, project)
    result = run("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert ", index " in result.stdout
    assert (project / "site/pagefind/pagefind.js").is_file()


def test_missing_project_folder_and_missing_dossier(tmp_path: Path) -> None:
    result = run("-C", str(tmp_path / "nope"), "check")
    assert (result.returncode, result.stderr) == (2, f"dossier: error: project folder {tmp_path / 'nope'} does not exist\n")
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "content/dossier.yaml:1:1: error: content/dossier.yaml not found (no content/ folder here); "
        "run dossier init to start a project, or pass -C DIR\n1 error found; nothing was written\n"
    )


def test_refuses_to_overwrite_a_foreign_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["-C", str(SAMPLE), "build", "--out", str(out), "--no-search"]) == 1
    assert (
        capsys.readouterr().err
        == f"dossier: error: {out} exists and was not written by dossier; remove it or choose another --out folder\n"
    )
    assert (out / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            '{% extends "base.html" %}\n{% block main %}\n<h1>{{ event.nope }}</h1>\n{% endblock %}\n',
            "templates/event.html:3:1: error: template error: 'dossier.records.Event object' has no attribute 'nope'; "
            "fix this line of the template",
        ),
        (
            '{% extends "base.html" %}\n{% block main %}{{ event.title }\n{% endblock %}\n',
            "templates/event.html:2:1: error: template syntax error: unexpected '}'; fix the template at or before this line",
        ),
        (
            '{% extends "base.html" %}\n{% block main %}\n{% include "partials/gone.html" %}\n{% endblock %}\n',
            "templates/event.html:3:1: error: template not found: 'partials/gone.html'; "
            "correct the name or add the file to templates/",
        ),
        (
            '{% extends "base.html" %}\n{% block main %}{{ 1 / 0 }}{% endblock %}\n',
            "templates/event.html:2:1: error: template error: ZeroDivisionError: division by zero; fix this line of the template",
        ),
    ],
    ids=["runtime", "syntax", "missing-include", "python-error"],
)
def test_a_broken_template_is_a_located_problem_and_writes_nothing(tmp_path: Path, template: str, message: str) -> None:
    project = tmp_path / "p"
    shutil.copytree(SAMPLE, project)
    assert run("build", "--no-search", cwd=project).returncode == 0
    before = tree(project / "site")
    (project / "templates").mkdir()
    (project / "templates/event.html").write_text(template, encoding="utf-8")
    result = run("build", "--no-search", cwd=project)  # the project as a relative path: -C .
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"{message}\n1 error found; nothing was written\n"
    assert tree(project / "site") == before


def test_dash_c_after_the_command_and_paths_inside_the_project(tmp_path: Path) -> None:
    project = tmp_path / "mine"
    shutil.copytree(SAMPLE, project)
    result = run("build", "-C", "mine", "--out", "x", "--no-search", "-q", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (project / "x/index.html").is_file() and not (tmp_path / "x").exists()  # --out x is inside the project
    assert run("-C", "mine", "-v", "check", cwd=tmp_path).stdout == run("check", "-C", "mine", cwd=tmp_path).stdout


def test_dossier_alone_prints_the_commands() -> None:
    result = run()
    assert result.returncode == 0
    assert result.stdout.startswith("usage: dossier [-h] [-C DIR] [-q] [-v] [--version] COMMAND ...")
    assert "init         start a dossier project" in result.stdout


def test_build_verbose_says_each_phase_with_its_time(tmp_path: Path) -> None:
    result = run("-C", str(SAMPLE), "build", "--no-search", "-v", "--out", str(tmp_path / "site"))
    assert result.returncode == 0
    assert re.fullmatch(
        r"checking records: done in \d+\.\d\ds\n"
        r"linking records: done in \d+\.\d\ds\n"
        r"rendering pages: done in \d+\.\d\ds\n"
        r"writing the site: done in \d+\.\d\ds\n",
        result.stderr,
    )


def test_output_piped_into_a_reader_that_stops_early_ends_quietly() -> None:
    command = [sys.executable, "-m", "dossier", "-C", str(SAMPLE), "check"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # as `dossier check | head -0` does, before anything was printed
    err = process.stderr.read()
    assert (process.wait(timeout=60), err) == (141, b"")  # as a process ended by SIGPIPE, no traceback
