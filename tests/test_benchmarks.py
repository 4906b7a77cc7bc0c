"""Benchmarks: the generator writes a valid, deterministic project that builds (no timings are asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dossier.build import build
from tests.helpers import GOLDEN, tree

GENERATE = GOLDEN.parent.parent / "benchmarks" / "generate.py"


def generate(out: Path, size: int = 50, seed: int = 7) -> Path:
    subprocess.run([sys.executable, str(GENERATE), str(size), str(out), "--seed", str(seed)], check=True)
    return out


def test_the_generated_project_passes_check(tmp_path: Path) -> None:
    project = generate(tmp_path / "project")
    result = subprocess.run(
        [sys.executable, "-m", "dossier", "-C", str(project), "check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "no problems found in 70 records (50 events, 10 actors, 10 articles)\n"


def test_the_generator_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    first, second = generate(tmp_path / "one"), generate(tmp_path / "two")
    assert tree(first) == tree(second)
    assert tree(generate(tmp_path / "three", seed=8)) != tree(first)


def test_the_generated_project_builds(tmp_path: Path) -> None:
    project = generate(tmp_path / "project")
    report = build(project, tmp_path / "site", search=False)
    assert report.pages > 50 + 10 + 10
    assert (tmp_path / "site/events/event-000000/index.html").is_file()
