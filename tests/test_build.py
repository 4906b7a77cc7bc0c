"""Build: golden output for the sample project, byte-identical rebuilds, and failed builds that change nothing."""

from __future__ import annotations

import dataclasses
import gc
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

import dossier.build
from dossier import index, search_entries
from dossier.build import Session, build
from dossier.errors import Cancelled, DossierError, PagefindError
from dossier.pages import Produce
from dossier.project import Output
from tests.helpers import GOLDEN, SAMPLE, build_golden, generated_project, golden_tree, random_edit, sample_copy, tree, tree_diff

T = TypeVar("T")


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


def test_a_build_and_a_check_run_with_the_cyclic_collector_paused(tmp_path: Path, monkeypatch) -> None:
    seen: list[bool] = []  # whether the collector ran, as checking and linking began
    monkeypatch.setattr(dossier.build, "link_records", spying(dossier.build.link_records, seen))
    monkeypatch.setattr(dossier.build, "check_project", spying(dossier.build.check_project, seen))
    assert gc.isenabled()
    Session(SAMPLE).check(dossier.build.BuildReport())
    build(SAMPLE, tmp_path / "site", search=False)
    assert seen == [False, False, False]
    assert gc.isenabled()  # and on again after


def spying(function: Callable[..., T], seen: list[bool]) -> Callable[..., T]:
    def spied(*args: object, **kwargs: object) -> T:
        seen.append(gc.isenabled())
        return function(*args, **kwargs)

    return spied


def test_a_session_keeps_its_templates_until_one_is_edited(tmp_path: Path) -> None:
    project = sample_copy(tmp_path)
    out = project / "site"
    session = Session(project)
    session.build(out, search=False)
    assert session.env is not None
    first = session.env[0]
    event = project / "content/events/2021-aid.yaml"
    event.write_text(event.read_text().replace("title: ", "title: Edited ", 1))
    session.build(out, search=False)
    assert session.env[0] is first  # compiled and analysed once
    (project / "templates").mkdir()
    (project / "templates/404.html").write_text("{% extends 'base.html' %}{% block main %}Lost here.{% endblock %}")
    session.build(out, search=False)
    assert session.env[0] is not first
    assert "Lost here." in (out / "404.html").read_text()


def test_a_single_build_keeps_no_cache_and_a_session_keeps_each(tmp_path: Path) -> None:
    single, session = Session(SAMPLE, record=False), Session(SAMPLE)
    single.build(tmp_path / "one", search=False)
    session.build(tmp_path / "two", search=False)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert (single.files, single.checks.files, single.memo.new) == ({}, {}, {})  # each phase's freed as it ends
    assert session.files and session.checks.files and session.memo.old  # for the next build


def test_a_build_counts_the_html_pages_it_rendered_as_it_counts_its_pages(tmp_path: Path) -> None:
    project = sample_copy(tmp_path)
    session = Session(project)
    first = session.build(tmp_path / "site", search=False, base_url="https://example.org/")  # with sitemap.xml, feed.xml
    assert (first.rendered, first.pages) == (20, 20)
    event = project / "content" / "events" / "2021-aid.yaml"
    event.write_text(event.read_text().replace("title: ", "title: Edited ", 1))
    again = session.build(tmp_path / "site", search=False, base_url="https://example.org/")
    assert 0 < again.rendered < again.pages == 20


def test_a_rebuild_that_changes_no_page_keeps_its_search_index(tmp_path: Path) -> None:
    project, out = sample_copy(tmp_path), tmp_path / "site"
    session = Session(project)
    session.build(out)
    entry = (out / "pagefind" / "pagefind-entry.json").read_bytes()
    event = project / "content" / "events" / "2021-aid.yaml"
    assert session.build(out, search=False, defer=True).rendered == 0  # as a preview's start from a kept session
    assert session.catch_up(search=True) == []  # nothing to index again
    assert (out / "pagefind" / "pagefind-entry.json").read_bytes() == entry
    event.write_text(event.read_text().replace("title: ", "title: Edited ", 1))
    session.build(out, search=False, defer=True)
    assert "pagefind/pagefind-entry.json" in session.catch_up(search=True)


