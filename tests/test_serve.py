"""Live preview: the watcher's rules and debounce, the error page, and `dossier serve` in a real browser."""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import jinja2
import pytest
from livereload.handlers import LiveReloadHandler
from playwright.sync_api import Page, expect

from dossier import cache, serve
from dossier.build import BuildReport, build
from dossier.environment import make_env
from dossier.errors import DossierError, Location, PagefindError, Problem
from dossier.serve import Preview, failures
from dossier.write import files_in
from tests.conftest import SAMPLE, free_port, wait_for
from tests.helpers import generated_project, tree, tree_diff
from tests.test_benchmarks import generate

EVENT = "content/events/2022-02-27-call.yaml"
EVENT_PAGE = "events/2022-02-27-call/"
TITLE = "Alice Example offers Bob Sample mediation in a phone call"
BROKEN = ("actors: [alice-example, bob-sample]", "actors: [alice-exampl, bob-sample]")
CONNECTED = "() => window.LiveReload?.connector?.protocol > 0"


class OneSave:
    """A watcher stand-in that reports one save, then waits for ``stop``."""

    def __init__(self) -> None:
        self.calls = 0

    def wait(self, stop: threading.Event) -> list[str] | None:
        self.calls += 1
        return ["content/events/a.yaml"] if self.calls == 1 else None


class Loop:
    def __init__(self) -> None:
        self.callbacks: list[object] = []

    def add_callback(self, callback: object, *args: object) -> None:
        self.callbacks.append(callback)


def test_every_rebuild_is_followed_by_a_reload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dossier.serve.Session.build", lambda *args, **kwargs: BuildReport(pages=1))
    loop = Loop()
    Preview(tmp_path, tmp_path / "site", search=False).run(OneSave(), loop, threading.Event())  # type: ignore[arg-type]
    assert loop.callbacks == [LiveReloadHandler.reload_waiters]


def test_ctrl_c_reaching_build_workers_ends_the_rebuild_thread_quietly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()

    def interrupted(*args: object, **kwargs: object) -> BuildReport:
        stop.set()  # the main thread got the same Ctrl-C and is stopping the server
        raise KeyboardInterrupt

    monkeypatch.setattr("dossier.serve.Session.build", interrupted)
    loop = Loop()
    Preview(tmp_path, tmp_path / "site", search=False).run(OneSave(), loop, stop)  # type: ignore[arg-type]
    assert loop.callbacks == []


def test_the_first_build_is_served_with_the_last_index_and_indexes_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, out = tmp_path / "project", tmp_path / "site"
    shutil.copytree(SAMPLE, project)
    build(project, out)
    entry = out / "pagefind" / "pagefind-entry.json"
    last = entry.read_bytes()
    edit(project / EVENT, f"title: {TITLE}", "title: Alice quixotically phones Bob")
    preview = Preview(project, out, search=True)
    capsys.readouterr()
    preview.rebuild()
    assert "Alice quixotically phones Bob" in (out / EVENT_PAGE / "index.html").read_text(encoding="utf-8")
    assert entry.read_bytes() == last  # the last build's index, served until the new one is ready
    assert preview.catch_up() == ["search/index.html"]
    assert entry.read_bytes() != last
    assert capsys.readouterr().out.splitlines()[-1].startswith("caught up on the search index in ")
    assert preview.catch_up() == []  # nothing left
    assert preview.session.start_method == "forkserver"  # a catch-up never forks beside the server's threads


def previewed(tmp_path: Path, search: bool = False) -> tuple[Path, Preview]:
    """A copy of the sample project, and a preview of it after its first build."""
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    preview = Preview(project, tmp_path / "site", search=search)
    preview.rebuild()
    return project, preview


def test_the_next_preview_goes_on_from_what_the_last_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project, first), out = previewed(tmp_path), tmp_path / "site"
    edit(project / EVENT, f"title: {TITLE}", "title: Alice quixotically phones Bob")
    first.rebuild([str(project / EVENT)])
    capsys.readouterr()
    first.keep()
    said = capsys.readouterr().out.splitlines()
    assert said[0] == "keeping what the preview knew in .dossier-cache/ for its next start"
    assert said[1].startswith("kept in ") and len(said) == 2
    built = tree(out)
    edit(project / EVENT, "title: Alice quixotically phones Bob", "title: Alice phones Bob again")  # while stopped
    second, folder = Preview(project, out, search=False), out.stat().st_ino
    second.rebuild()
    assert out.stat().st_ino == folder  # its changed files put in place, as a save's are: no new site swapped in
    line = capsys.readouterr().out.splitlines()[-1]
    assert re.fullmatch(r"built 20 pages in \d+\.\d\ds \(11 rendered again, the others kept from the last preview\)", line), line
    second.catch_up()  # the slow pages and the exports, as after every save
    fresh = tmp_path / "fresh"
    build(project, fresh, search=False, drafts=True)
    assert tree_diff(tree(out), tree(fresh)) == ""
    assert [path for path, data in tree(out).items() if built.get(path) != data] == [  # where the title shows
        "actors/alice-example/index.html",
        "actors/bob-sample/index.html",
        "articles/gazette-2022-02-28-offer/index.html",
        "brief/index.html",
        "data/dossier.json",
        "data/events.csv",
        "data/events.ics",
        "data/timeline.json",
        "events/2021-aid/index.html",
        "events/2022-02-27-call/index.html",
        "events/2022-02-disputed-venue/index.html",
        "index.html",
        "tags/mediation/index.html",
        "timeline/index.html",
    ]


