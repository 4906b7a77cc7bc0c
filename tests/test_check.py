"""Check: every broken project in tests/invalid/ gets exactly its expected messages and exit code 1."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dossier.check import CHECKS, CheckCache, check_project
from dossier.load import load_project
from tests.helpers import INVALID, check_case, invalid_cases, prepare_case


@pytest.mark.parametrize("case", invalid_cases())
def test_broken_project_reports_every_problem(case: str, tmp_path: Path) -> None:
    result = check_case(case, tmp_path)
    assert result.stderr == (INVALID / case / "expected.txt").read_text(encoding="utf-8")
    assert result.returncode == 1
    assert result.stdout == ""


def test_a_broken_project_in_a_real_process_prints_the_same_and_no_traceback(tmp_path: Path) -> None:
    root = prepare_case("dangling-refs", tmp_path)
    result = subprocess.run([sys.executable, "-m", "dossier", "check"], cwd=root, capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (INVALID / "dangling-refs" / "expected.txt").read_text(encoding="utf-8")


def test_base_project_is_valid(tmp_path: Path) -> None:
    project, problems = load_project(prepare_case("_base", tmp_path))
    records, more = check_project(project)
    assert problems == [] and more == []
    assert records is not None
    assert [e.id for e in records.events] == ["2022-02-27-call"]


def test_problems_from_all_files_come_in_one_run_sorted_by_path_and_line(tmp_path: Path) -> None:
    result = check_case("dangling-refs", tmp_path)
    lines = result.stderr.splitlines()[:-1]
    keys = [(line.split(":")[0], int(line.split(":")[1]), int(line.split(":")[2])) for line in lines]
    assert keys == sorted(keys)
    assert {k[0] for k in keys} == {"content/dossier.yaml", "content/events/2022-02-27-call.yaml"}


def test_the_whole_project_checks_are_a_named_list_run_in_order() -> None:
    assert [name for name, _ in CHECKS] == [
        "references", "links", "passage links", "disputes", "actor links", "captures", "quotes", "date ranges", "order",
        "drafts", "placeholders",
    ]  # fmt: skip
    assert all(callable(run) and run.__doc__ for _, run in CHECKS)


def test_a_cached_check_finds_what_a_fresh_one_does_when_another_file_changes(tmp_path: Path) -> None:
    """The rules' problems in a file are kept only while its questions to the project get the same answers: editing
    a cited article, deleting or drafting an actor changes the problems of an event file that did not change."""
    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent / "sample", root)
    files, cache = {}, CheckCache()
    article = root / "content/articles/gazette-2022-02-28-offer.md"
    actor = root / "content/actors/bob-sample.yaml"
    original = article.read_bytes()

    def both() -> list[str]:
        cached = check_project(load_project(root, cache=files)[0], cache=cache)[1]
        fresh = check_project(load_project(root)[0])[1]
        assert cached == fresh
        return [f"{p.location.path}:{p.message.split(';')[0]}" for p in cached if p.is_error]

    assert both() == []
    kept = dict(cache.ruled)
    article.write_bytes(original.replace(b"by phone on Sunday", b"by telephone on Sunday"))
    found = both()
    assert {line.split(":")[0] for line in found} == {
        "content/dossier.yaml",
        "content/events/2022-02-27-call.yaml",
        "content/pages/about.md",
    }, found
    assert "quote not found in article 'gazette-2022-02-28-offer'" in found[1]
    unrelated = [
        r
        for r in cache.ruled.values()
        if all(q[2] != "gazette-2022-02-28-offer" for q in r.asked) and r.file.source.path != "content/articles/" + article.name
    ]
    assert len(unrelated) >= 3 and all(r is kept[id(r.file)] for r in unrelated)  # their rules were not run again
    article.write_bytes(original)
    assert both() == []
    actor.rename(actor.with_name("bob-renamed.yaml"))
    assert any("unknown actor 'bob-sample'" in line for line in both())
    actor.with_name("bob-renamed.yaml").rename(actor)
    assert both() == []
    actor.write_text(actor.read_text(encoding="utf-8") + "draft: true\n", encoding="utf-8")
    assert any("actor 'bob-sample' is a draft" in line for line in both())
