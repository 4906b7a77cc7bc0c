"""Build: golden output for the sample project, byte-identical rebuilds, and failed builds that change nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dossier import index
from dossier.build import build
from dossier.errors import PagefindError
from tests.helpers import GOLDEN, SAMPLE, build_golden, golden_tree, tree, tree_diff


def test_sample_project_matches_the_golden_html(tmp_path: Path) -> None:
    """Regenerate with ``python -m tests.regen golden`` after an intended change, and review the diff."""
    out = tmp_path / "site"
    build_golden(SAMPLE, out)
    difference = tree_diff(golden_tree(out), tree(GOLDEN), ("tests/golden", "built"))
    if difference:
        pytest.fail(f"the sample site differs from tests/golden/ (python -m tests.regen golden, then review):\n{difference}")


def test_two_builds_are_byte_identical_apart_from_pagefind_indexes(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    copy = tmp_path / "copy"
    shutil.copytree(SAMPLE, copy)  # a different absolute path must not change a byte
    build(SAMPLE, first)
    build(copy, second)

    def stable(root: Path) -> dict[str, bytes]:
        return {k: v for k, v in tree(root).items() if not (k.startswith("pagefind/") and not k.startswith("pagefind/fragment/"))}

    assert stable(first) == stable(second)
    assert any(k.startswith("pagefind/fragment/") for k in stable(first))


def test_a_broken_save_leaves_the_previous_site_exactly_as_it_was(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    out = project / "site"
    build(project, out, search=False)
    before = tree(out)
    event = project / "content/events/2022-02-27-call.yaml"
    event.write_text(event.read_text().replace("status: confirmed", "status: maybe"))
    result = subprocess.run(
        [sys.executable, "-m", "dossier", "-C", str(project), "build"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert result.stderr == (
        "content/events/2022-02-27-call.yaml:6:9: error: 'status' must be one of confirmed, reported, disputed, planned; got 'maybe'\n"
        "1 error found; nothing was written\n"
    )
    assert tree(out) == before
    assert sorted(p.name for p in project.iterdir()) == ["content", "site"]


def test_a_failing_search_index_fails_the_build_and_keeps_the_site(tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    out = project / "site"
    build(project, out, search=False)
    before = tree(out)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    with pytest.raises(PagefindError, match=r"^search indexing failed \(pagefind exit code 1\)$"):
        build(project, out)
    assert tree(out) == before


def test_a_missing_pagefind_binary_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index, "get_executable", lambda: None)
    with pytest.raises(PagefindError) as error:
        build(SAMPLE, tmp_path / "site")
    assert (
        str(error.value)
        == "search indexing failed: the Pagefind binary is missing; install dossier with pagefind[bin] or pass --no-search"
    )
    assert not (tmp_path / "site").exists()