@pytest.mark.parametrize("inode", ["a new one", "the old one, reused"])
def test_a_site_built_into_the_output_while_previewing_is_not_kept_as_the_preview_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], inode: str
) -> None:
    project, preview = previewed(tmp_path)
    before = os.stat(tmp_path / "site")
    build(project, tmp_path / "site", search=False)  # dossier build into the preview's folder: no drafts, other pages
    if inode == "the old one, reused":  # as ext4 may give the folder it swaps in
        real_stat = os.stat

        def reused(path: object, *args: object, **kwargs: object) -> os.stat_result:
            found = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
            return before if isinstance(path, (str, Path)) and Path(path) == tmp_path / "site" else found

        monkeypatch.setattr(serve.os, "stat", reused)
    capsys.readouterr()
    preview.keep()
    said = capsys.readouterr().out.splitlines()
    assert said[1] == f"note: {tmp_path / 'site'}/ was replaced while the preview ran: its pages are not kept"
    monkeypatch.undo()
    again = Preview(project, tmp_path / "site", search=False)
    again.rebuild()
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith("built 20 pages in ") and "kept" not in line  # every page rendered again
    fresh = tmp_path / "fresh"
    build(project, fresh, search=False, drafts=True)
    assert tree_diff(tree(tmp_path / "site"), tree(fresh)) == ""


def test_a_kept_session_whose_first_build_fails_is_kept_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project, first = previewed(tmp_path)
    first.keep()
    edit(project / EVENT, *BROKEN)
    second = Preview(project, tmp_path / "site", search=False)
    second.rebuild()
    assert second.problems
    capsys.readouterr()
    second.keep()
    said = capsys.readouterr().out.splitlines()
    assert said[1].startswith("kept in ") and len(said) == 2
    edit(project / EVENT, BROKEN[1], BROKEN[0])
    third = Preview(project, tmp_path / "site", search=False)
    third.rebuild()
    assert capsys.readouterr().out.splitlines()[-1].endswith("(every one kept from the last preview)")


def test_a_failed_search_index_does_not_stop_the_session_being_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, preview = previewed(tmp_path, search=True)

    def failing(*args: object, **kwargs: object) -> None:
        raise PagefindError("search indexing failed: a test")

    monkeypatch.setattr("dossier.build.run_pagefind", failing)
    assert preview.catch_up() == []
    capsys.readouterr()
    preview.keep()
    assert capsys.readouterr().out.splitlines()[1].startswith("kept in ")


def test_a_save_mending_a_first_build_that_failed_is_a_first_build(tmp_path: Path) -> None:
    project, out = tmp_path / "project", tmp_path / "site"
    shutil.copytree(SAMPLE, project)
    build(project, out)  # with its search index, which the preview serves until it has its own
    edit(project / EVENT, *BROKEN)
    preview = Preview(project, out, search=True)
    preview.rebuild()
    assert preview.problems
    edit(project / EVENT, BROKEN[1], BROKEN[0])
    preview.rebuild([str(project / EVENT)])
    assert not preview.problems
    assert (out / "pagefind" / "pagefind-entry.json").is_file()  # carried over until the catch-up makes the new one


def test_a_second_ctrl_c_while_keeping_stops_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project, preview = previewed(tmp_path)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.pickle, "dumps", interrupted)
    capsys.readouterr()
    preview.keep()
    assert capsys.readouterr().out.splitlines() == [
        "keeping what the preview knew in .dossier-cache/ for its next start",
        "note: could not keep the preview's cache in .dossier-cache/ (interrupted): the next start renders every page",
    ]
    assert not (project / ".dossier-cache" / "session.pickle").exists()


@pytest.mark.parametrize("when", ["while moving files in", "before moving any"])
def test_a_preview_stopped_in_a_build_keeps_its_pages_only_if_none_was_moved_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], when: str
) -> None:
    project, preview = previewed(tmp_path)
    edit(project / EVENT, f"title: {TITLE}", "title: Alice quixotically phones Bob")
    moved: list[str] = []

    def interrupted(source: object, target: object) -> None:
        moved.append(str(target))
        if len(moved) == 3:
            raise KeyboardInterrupt  # Ctrl-C
        os.rename(source, target)  # type: ignore[arg-type]

    def rendering(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C while rendering, into the staging folder

    if when == "while moving files in":
        monkeypatch.setattr("dossier.write.os.replace", interrupted)
    else:
        monkeypatch.setattr("dossier.build.render_site", rendering)
    with pytest.raises(KeyboardInterrupt):
        preview.rebuild([str(project / EVENT)])
    monkeypatch.undo()
    capsys.readouterr()
    preview.keep()
    said = capsys.readouterr().out.splitlines()
    edit(project / EVENT, "title: Alice quixotically phones Bob", f"title: {TITLE}")  # and back, while stopped
    again = Preview(project, tmp_path / "site", search=False)
    again.rebuild()
    again.catch_up()
    fresh = tmp_path / "fresh"
    build(project, fresh, search=False, drafts=True)
    assert tree_diff(tree(tmp_path / "site"), tree(fresh)) == ""
    last = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("built "))
    if when == "while moving files in":
        assert said[1] == f"note: the preview stopped while it put files into {tmp_path / 'site'}/: its pages are not kept"
        assert "kept" not in last  # every page rendered again
    else:
        assert said[1].startswith("kept in ")
        assert last.endswith("(every one kept from the last preview)")


