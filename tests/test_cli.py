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
from tests.helpers import SAMPLE, tree

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


def test_check_and_build_with_dash_c_and_out(tmp_path: Path) -> None:
    assert run("-C", str(SAMPLE), "check").stdout == "no problems found in 9 records (3 events, 4 actors, 2 articles)\n"
    out = tmp_path / "elsewhere"
    result = run("-C", str(SAMPLE), "build", "--out", str(out), "--no-search")
    assert result.returncode == 0
    assert re.fullmatch(
        rf"built 19 pages \(28 files\) into {re.escape(str(out))} in \d+\.\d\ds "
        r"\(load \d+\.\d\ds, check \d+\.\d\ds, model \d+\.\d\ds, render \d+\.\d\ds, write \d+\.\d\ds\)\n",
        result.stdout,
    )
    assert (out / "index.html").is_file() and not (out / "pagefind").exists()


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
        "content/dossier.yaml:1:1: error: content/dossier.yaml not found (the project has no content/ folder); "
        "run dossier in a project folder or pass -C DIR\n1 error found; nothing was written\n"
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
