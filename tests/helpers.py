"""Helpers shared by the tests and by ``tests/regen.py``."""

from __future__ import annotations

import difflib
import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from dossier.build import build
from dossier.cli import main

TESTS = Path(__file__).parent
SAMPLE = TESTS / "sample"
GOLDEN = TESTS / "golden"
INVALID = TESTS / "invalid"
THEME_FILES = ("static/",)  # the theme's own CSS and JS: not part of the golden copy (their source is in templates/)


def sample_copy(tmp_path: Path) -> Path:
    """A copy of the sample project to edit, at ``tmp_path/project``."""
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    return project


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its POSIX path relative to it."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def golden_tree(root: Path) -> dict[str, bytes]:
    """A built sample site as the golden copy holds it: without the theme's static files."""
    return {path: data for path, data in tree(root).items() if not path.startswith(THEME_FILES)}


def tree_diff(actual: dict[str, bytes], expected: dict[str, bytes], names: tuple[str, str] = ("expected", "built")) -> str:
    """A readable account of how two file trees differ: missing and extra files, a unified diff per changed file."""
    lines: list[str] = []
    for path in sorted(expected.keys() - actual.keys()):
        lines.append(f"missing from {names[1]}: {path}")
    for path in sorted(actual.keys() - expected.keys()):
        lines.append(f"not in {names[0]}: {path}")
    for path in sorted(actual.keys() & expected.keys()):
        if actual[path] != expected[path]:
            old = expected[path].decode("utf-8", "replace").splitlines(keepends=True)
            new = actual[path].decode("utf-8", "replace").splitlines(keepends=True)
            diff = difflib.unified_diff(old, new, f"{names[0]}/{path}", f"{names[1]}/{path}", n=1)
            lines.extend(line.rstrip("\n") for line in diff)
    return "\n".join(lines)


def build_golden(project: Path, out: Path) -> None:
    """The golden build: the sample project without the search index (Pagefind's bytes are not ours to pin)."""
    build(project, out, search=False)


def invalid_cases() -> list[str]:
    return sorted(p.name for p in INVALID.iterdir() if p.is_dir() and not p.name.startswith("_"))


STRICT = ".strict"  # in a case's folder: the case is checked with --strict (its warnings are its problems)


def prepare_case(case: str, tmp: Path) -> Path:
    """The base project with the case's files laid over it; a ``.remove`` file lists base files to delete."""
    root = tmp / case
    shutil.copytree(INVALID / "_base", root)
    shutil.copytree(INVALID / case, root, dirs_exist_ok=True, symlinks=True)
    removals = root / ".remove"
    if removals.exists():
        for rel in removals.read_text(encoding="utf-8").split():
            (root / rel).unlink()
        removals.unlink()
    (root / "expected.txt").unlink(missing_ok=True)
    (root / STRICT).unlink(missing_ok=True)
    return root


@dataclass(frozen=True)
class Result:
    """What a command printed and returned."""

    returncode: int
    stdout: str
    stderr: str


def run_main(*args: str) -> Result:
    """Run the ``dossier`` command in this process (fast: no interpreter start), capturing what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return Result(code, out.getvalue(), err.getvalue())


def check_case(case: str, tmp: Path) -> Result:
    """``dossier check`` on one broken project (with ``--strict`` if the case says so), in this process."""
    strict = ["--strict"] if (INVALID / case / STRICT).exists() else []
    return run_main("-C", str(prepare_case(case, tmp)), "check", *strict)