def test_the_search_index_keeps_the_last_index_s_files_and_no_older_ones(tmp_path: Path) -> None:
    project, out = tmp_path / "project", tmp_path / "site"
    shutil.copytree(SAMPLE, project)
    build(project, out)
    bundle = out / "pagefind"
    for run in range(3):  # a preview started again after each save: its first build carries the last index
        edit(project / EVENT, "title: ", f"title: Run {run} ")
        preview = Preview(project, out, search=True)
        preview.rebuild()
        assert preview.catch_up() == ["search/index.html"]
        assert set(files_in(bundle)) == preview.session.index_files  # none of the carried index's files kept
    indexes = [preview.session.index_files]
    for save in range(2):  # saves in one preview: the files of the index before the last are kept, no older ones
        edit(project / EVENT, "title: ", f"title: Save {save} ")
        preview.rebuild([EVENT])
        preview.catch_up()
        indexes.append(preview.session.index_files)
        assert set(files_in(bundle)) == indexes[-1] | indexes[-2]
    assert indexes[0] - indexes[1] - indexes[2]  # files the first index had and the last two do not: gone


def test_the_last_index_is_copied_where_it_cannot_be_linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, out = tmp_path / "project", tmp_path / "site"
    shutil.copytree(SAMPLE, project)
    build(project, out)
    entry = (out / "pagefind" / "pagefind-entry.json").read_bytes()

    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")  # a file system without hard links

    monkeypatch.setattr(os, "link", no_links)
    preview = Preview(project, out, search=True)
    preview.rebuild()
    assert preview.problems == []
    assert (out / "pagefind" / "pagefind-entry.json").read_bytes() == entry


def test_a_first_build_without_search_drops_the_last_index(tmp_path: Path) -> None:
    project, out = tmp_path / "project", tmp_path / "site"
    shutil.copytree(SAMPLE, project)
    build(project, out)
    preview = Preview(project, out, search=False)
    preview.rebuild()
    assert (out / "index.html").is_file()
    assert not (out / "pagefind").exists()
    assert preview.catch_up() == []


SAVED_WHILE_BUILDING = """
import os
import re
import sys
import threading
from pathlib import Path

import dossier.render
from dossier import serve

project, port, event, save = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] == "save"
dossier.render._cpus = lambda: 2  # two render workers on any machine
os.register_at_fork(before=lambda: print("fork beside", sorted(t.name for t in threading.enumerate()), flush=True))
build = serve.Preview.rebuild


def rebuild(self, changed=(), fatal=(), told=None):
    build(self, changed, fatal, told)
    if save and not changed:  # the first build: a save lands after it has read the files, before the watcher starts
        text = event.read_text(encoding="utf-8")
        event.write_text(re.sub("(?m)^title: .*$", "title: Saved while building", text), encoding="utf-8")


serve.Preview.rebuild = rebuild
serve.serve(project, project / "site", port=port, search=True)
"""


@pytest.mark.parametrize("save", [True, False])
def test_only_the_first_build_forks_and_a_save_during_it_is_rebuilt(tmp_path: Path, save: bool) -> None:
    project = generate(tmp_path / "project", size=300)  # over 400 pages: rendered by two workers
    event = sorted((project / "content" / "events").glob("*.yaml"))[0]
    port = free_port()
    command = [sys.executable, "-c", SAVED_WHILE_BUILDING, str(project), str(port), str(event), "save" if save else ""]
    log = tmp_path / "stdout"
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(f"http://127.0.0.1:{port}/", timeout=60)
        page = project / "site" / "events" / event.stem / "index.html"
        deadline = time.monotonic() + 60
        while (save and "Saved while building" not in page.read_text(encoding="utf-8")) or (
            " the search index in " not in log.read_text()  # caught up, the first catch-up's index or the save's
        ):
            assert time.monotonic() < deadline, (
                f"the save made during the first build was never built and indexed: {log.read_text()}"
            )
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    lines = log.read_text().splitlines()
    forks = [number for number, line in enumerate(lines) if line.startswith("fork beside ")]
    assert [lines[number] for number in forks] == [
        "fork beside ['MainThread']",  # the child answering while the first build runs (see waiting)
        *["fork beside ['MainThread', 'dossier-progress']"] * 2,  # its two render workers; no other
    ]
    built = next(number for number, line in enumerate(lines) if line.startswith("built "))
    assert lines[0].startswith("serving ") and forks[-1] < built  # all before the first build ended
    rel = event.relative_to(project).as_posix()
    assert any(line.startswith("rebuilt ") and line.endswith(f"({rel})") for line in lines) is save, lines
    assert "Traceback" not in stderr


# --- the error page -----------------------------------------------------------------------------


