"""Helpers shared by the tests and by ``tests/regen.py``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from dossier.build import build

TESTS = Path(__file__).parent
SAMPLE = TESTS / "sample"
GOLDEN = TESTS / "golden"
INVALID = TESTS / "invalid"


def build_golden(project: Path, out: Path) -> None:
    """The golden build: the sample project without the search index (Pagefind's bytes are not ours to pin)."""
    build(project, out, search=False)


def invalid_cases() -> list[str]:
    return sorted(p.name for p in INVALID.iterdir() if p.is_dir() and not p.name.startswith("_"))


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
    return root


def check_case(case: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    root = prepare_case(case, tmp)
    return subprocess.run([sys.executable, "-m", "dossier", "check"], cwd=root, capture_output=True, text=True, check=False)