def test_a_stylesheet_a_page_inlines_is_a_template_it_read(tmp_path: Path) -> None:
    project, out, fresh = sample_copy(tmp_path), tmp_path / "site", tmp_path / "fresh"
    session = Session(project)
    session.build(out, search=False)
    theme = Path(dossier.build.__file__).parent / "theme" / "static" / "style.css"
    own = project / "templates" / "static" / "style.css"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text(theme.read_text(encoding="utf-8") + "\n.own-rule { color: teal; }\n", encoding="utf-8")
    session.build(out, search=False, defer=True)
    session.catch_up(search=False)
    assert ".own-rule" in (out / "404.html").read_text(encoding="utf-8")  # the page that inlines it (any address)
    build(project, fresh, search=False)
    assert tree_diff(tree(out), tree(fresh)) == ""


def test_a_build_over_the_previous_site_links_the_files_that_did_not_change(tmp_path: Path) -> None:
    project = sample_copy(tmp_path)
    out = project / "site"
    build(project, out, search=False)
    inodes = {path: (out / path).stat().st_ino for path in ("index.html", "events/2021-aid/index.html", "404.html")}
    event = project / "content/events/2021-aid.yaml"
    event.write_text(event.read_text().replace("title: ", "title: Edited ", 1))
    build(project, out, search=False)
    assert (out / "404.html").stat().st_ino == inodes["404.html"]  # the same bytes: linked from the previous site
    assert (out / "events/2021-aid/index.html").stat().st_ino != inodes["events/2021-aid/index.html"]  # written anew
    assert "Edited " in (out / "events/2021-aid/index.html").read_text()
    fresh = tmp_path / "fresh"
    build(project, fresh, search=False)
    assert tree(out) == tree(fresh)
    exported = (out / "data/dossier.json").stat().st_ino  # written a piece at a time (a Streamed file)
    build(project, out, search=False)
    assert (out / "data/dossier.json").stat().st_ino == exported  # unchanged: linked too


def test_a_missing_pagefind_binary_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index, "get_executable", lambda: None)
    with pytest.raises(PagefindError) as error:
        build(SAMPLE, tmp_path / "site")
    assert (
        str(error.value)
        == "search indexing failed: the Pagefind binary is missing; install dossier with pagefind[bin] or pass --no-search"
    )
    assert not (tmp_path / "site").exists()


