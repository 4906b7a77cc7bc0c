"""Build: run the pipeline (load, check, model, render, write, index), time each phase, and remember it.

Read and check everything first; stop with every problem, or render, write and index
into a staging folder that replaces the output folder only when all of it succeeded.
A :class:`Session` keeps what a build knew, so that the next one renders only what
changed (the preview's rebuilds).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import jinja2

from dossier.check import CheckCache, check_project
from dossier.environment import make_env, static_files, template_digests
from dossier.errors import Cancelled, DossierError, Problem, errors_in, plural
from dossier.heap import quiet
from dossier.i18n import Labels
from dossier.index import BUNDLE, keep_old_chunks, run_pagefind
from dossier.links import link_files, link_or_copy
from dossier.load import FileCache, load_project
from dossier.model import Memo, link_records
from dossier.pages import Page, Produce, site_map
from dossier.plan import Previous, job_paths, plan, record
from dossier.project import Output, export_templates
from dossier.recording import Readers
from dossier.records import Records
from dossier.render import render_apart, render_site
from dossier.search_entries import index_parts
from dossier.write import (
    MARKER,
    check_outputs,
    files_in,
    publish,
    remove_leftovers,
    replace_folder,
    staging,
    update,
    write_files,
)

T = TypeVar("T")
PHASES = ("load", "check", "model", "render", "write", "index")  # in the order a build runs them
NO_BASE_URL = (
    "no base_url, so this build leaves out sitemap.xml, feed.xml, the canonical links and the event links of "
    "data/events.ics, and the other exports link to pages relative to the site root; set base_url in "
    "content/dossier.yaml, or for one build pass --base-url URL or set DOSSIER_BASE_URL"
)


@dataclass
class BuildReport:
    """What a build did: pages written, seconds per phase, the warnings it met and what it left out (notes)."""

    pages: int = 0
    files: int = 0
    rendered: int = 0  # HTML pages rendered (the others were unchanged since the session's last build), as ``pages``
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said once after the summary, e.g. what needs a base_url
    drafts_left_out: tuple[str, ...] = ()  # the files of the drafts the build left out

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    def summary(self, out_dir: Path) -> str:
        order = sorted(self.timings, key=lambda name: PHASES.index(name) if name in PHASES else len(PHASES))
        phases = ", ".join(f"{name} {self.timings[name]:.2f}s" for name in order)
        total = sum(self.timings.values())
        return f"built {plural(self.pages, 'page')} ({plural(self.files, 'file')}) into {out_dir} in {total:.2f}s ({phases})"


def timed(report: BuildReport, name: str, work: Callable[[], T]) -> T:
    with report.phase(name):
        return work()


def check(root: Path, report: BuildReport | None = None, strict: bool = False, drafts: bool = False) -> Records:
    """Load and check a project; raise DossierError with every problem (warnings too when ``strict``), or return its
    records, with the drafts only when ``drafts`` (warnings in ``report``)."""
    return Session(root).check(report if report is not None else BuildReport(), strict, drafts)


def build(
    root: Path,
    out_dir: Path,
    search: bool = True,
    keep_index: bool = False,
    strict: bool = False,
    base_url: str | None = None,
    progress: Progress | None = None,
    drafts: bool = False,
) -> BuildReport:
    """Build the project at ``root`` into ``out_dir``; on any problem raise and leave ``out_dir`` untouched.

    With ``keep_index`` (and no ``search``), the previous site's search index is carried
    over as it is, for a preview that indexes after the browser has loaded the pages. A
    ``base_url`` (checked and ending with "/") replaces the dossier's for this build. With
    ``strict``, a warning stops the build as an error does; with ``drafts`` (the preview), the
    drafts are built too, marked as such.
    """
    return Session(root, record=False).build(out_dir, search, keep_index, strict, base_url, progress, drafts=drafts)


Progress = Callable[[str, int, int], None]  # told (phase, done, total) as a build goes; total 0 when not known


@dataclass
class Session:
    """Builds of one project, each after the first doing only what the changes since the last good one need.

    A session keeps every file it loaded and checked by content (an unchanged file gives back the same record
    object) and, for every page it rendered, its template, its variables and what it read of the model and of
    the templates (see ``recording``). The next build loads and checks again, cheaply (a file whose stat is
    unchanged is not read; only changed files are parsed and checked on their own; the whole-project rules run
    again for a file that changed or whose questions to the project get another answer, so a renamed actor or a
    quote edited away is caught wherever it is cited), links the model again (reusing the per-record parts of
    unchanged records, see ``memo``) and renders only the pages that are new or whose template, variables or
    read values changed (found through :attr:`readers`); the exports are made again when the model changed.
    Every other file is hard-linked from the previous output into the staging folder, so the swap stays atomic
    and the result is byte for byte what a fresh build writes (``tests/test_build.py`` edits a generated project
    at random and compares). ``dossier serve`` keeps one session for as long as it runs, and asks it to
    ``defer``: only the changed files are written, each moved into place whole (``write.update``), and the slow
    pages, the exports and the search index are left to :meth:`catch_up`, after the browser has reloaded.
    """

    root: Path
    start_method: str = "fork"  # "forkserver" where this process has other threads (the preview's server)
    record: bool = True  # record what each page reads and keep the caches (False for a single build: no rebuild follows)
    files: FileCache = field(default_factory=dict)
    checks: CheckCache = field(default_factory=CheckCache)
    memo: Memo = field(default_factory=Memo)
    readers: Readers = field(default_factory=Readers)  # which pages of ``previous`` read each model path
    env: tuple[jinja2.Environment, Labels, Mapping[str, str]] | None = None  # the templates, their language, digests
    previous: Previous | None = None
    index_files: frozenset[str] = frozenset()  # the output's search index's own files (none known for a carried one)
    placing: bool = False  # files are being moved into the output, and ``previous`` does not say so yet (see moving)

    @quiet
    def check(self, report: BuildReport, strict: bool = False, drafts: bool = False) -> Records:
        """Load and check the project; raise DossierError with every problem (warnings too when ``strict``), or return
        its records, with the drafts only when ``drafts``."""
        keep = self.record  # a single build frees each phase's caches as it ends (a lower peak of memory)
        files, checks = (self.files, self.checks) if keep else (None, None)
        with report.phase("load"):
            project, problems = load_project(self.root, cache=files)
        with report.phase("check"):
            records, more = check_project(project, cache=checks, drafts=drafts)
        del project
        problems = sorted(problems + more)
        if errors_in(problems, strict) or records is None:
            raise DossierError(problems)
        report.warnings = problems
        report.drafts_left_out = records.drafts_left_out
        return records

    @quiet
    def build(
        self,
        out_dir: Path,
        search: bool = True,
        keep_index: bool = False,
        strict: bool = False,
        base_url: str | None = None,
        progress: Progress | None = None,
        defer: bool = False,
        drafts: bool = False,
    ) -> BuildReport:
        """Build into ``out_dir`` (see :func:`build`), rendering only what changed since this session's last build.

        With ``defer`` (and a previous build), slow pages and exports that changed are kept as they were for now,
        and the search index is carried over: :attr:`pending` says whether :meth:`catch_up` has work to do.
        """
        report = BuildReport()
        tell = progress or (lambda phase, done, total: None)
        tell("check", 0, 0)
        records = self.check(report, strict, drafts)
        if base_url:
            records = dataclasses.replace(records, dossier=dataclasses.replace(records.dossier, base_url=base_url))
        if not records.dossier.base_url:
            report.notes.append(NO_BASE_URL)
        tell("model", 0, 0)
        site = timed(report, "model", lambda: link_records(records, self.memo if self.record else None))
        site = dataclasses.replace(site, export_templates=export_templates(self.root))
        env = make_env(self.root, site.labels)
        templates = template_digests(env)
        if self.env is not None and self.env[1:] == (site.labels, templates):
            env = self.env[0]  # the same templates in the same language: compiled and analysed already
        self.env = (env, site.labels, templates)
        out = out_dir.absolute()
        previous = self.previous if self.previous is not None and self.previous.out == out else None
        jobs = site_map(site)
        check_outputs(job.path for job in jobs if isinstance(job, (Page, Output)))
        todo, keep, states, pending = plan(jobs, site, templates, previous, defer, self.readers)
        static = static_files(self.root)
        made: dict[str, tuple[str, ...]] = {}
        seconds: dict[str, float] = {}
        report.pages = sum(1 for job in jobs if isinstance(job, Page) and job.path.endswith(".html"))
        in_place = defer and previous is not None  # a preview's rebuild: only the changed files are written
        index = search and not defer
        carry_index = keep_index and (out / BUNDLE).is_dir()  # publish() and update() refuse a folder not ours
        written: set[str] = set()

        inside = [0.0]  # seconds spent filling the staging folder (the rest of publishing is "write")

        def fill(folder: Path) -> None:
            began = time.perf_counter()
            try:
                make(folder)
            finally:
                inside[0] = time.perf_counter() - began

        def make(folder: Path) -> None:
            tell("render", 0, len(todo))
            with report.phase("write"):
                there = _still_there(keep, out) if in_place else link_files(keep, out, folder)
            missing = list({id(job): job for path, job in keep.items() if path not in there}.values())  # removed by hand
            run = todo + missing
            with report.phase("render"):
                rendered = render_site(
                    site,
                    env,
                    self.root,
                    run,
                    into=folder,
                    start_method=self.start_method,
                    progress=tell,
                    record=self.record,
                    same_as=None if in_place or not out.is_dir() else out,  # the previous site: unchanged files linked
                )
            record(run, rendered, states, made, seconds)
            if previous is not None:
                for job in {id(job): job for job in keep.values() if isinstance(job, Produce)}.values():
                    made.setdefault(job.name, previous.made[job.name])
                    seconds.setdefault(job.name, previous.seconds.get(job.name, 0.0))
            tell("write", 0, 0)
            with report.phase("write"):
                write_files([o for o in static if not (in_place and _same(out / o.path, o.data))], folder)
                written.update(there, (p for p in files_in(folder) if p != MARKER), (o.path for o in static))
            report.rendered = sum(1 for job in run if isinstance(job, Page) and job.path.endswith(".html"))
            if index:  # after rendering, not page by page while rendering: see docs/performance.md
                parts = index_parts(site.search)
                tell("index", 0, len(parts) if len(parts) > 1 else 0)  # a count of parts, or the seconds of one index
                with report.phase("index"):
                    run_pagefind(folder, parts=parts, progress=lambda done, total: tell("index", done, total))
            elif carry_index:
                shutil.copytree(out / BUNDLE, folder / BUNDLE, copy_function=link_or_copy)

        began = time.perf_counter()
        if in_place:
            assert previous is not None
            update(out, fill, removed=lambda: sorted(previous.files - written), moving=self.moving)
        else:
            publish(out, fill)  # the swap, then the previous site removed (seconds for a big one on some disks)
        report.timings["write"] = report.timings.get("write", 0.0) + time.perf_counter() - began - inside[0]
        report.files = len(written)
        if index and self.record:  # for the next catch-up (a single build has none: no walk of a large bundle)
            self.index_files = frozenset(files_in(out / BUNDLE))
        elif not in_place:  # no index, or one carried as it was: which of its files are its own is not known
            self.index_files = frozenset()
        files = frozenset(written)
        unchanged = (  # no page made or removed (a save that changed nothing, a preview's start): its index stands
            in_place
            and previous is not None
            and previous.indexed
            and not report.rendered
            and not pending
            and files == previous.files
        )
        self.previous = Previous(out, site, states, made, seconds, templates, files, tuple(pending), index or unchanged)
        self.placing = False
        self.readers.sync({path: state.reads for path, state in states.items()})
        self.memo.next_build()
        return report

    def moving(self) -> None:
        """Files are about to be moved into the output one by one (``write.update``): until :attr:`previous` says what
        they are, the output is not what the session knows of it (a preview stopped now keeps no pages, see ``cache``).
        """
        self.placing = True

    @property
    def pending(self) -> bool:
        """Whether the last build left pages or exports for :meth:`catch_up`."""
        return self.previous is not None and bool(self.previous.pending)

    def catch_up(self, search: bool, cancel: threading.Event | None = None) -> list[str]:
        """Make what the last (deferred) build left out of date, then the search index when ``search``, and put them
        in place (the files one by one, the index in one step); return the paths made again (with the index's entry
        file when it was made). The pages and exports are made in a worker process (``render.render_apart``), and
        Pagefind runs in its own: both are killed and :class:`Cancelled` raised as soon as ``cancel`` is set (a newer
        save), which then waits for nothing; what was left stays pending for the next catch-up."""
        previous = self.previous
        if previous is None or (not previous.pending and (previous.indexed or not search)):
            return []
        out, jobs = previous.out, list(previous.pending)
        states, made, seconds = dict(previous.pages), dict(previous.made), dict(previous.seconds)

        def stop(phase: str = "", done: int = 0, total: int = 0) -> None:
            if cancel is not None and cancel.is_set():
                raise Cancelled("stopped by a newer save")

        def fill(folder: Path) -> None:  # in a worker process, killed at once by a newer save
            if jobs:  # (not started only to index: it is sent the whole model)
                rendered = render_apart(previous.site, self.root, jobs, folder, self.start_method, cancel)
                record(jobs, rendered, states, made, seconds)
            stop()

        before = {path for job in jobs for path in job_paths(job, previous.made)}
        gone: set[str] = set()

        def removed() -> list[str]:
            gone.update(before - {path for job in jobs for path in job_paths(job, made)})  # an export making fewer files
            return sorted(gone)

        paths = update(out, fill, removed, moving=self.moving)
        files = (previous.files - gone) | set(paths)
        caught_up = dataclasses.replace(previous, pages=states, made=made, seconds=seconds, pending=(), files=files)
        self.previous = caught_up
        self.placing = False
        self.readers.sync({path: state.reads for path, state in states.items()})
        if search and not caught_up.indexed:
            stop()
            remove_leftovers(out)
            with staging(out, BUNDLE) as bundle:
                run_pagefind(out, bundle, cancel=cancel, parts=index_parts(previous.site.search))
                own = frozenset(files_in(bundle))
                keep_old_chunks(out / BUNDLE, bundle, self.index_files)
                stop()
                os.chmod(bundle, 0o755)
                replace_folder(bundle, out / BUNDLE)
            self.index_files = own
            self.previous = dataclasses.replace(caught_up, indexed=True)
            paths.append(f"{BUNDLE}/pagefind-entry.json")
        return sorted(paths)


def _same(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` holds ``data`` already."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _still_there(paths: Iterable[str], out: Path) -> set[str]:
    """The ``paths`` whose files are still in ``out`` (an editor may remove one by hand: it is made again)."""
    prefix, is_file = os.path.join(out, ""), os.path.isfile  # one stat each, no path objects: 14,000 at 10k events
    return {path for path in paths if is_file(prefix + path)}