def test_template_errors_point_at_the_template(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    (project / "templates").mkdir()
    (project / "templates" / "tag.html").write_text('{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n')
    with pytest.raises(DossierError) as caught:
        build(project, tmp_path / "site", search=False)
    assert failures(caught.value, project) == [
        Problem(
            Location("templates/tag.html", 3),
            "template syntax error: Expected an expression, got 'end of statement block'; "
            "fix the template at or before this line",
        )
    ]


def test_template_errors_raised_outside_build_are_located_the_same_way(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "templates").mkdir(parents=True)
    (project / "templates" / "page.html").write_text("<p>\n{{ nope }}</p>\n")
    env = make_env(project)
    with pytest.raises(jinja2.UndefinedError) as caught:
        env.get_template("page.html").render()
    assert failures(caught.value, project) == [
        Problem(Location("templates/page.html", 2), "template error: 'nope' is undefined; fix this line of the template")
    ]
    assert failures(RuntimeError("boom"), project) == ["boom"]  # not a template's fault


# --- `dossier serve` in a browser ---------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    """Save ``path`` with ``old`` replaced by ``new``, as an editor would."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@dataclass
class Served:
    """A running `dossier serve` subprocess on a copy of the sample project."""

    project: Path
    url: str
    process: subprocess.Popen[bytes]
    logs: Path

    def edit(self, rel: str, old: str, new: str) -> None:
        edit(self.project / rel, old, new)

    def output(self) -> tuple[str, str]:
        return (self.logs / "stdout").read_text(), (self.logs / "stderr").read_text()

    def wait_for_output(self, line: str, timeout: float = 30.0) -> None:
        """Wait until the server has printed a line starting with ``line``."""
        deadline = time.monotonic() + timeout
        while not any(out.startswith(line) for out in self.output()[0].splitlines()):
            assert time.monotonic() < deadline, f"no line {line!r} in {self.output()}"
            time.sleep(0.05)

    def stop(self) -> tuple[int, float]:
        """Ctrl-C the server; return its exit code and how long it took to exit."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        return code, time.monotonic() - started


def launch(project: Path, logs: Path, *options: str) -> Served:
    """Start `dossier serve` on ``project``, its output in ``logs``; return once it answers."""
    logs.mkdir()
    port = free_port()
    command = [sys.executable, "-m", "dossier", "-C", str(project), "serve", "--port", str(port), *options]
    with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err)
    served = Served(project, f"http://127.0.0.1:{port}/", process, logs)
    wait_for(served.url, timeout=30)
    return served


@pytest.fixture
def start_serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start `dossier serve` on a fresh copy of the sample project (optionally changed first)."""
    running: list[Served] = []

    def start(*options: str, prepare: Callable[[Path], None] | None = None) -> Served:
        project = tmp_path / f"project{len(running)}"
        shutil.copytree(SAMPLE, project)
        if prepare:
            prepare(project)
        served = launch(project, tmp_path / f"logs{len(running)}", *options)
        running.append(served)
        return served

    yield start
    for served in running:
        if served.process.poll() is None:
            code, _ = served.stop()
            assert code in (0, 130)
        assert "Traceback" not in served.output()[1]


@pytest.fixture
def served(start_serve: Callable[..., Served]) -> Served:
    return start_serve("--no-search")


def open_connected(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(CONNECTED)


def test_a_save_changes_the_open_page(served: Served, page: Page) -> None:
    open_connected(page, served.url + EVENT_PAGE)
    with page.expect_navigation():
        served.edit(EVENT, f"title: {TITLE}", "title: Alice phones Bob")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice phones Bob")
    assert served.process.poll() is None


def test_two_saves_a_second_apart_both_arrive(served: Served, page: Page) -> None:
    open_connected(page, served.url + EVENT_PAGE)
    with page.expect_navigation():
        served.edit(EVENT, f"title: {TITLE}", "title: First save")
        first = time.monotonic()
    expect(page.get_by_role("heading", level=1)).to_have_text("First save")
    page.wait_for_function(CONNECTED)
    page.wait_for_timeout(max(0, 1000 - (time.monotonic() - first) * 1000))  # livereload alone would drop this one
    with page.expect_navigation():
        served.edit(EVENT, "title: First save", "title: Second save")
    expect(page.get_by_role("heading", level=1)).to_have_text("Second save")


def test_a_broken_save_shows_the_errors_until_fixed(served: Served, page: Page) -> None:
    open_connected(page, served.url + EVENT_PAGE)
    with page.expect_navigation():
        served.edit(EVENT, *BROKEN)
    problem = page.locator("ol.problems li")
    expect(problem).to_have_text(
        "content/events/2022-02-27-call.yaml:4:10: error: unknown actor 'alice-exampl' (did you mean 'alice-example'?)"
    )
    expect(page).to_have_title("Build failed · dossier")
    page.goto(served.url + "actors/")  # every page is the error page, with the reload script
    expect(problem).to_contain_text("content/events/2022-02-27-call.yaml:4:10")
    page.wait_for_function(CONNECTED)
    with page.expect_navigation():
        served.edit(EVENT, BROKEN[1], BROKEN[0])
    expect(page.get_by_role("heading", level=1)).to_have_text("Actors")
    page.goto(served.url + EVENT_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert served.process.poll() is None
    assert served.output()[1].splitlines() == [
        "content/events/2022-02-27-call.yaml:4:10: error: unknown actor 'alice-exampl' (did you mean 'alice-example'?)",
        "1 problem found after content/events/2022-02-27-call.yaml changed; the browser shows it until the next good save",
    ]


def test_a_project_broken_from_the_start_is_served_and_recovers(start_serve: Callable[..., Served], page: Page) -> None:
    served = start_serve("--no-search", prepare=lambda project: edit(project / EVENT, *BROKEN))
    open_connected(page, served.url)
    expect(page.locator("ol.problems li")).to_contain_text("content/events/2022-02-27-call.yaml:4:10: error: unknown actor")
    with page.expect_navigation():
        served.edit(EVENT, BROKEN[1], BROKEN[0])
    expect(page.get_by_role("heading", level=1)).to_have_text("Sample dossier: a mediation offer")


def test_search_works_in_the_preview(start_serve: Callable[..., Served], page: Page) -> None:
    served = start_serve()  # with the Pagefind index, as users run it
    served.wait_for_output("caught up on the search index in ")  # the first build's index comes after it
    page.goto(served.url + "search/?q=mediation")
    expect(page.locator(".results a.result-title").first).to_be_visible()
    open_connected(page, served.url + "search/?q=quixotically")
    expect(page.locator(".search-status")).to_have_text("0 results for “quixotically”.")
    with page.expect_navigation():
        served.edit(EVENT, "summary: Alice called Bob", "summary: Alice quixotically called Bob")
    expect(page.locator(".results a.result-title")).to_have_text([TITLE])  # the new index is served


HELD_INDEX = """
import sys
import time
from pathlib import Path

import dossier.build
from dossier import serve

project, port, release = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
index = dossier.build.run_pagefind


def held(*args, **kwargs):
    while not release.exists():  # the first index takes as long as the test says
        time.sleep(0.05)
    return index(*args, **kwargs)


dossier.build.run_pagefind = held
serve.serve(project, project / "site", port=port, search=True)
"""


def test_the_search_page_says_the_preview_is_making_its_first_index_then_reloads(tmp_path: Path, browser: Any) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    port, release = free_port(), tmp_path / "release"
    command = [sys.executable, "-c", HELD_INDEX, str(project), str(port), str(release)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    context = browser.new_context()  # not the `page` fixture: the held-back list of parts is a 503 in the console
    errors: list[str] = []
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for(url, timeout=30)  # served with no index at all: a first run
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        open_connected(page, url + "search/?q=mediation")
        expect(page.locator(".search-status")).to_have_text(
            "The preview is making the search index; this page reloads when it is ready."
        )
        with page.expect_navigation():
            release.touch()
        expect(page.locator(".results a.result-title").first).to_be_visible()
    finally:
        context.close()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert errors == ["Failed to load resource: the server responded with a status of 503 (Service Unavailable)"]
    assert "Traceback" not in stderr


HELD_BUILD = """
import sys
import time
from pathlib import Path

import dossier.build
from dossier import serve

project, port, loading, linking = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])


def held(work, gate):
    def wait(*args, **kwargs):
        while not gate.exists():  # the first build takes as long as the test says
            time.sleep(0.05)
        return work(*args, **kwargs)

    return wait


dossier.build.load_project = held(dossier.build.load_project, loading)
dossier.build.link_records = held(dossier.build.link_records, linking)
serve.serve(project, project / "site", port=port, search=False, open_browser=len(sys.argv) > 5)
"""


def start_held(
    tmp_path: Path, *extra: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str, tuple[Path, Path]]:
    """`dossier serve` on a copy of the sample project, its first build held before loading the records and before
    linking them, each until the returned file for it is made; waits until the port answers."""
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    port, gates = free_port(), (tmp_path / "loading", tmp_path / "linking")
    command = [sys.executable, "-c", HELD_BUILD, str(project), str(port), *map(str, gates), *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                wait_for(url, timeout=0.1)
            except HTTPError as answered:
                assert answered.code == 503
                break
            except OSError:
                assert time.monotonic() < deadline, "the preview never answered"
    except BaseException:
        process.kill()
        process.communicate()
        raise
    return process, url, gates


def test_while_the_first_build_runs_the_browser_is_told_so_and_then_shown_the_page(tmp_path: Path, browser: Any) -> None:
    process, url, (loading, linking) = start_held(tmp_path)
    context = browser.new_context()  # not the `page` fixture: the waiting page is a 503 in the console each second
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(url + EVENT_PAGE)
        expect(page).to_have_title("Building the preview")
        expect(page.get_by_role("status")).to_have_text("checking records")
        page.evaluate("window.loadedOnce = true")  # gone if the page is loaded again
        loading.touch()
        expect(page.get_by_role("status")).to_have_text("linking records")  # in place, the page not loaded again
        assert page.evaluate("window.loadedOnce") is True
        linking.touch()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE, timeout=30_000)
        page.wait_for_function(CONNECTED)  # the preview's own page: it reloads on the next save
    finally:
        context.close()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    assert set(errors) == {"Failed to load resource: the server responded with a status of 503 (Service Unavailable)"}
    assert stdout.splitlines()[0] == f"serving site on {url} (Ctrl-C to stop)"  # said before the build, not after
    assert "Traceback" not in stderr


BROWSER_SCRIPT = """#!{python}
import sys
from pathlib import Path

written = Path({opened!r} + ".part")
written.write_text(sys.argv[1])
written.replace({opened!r})  # whole when it appears: the test reads it as soon as it exists
"""


def test_open_opens_the_browser_as_the_first_build_starts(tmp_path: Path) -> None:
    opened, browser = tmp_path / "opened", tmp_path / "browser"
    browser.write_text(BROWSER_SCRIPT.format(python=sys.executable, opened=str(opened)))
    browser.chmod(0o755)
    process, url, gates = start_held(tmp_path, "open", env={**os.environ, "BROWSER": str(browser)})
    try:
        deadline = time.monotonic() + 30
        while not opened.exists():
            assert time.monotonic() < deadline, "no browser was opened while the first build ran"
            time.sleep(0.05)
        assert opened.read_text() == url  # the build is still held meanwhile
    finally:
        for gate in gates:
            gate.touch()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr


def test_open_opens_the_browser_even_when_finding_it_outlasts_the_first_build(tmp_path: Path) -> None:
    project, opened, browser, tools = tmp_path / "project", tmp_path / "opened", tmp_path / "browser", tmp_path / "bin"
    shutil.copytree(SAMPLE, project)  # built in well under a second
    browser.write_text(BROWSER_SCRIPT.format(python=sys.executable, opened=str(opened)))
    tools.mkdir()
    (tools / "xdg-settings").write_text("#!/bin/sh\nsleep 2.5\n")  # webbrowser asks it first, on a desktop
    for script in (browser, tools / "xdg-settings"):
        script.chmod(0o755)
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}", "DISPLAY": ":99", "BROWSER": str(browser)}
    port = free_port()
    command = [sys.executable, "-m", "dossier", "-C", str(project), "serve", "--no-search", "--open", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 30
        while not opened.exists():
            assert time.monotonic() < deadline, "no browser was opened"
            time.sleep(0.05)
        assert opened.read_text() == f"http://127.0.0.1:{port}/"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr


def test_a_busy_port_is_said_at_once_and_nothing_is_built(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        command = [sys.executable, "-m", "dossier", "-C", str(project), "serve", "--port", str(port)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        f"dossier: error: cannot serve on 127.0.0.1:{port}: Address already in use; choose another --port\n",
    )
    assert not (project / "site").exists()


def test_a_second_preview_of_the_same_project_is_refused_at_once(start_serve: Callable[..., Served], tmp_path: Path) -> None:
    served = start_serve("--no-search")
    served.wait_for_output("built 20 pages in ")
    before = tree(served.project / "site")
    command = [sys.executable, "-m", "dossier", "-C", str(served.project), "serve", "--port", str(free_port()), "--out", "other"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "dossier: error: another dossier serve is previewing this project; stop it first (two previews would write "
        "over each other's output and kept session), or preview a copy of the project\n",
    )
    assert tree(served.project / "site") == before and not (served.project / "other").exists()
    elsewhere = tmp_path / "copy"
    shutil.copytree(SAMPLE, elsewhere)  # another project is previewed beside it
    beside = launch(elsewhere, tmp_path / "beside", "--no-search")
    beside.wait_for_output("built 20 pages in ")
    assert beside.stop()[0] in (0, 130)
    assert served.stop()[0] in (0, 130)
    again = launch(served.project, tmp_path / "again", "--no-search")  # the claim ends with the preview
    again.wait_for_output("built 20 pages in ")
    assert again.stop()[0] in (0, 130)


def test_a_browser_still_opening_does_not_hold_the_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    browser = tmp_path / "slow-browser"
    browser.write_text("#!/bin/sh\nsleep 20\n", encoding="utf-8")
    browser.chmod(0o755)
    command = [sys.executable, "-m", "dossier", "-C", str(project), "serve", "--no-search", "--open", "--port"]
    first = subprocess.Popen([*command, str(free_port())], env={**os.environ, "BROWSER": str(browser)}, stdout=subprocess.PIPE)
    try:
        assert first.stdout is not None
        while not first.stdout.readline().startswith(b"built 20 pages in "):
            pass
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
    again = launch(project, tmp_path / "again", "--no-search")  # while the browser opener, orphaned, still waits
    again.wait_for_output("built 20 pages in ")
    assert again.stop()[0] in (0, 130)


def test_a_foreign_output_folder_is_said_at_once_and_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    command = [sys.executable, "-m", "dossier", "-C", str(SAMPLE), "serve", "--port", str(free_port()), "--out", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        f"dossier: error: {out} exists and was not written by dossier; remove it or choose another --out folder\n",
    )
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_ctrl_c_stops_cleanly_with_a_tab_open(start_serve: Callable[..., Served], browser: object) -> None:
    served = start_serve("--no-search")
    # Not the `page` fixture: once the server is gone, the tab's reconnect attempts are console errors by design.
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        tab = context.new_page()
        open_connected(tab, served.url)
        code, seconds = served.stop()
    finally:
        context.close()
    stdout, stderr = served.output()
    assert code in (0, 130)
    assert seconds < 3
    assert "Traceback" not in stderr
    assert "serving site on " + served.url in stdout
    assert not list(served.project.glob(".site.*"))  # no staging folder left behind


def test_a_stopped_preview_keeps_what_it_knew_and_the_next_start_goes_on_from_it(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    first = launch(project, tmp_path / "first", "--no-search")
    first.wait_for_output("built 20 pages in ")
    assert first.stop()[0] in (0, 130)
    assert first.output()[0].splitlines()[-3:-1] == [
        "stopped",
        "keeping what the preview knew in .dossier-cache/ for its next start",
    ]
    assert first.output()[0].splitlines()[-1].startswith("kept in ")
    edit(project / EVENT, f"title: {TITLE}", "title: Alice quixotically phones Bob")
    second = launch(project, tmp_path / "second", "--no-search")
    try:
        second.wait_for_output("built 20 pages in ")
        assert second.output()[0].splitlines()[1].endswith("s (11 rendered again, the others kept from the last preview)")
        with urllib.request.urlopen(second.url + EVENT_PAGE) as answer:
            assert "Alice quixotically phones Bob" in answer.read().decode()
        second.edit(EVENT, "title: Alice quixotically phones Bob", "title: Alice phones Bob once more")
        second.wait_for_output("rebuilt 11 of 20 pages in ")
    finally:
        assert second.stop()[0] in (0, 130)
    assert "Traceback" not in first.output()[1] + second.output()[1]


IN_A_TERMINAL = "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0)"  # its standard input's, as its own
NOHUP = "import os, signal, sys; signal.signal(signal.SIGHUP, signal.SIG_IGN)"  # as `nohup` starts a command


def serving_after(prelude: str, project: Path, port: int) -> list[str]:
    """The command line of `dossier serve --no-search` on ``project``, run by Python after ``prelude``."""
    run = "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
    return [
        sys.executable,
        "-c",
        f"{prelude}; {run}",
        "-m",
        "dossier",
        "-C",
        str(project),
        "serve",
        "--port",
        str(port),
        "--no-search",
    ]


def hang_up_when(project: Path, said: bytes) -> tuple[int, bytes]:
    """Run `dossier serve` on ``project`` in a terminal of its own, close that terminal once the preview has said
    ``said``; return its exit code and what it had said."""
    leader, follower = os.openpty()
    command = serving_after(IN_A_TERMINAL, project, free_port())
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, start_new_session=True)
    os.close(follower)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while said not in seen:
            assert time.monotonic() < deadline, seen
            seen += os.read(leader, 4096)
    finally:
        os.close(leader)  # the terminal is closed: the kernel hangs it up (SIGHUP), and every write to it fails
    try:
        return process.wait(timeout=30), seen
    finally:
        if process.poll() is None:
            process.kill()


def test_a_preview_whose_terminal_is_closed_stops_and_keeps_what_it_knew(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    code, seen = hang_up_when(project, b"built 20 pages in ")
    assert code == 0, seen
    assert (project / cache.FOLDER / cache.FILE).is_file()
    second = launch(project, tmp_path / "second", "--no-search")
    try:
        second.wait_for_output("built 20 pages in ")
        assert second.output()[0].splitlines()[1].endswith("s (every one kept from the last preview)")
    finally:
        assert second.stop()[0] in (0, 130)
    assert second.output()[1] == ""


def test_a_preview_started_from_a_shell_whose_terminal_is_closed_keeps_what_it_knew(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    leader, follower = os.openpty()
    shell = [sys.executable, "-c", f"{IN_A_TERMINAL}; os.execvp('bash', ['bash', '--norc', '--noprofile', '-i'])"]
    bash = subprocess.Popen(shell, stdin=follower, stdout=follower, stderr=follower, start_new_session=True)
    os.close(follower)
    command = f"{sys.executable} -m dossier -C {project} serve --no-search --port {free_port()}\n"
    os.write(leader, command.encode())
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while b"built 20 pages in " not in seen:
            assert time.monotonic() < deadline, seen
            seen += os.read(leader, 4096)
        time.sleep(0.5)  # the preview idles, its server running
    finally:
        os.close(leader)  # the shell passes a SIGHUP on to the preview, and the kernel sends another as the shell exits
    try:
        bash.wait(timeout=30)
        deadline = time.monotonic() + 30
        while not (project / cache.FOLDER / cache.FILE).is_file():  # the preview, no longer the shell's, keeps it
            assert time.monotonic() < deadline, seen
            time.sleep(0.05)
    finally:
        if bash.poll() is None:
            bash.kill()


def test_a_preview_whose_terminal_is_closed_while_its_workers_render_stops(tmp_path: Path) -> None:
    project = generated_project(tmp_path, size=400)  # 570 pages: rendered by forked workers
    code, seen = hang_up_when(project, b"rendering pages ")
    assert code == 0, seen  # it stopped: it neither served on nor failed on its progress line
    assert b"built " not in seen
    assert sorted(path.name for path in project.iterdir()) == ["content"]  # no site, no staging folder, no cache


def page_with(url: str, text: str, timeout: float = 30.0) -> None:
    """Wait until the page at ``url`` has ``text``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url) as answer:
                if text in answer.read().decode():
                    return
        except HTTPError as error:  # the error page (500) while the last build failed
            if text in error.read().decode():
                return
        assert time.monotonic() < deadline, f"no {text!r} in {url}"
        time.sleep(0.05)


def test_quiet_serve_prints_only_problems(start_serve: Callable[..., Served]) -> None:
    served = start_serve("--no-search", "-q")
    page_with(served.url + EVENT_PAGE, TITLE)
    served.edit(EVENT, f"title: {TITLE}", "title: Alice calls Bob quietly")
    page_with(served.url + EVENT_PAGE, "Alice calls Bob quietly")
    served.edit(EVENT, *BROKEN)
    page_with(served.url + EVENT_PAGE, "unknown actor")
    assert served.stop()[0] in (0, 130)
    assert served.output() == (
        "",
        "content/events/2022-02-27-call.yaml:4:10: error: unknown actor 'alice-exampl' (did you mean 'alice-example'?)\n"
        "1 problem found after content/events/2022-02-27-call.yaml changed; the browser shows it until the next good save\n",
    )


def test_verbose_serve_gives_the_first_build_s_phases_with_their_times(start_serve: Callable[..., Served]) -> None:
    served = start_serve("--no-search", "-v")
    served.wait_for_output("built 20 pages in ")
    phases = [
        line.split(":")[0] for line in served.output()[1].splitlines() if re.fullmatch(r"[a-z ]+: done in \d+\.\d\ds", line)
    ]
    assert phases == [
        "reading what the last preview kept",
        "checking records",
        "linking records",
        "rendering pages",
        "writing the site",
    ]


def test_a_preview_started_under_nohup_runs_on_through_a_hangup(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    logs = tmp_path / "logs"
    logs.mkdir()
    port = free_port()
    command = serving_after(NOHUP, project, port)
    with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
        served = Served(project, f"http://127.0.0.1:{port}/", subprocess.Popen(command, stdout=out, stderr=err), logs)
    try:
        served.wait_for_output("built 20 pages in ")
        served.process.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        with urllib.request.urlopen(served.url + EVENT_PAGE) as answer:
            assert TITLE in answer.read().decode()
        served.edit(EVENT, f"title: {TITLE}", "title: Alice phones Bob after the hangup")
        served.wait_for_output("rebuilt 11 of 20 pages in ")
    finally:
        assert served.stop()[0] in (0, 130)
    assert served.output()[1] == ""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_the_kernel_hands_to_another_thread_still_stops_the_preview(
    start_serve: Callable[..., Served], signum: int
) -> None:
    served = start_serve("--no-search")
    served.wait_for_output("built 20 pages in ")
    pid = served.process.pid
    others = [int(task) for task in os.listdir(f"/proc/{pid}/task") if int(task) != pid]  # the watcher's threads
    libc = ctypes.CDLL(None, use_errno=True)
    tgkill = {"x86_64": 234, "aarch64": 131}[os.uname().machine]  # the system call's number
    assert libc.syscall(tgkill, pid, others[0], signum) == 0  # to that thread, while the main one idles
    assert served.process.wait(timeout=15) in (0, 130)
    assert served.output()[0].splitlines()[-3:-1] == [
        "stopped",
        "keeping what the preview knew in .dossier-cache/ for its next start",
    ]


def test_a_template_saved_in_the_project_overrides_the_theme_live(start_serve: Callable[..., Served], page: Page) -> None:
    served = start_serve("--no-search", prepare=lambda project: (project / "templates" / "partials").mkdir(parents=True))
    open_connected(page, served.url)
    footer = '<footer class="site-footer"><p>Preview footer</p></footer>\n'
    with page.expect_navigation():
        (served.project / "templates" / "partials" / "footer.html").write_text(footer, encoding="utf-8")
    expect(page.locator("footer")).to_have_text("Preview footer")
    page.wait_for_function(CONNECTED)
    with page.expect_navigation():
        (served.project / "templates" / "partials" / "footer.html").write_text("{% if %}", encoding="utf-8")
    expect(page.locator("ol.problems li")).to_have_text(
        "templates/partials/footer.html:1:1: error: template syntax error: Expected an expression, "
        "got 'end of statement block'; fix the template at or before this line"
    )


def test_a_templates_folder_made_while_previewing_overrides_the_theme_live(
    start_serve: Callable[..., Served], page: Page
) -> None:
    served = start_serve("--no-search")  # the sample project has no templates/ folder: the theme is the package's
    assert not (served.project / "templates").exists()
    open_connected(page, served.url + EVENT_PAGE)
    with page.expect_navigation():
        (served.project / "templates" / "partials").mkdir(parents=True)
        (served.project / "templates" / "partials" / "footer.html").write_text(
            '<footer class="site-footer"><p>Our own footer</p></footer>\n', encoding="utf-8"
        )
    expect(page.locator("footer")).to_have_text("Our own footer")
    page.wait_for_function(CONNECTED)
    with page.expect_navigation():  # and saves in it are seen like any other
        (served.project / "templates" / "partials" / "footer.html").write_text(
            '<footer class="site-footer"><p>Edited again</p></footer>\n', encoding="utf-8"
        )
    expect(page.locator("footer")).to_have_text("Edited again")


def test_catching_up_waits_until_the_tabs_have_stopped_asking_for_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "SETTLE", 0.25)  # (long beside the tab's 20 ms: a busy machine may hold its thread)
    monkeypatch.setattr(serve, "SETTLE_MAX", 5.0)
    preview = Preview(tmp_path, tmp_path / "site", search=False)
    started = time.monotonic()
    preview.settle()
    assert 0.25 <= time.monotonic() - started < 5.0  # no tab asked: the quiet time only

    def tab() -> None:  # a tab reloading: a request every 20 ms for half a second
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            preview.asked = time.monotonic()
            time.sleep(0.02)

    asking = threading.Thread(target=tab)
    started = preview.asked = time.monotonic()  # the first request, before the thread has started
    asking.start()
    preview.settle()
    returned = time.monotonic()
    asking.join()
    assert returned - started >= 0.5 and returned >= preview.asked + 0.25  # the requests, then the quiet time
    cancel = threading.Event()
    cancel.set()  # a newer save: no waiting
    preview.asked = time.monotonic() + 60
    started = time.monotonic()
    preview.settle(cancel)
    assert time.monotonic() - started < 5.0