# --- incremental builds: a session's result after every edit is a fresh build's, byte for byte -----------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_builds_after_random_edits_equal_fresh_builds(tmp_path: Path, seed: int) -> None:
    project = generated_project(tmp_path)
    rng = random.Random(seed)
    session, deferring = Session(project), Session(project)
    out, late, fresh = tmp_path / "incremental", tmp_path / "deferred", tmp_path / "fresh"
    undo: list[tuple[Path, bytes | None]] = []
    base = "https://example.org/dossier/"  # with the sitemap and the feed, whose dates come from every file
    session.build(out, search=False, base_url=base)
    deferring.build(late, search=False, base_url=base)
    rendered = []
    for step in range(20):
        edit = random_edit(project, rng, step, undo)
        try:
            expected = build(project, fresh, search=False, base_url=base)
        except DossierError as exc:
            with pytest.raises(DossierError) as incremental:
                session.build(out, search=False, base_url=base)
            assert incremental.value.problems == exc.problems, edit
            with pytest.raises(DossierError):
                deferring.build(late, search=False, base_url=base, defer=True)
            continue
        report = session.build(out, search=False, base_url=base)
        assert report.warnings == expected.warnings, edit
        rendered.append(report.rendered)
        assert tree_diff(tree(out), tree(fresh), ("fresh", "incremental")) == "", edit
        deferring.build(late, search=False, base_url=base, defer=True)
        deferring.catch_up(search=False)
        assert tree_diff(tree(late), tree(fresh), ("fresh", "deferred")) == "", edit
    pages = sum(1 for path in tree(fresh) if path.endswith(".html"))
    assert any(0 < count < pages // 2 for count in rendered)  # most edits render a few pages, not the site


def test_a_deferred_build_swaps_in_the_edited_page_first_and_catch_up_the_rest(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    out = tmp_path / "site"
    session = Session(project)
    session.build(out, search=False)
    before = tree(out)
    slow = "timeline/index.html"  # as if the timeline had taken long: it waits for catch_up
    assert session.previous is not None
    session.previous = dataclasses.replace(
        session.previous,
        pages={**session.previous.pages, slow: dataclasses.replace(session.previous.pages[slow], seconds=1.0)},
    )
    event = project / "content/events/2022-02-27-call.yaml"
    event.write_text(event.read_text().replace("in a phone call", "by telephone"))
    report = session.build(out, search=False, defer=True)
    assert "by telephone" in tree(out)["events/2022-02-27-call/index.html"].decode()
    assert tree(out)[slow] == before[slow] and session.pending
    assert tree(out)["data/dossier.json"] == before["data/dossier.json"]
    assert report.rendered < report.pages

    cancel = threading.Event()
    cancel.set()  # a newer save came first: nothing changes
    with pytest.raises(Cancelled):
        session.catch_up(search=False, cancel=cancel)
    assert tree(out)[slow] == before[slow] and session.pending
    made = session.catch_up(search=False, cancel=threading.Event())
    assert slow in made and "data/dossier.json" in made and not session.pending
    build(project, tmp_path / "fresh", search=False)
    assert tree_diff(tree(out), tree(tmp_path / "fresh"), ("fresh", "caught up")) == ""


def test_the_preview_catches_up_on_a_large_dossiers_search_index_in_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_entries, "PART_PAGES", 3)
    project = sample_copy(tmp_path)
    out = tmp_path / "site"
    session = Session(project)
    session.build(out, defer=True)  # a preview's build: the index follows in the catch-up
    assert not (out / "pagefind").exists()
    assert "pagefind/pagefind-entry.json" in session.catch_up(search=True)
    folders = ["", "part-2/", "part-3/", "part-4/"]
    assert json.loads((out / "pagefind" / index.PARTS).read_text()) == folders
    for folder, count in zip(folders, [2, 2, 2, 3], strict=True):
        assert (out / "pagefind" / folder / "pagefind.js").is_file()
        assert (
            json.loads((out / "pagefind" / folder / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"] == count
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]  # no staging or part folders left
    assert not [p for p in out.rglob(".part-*")]


def test_a_build_tells_how_many_parts_of_the_search_index_are_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[tuple[str, int, int]] = []
    build(sample_copy(tmp_path), tmp_path / "site", progress=lambda *step: told.append(step))
    assert [step for step in told if step[0] == "index"] == [("index", 0, 0)]  # one index: its seconds are shown
    told.clear()
    monkeypatch.setattr(search_entries, "PART_PAGES", 3)
    build(tmp_path / "project", tmp_path / "site", progress=lambda *step: told.append(step))
    counts = [step for step in told if step[0] == "index"]
    assert counts[0] == ("index", 0, 4) and counts[-1] == ("index", 4, 4)
    assert [done for _, done, _ in counts] == sorted({done for _, done, _ in counts})  # each count once, rising


def _never_ending_export(site: object) -> list[Output]:
    """An export that would take a minute (in the worker that catches up)."""
    time.sleep(60)
    return []


def _pending(tmp_path: Path, job: Produce) -> tuple[Session, dict[str, bytes]]:
    """A session whose last build left ``job`` to catch up on, and the files of its site."""
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    session = Session(project)
    session.build(tmp_path / "site", search=False)
    assert session.previous is not None
    session.previous = dataclasses.replace(session.previous, pending=(job,))
    return session, tree(tmp_path / "site")


def test_a_newer_save_stops_a_catch_up_in_the_middle_of_a_slow_export(tmp_path: Path) -> None:
    session, before = _pending(tmp_path, Produce("slow", _never_ending_export))
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()  # the save comes while the export runs
    started = time.monotonic()
    with pytest.raises(Cancelled):
        session.catch_up(search=False, cancel=cancel)
    assert time.monotonic() - started < 30  # not the minute the export would take: its worker was killed
    assert tree(tmp_path / "site") == before and session.pending
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


def test_a_catch_up_worker_that_dies_is_reported_and_changes_nothing(tmp_path: Path) -> None:
    session, before = _pending(tmp_path, Produce("dies", _dying_export))
    with pytest.raises(RuntimeError, match=r"^the render worker stopped before it was done \(exit status 3\)$"):
        session.catch_up(search=False)
    assert tree(tmp_path / "site") == before and session.pending


def _dying_export(site: object) -> list[Output]:
    os._exit(3)
