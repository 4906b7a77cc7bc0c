"""Render: the site map's pages through Jinja templates (``environment``) into output files.

Every page gets ``root``, the relative path back to the site root, so all links are
relative and the site works under any path prefix. Large sites are rendered by worker
processes, the slow pages and exports first; the preview catches up in one it can stop at
once (:func:`render_apart`). A template error in a worker comes back as a located problem.
Pages are returned, or written into a folder as they are made (no page travels back from a
worker).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from dossier.diagnostics import template_problem
from dossier.environment import Environment, make_env
from dossier.errors import Cancelled, DossierError, Problem
from dossier.filters import Gettext
from dossier.fragments import batched, forget_outputs, memoize_partials
from dossier.heap import gc_paused, worker_heap
from dossier.links import link_same
from dossier.model import Site
from dossier.pages import Job, Page, Produce, site_map
from dossier.project import Output, Streamed
from dossier.recording import TEMPLATE, Recorder, RecordingSite
from dossier.signals import die_with_client, die_with_parent
from dossier.write import write_file, write_streamed


@dataclass(frozen=True)
class Rendered:
    """What rendering gave: the files (their bytes, unless they were written into a folder), what each page read of
    the site model, and the processes that rendered them."""

    outputs: list[Output]
    reads: dict[str, frozenset[Any]]  # page path -> the model paths and templates it read (see ``recording``)
    processes: frozenset[int]
    made: dict[str, tuple[str, ...]]  # name of a Produce job -> the paths of the files it made
    seconds: dict[str, float]  # page path or Produce job name -> how long it took


PAGES_PER_WORKER = 200  # below this many pages per worker, forking costs more than it saves


def render_site(
    site: Site,
    env: jinja2.Environment,
    root: Path,
    jobs: Sequence[Job] | None = None,
    workers: int | None = None,
    min_pages: int = PAGES_PER_WORKER,
    into: Path | None = None,
    start_method: str = "fork",
    progress: Callable[[str, int, int], None] | None = None,
    record: bool = True,
    same_as: Path | None = None,
) -> Rendered:
    """Render every job of the site map (or ``jobs``), in order; pure apart from reading templates (and, with
    ``into``, writing each file there as soon as it is made, so no page travels back from a worker).

    Sites with at least ``min_pages`` pages per worker are rendered by worker processes (``workers`` of them,
    default one per CPU), a chunk of pages at a time: forked from this process (the model is inherited, never
    copied), or with ``start_method="forkserver"`` started from a clean server process and sent the model once,
    which is safe where this process has other threads (the preview's server). The result is the same bytes as
    from one process. A template error, in a worker or here, is raised as a :class:`DossierError` located in the
    template. ``progress("render", done, total)`` is told how far it got, a chunk of jobs at a time. Without
    ``record``, what pages read is not recorded (a build that no rebuild follows saves that time). A file that
    ``same_as`` (the previous site) holds with the same bytes is hard-linked from there rather than written again.
    """
    todo: list[Job] = list(site_map(site) if jobs is None else jobs)
    speaks = env.globals.get("_")
    if not isinstance(speaks, Gettext) or speaks.labels != site.labels:
        raise ValueError(f"templates made for another language than the site's ({site.labels.language}): see make_env")
    memoize_partials(env)
    try:
        return _render(site, env, root, todo, workers, min_pages, (into, record, same_as), start_method, progress)
    finally:
        forget_outputs(env)  # the partials' outputs, and the model objects kept with them, go with this build


def _render(
    site: Site,
    env: jinja2.Environment,
    root: Path,
    todo: list[Job],
    workers: int | None,
    min_pages: int,
    where: Where,
    start_method: str,
    progress: Callable[[str, int, int], None] | None,
) -> Rendered:
    into = where[0]
    workers = min(workers or _cpus(), len(todo) // max(1, min_pages))
    tell = progress or (lambda phase, done, total: None)

    finished = [0]

    def done(start: int, end: int) -> None:
        finished[0] += end - start
        tell("render", finished[0], len(todo))

    parts: list[tuple[int, Part | Problem]] = []
    if workers < 2 or start_method not in multiprocessing.get_all_start_methods():
        for start in range(0, len(todo), PAGES_PER_WORKER):  # a chunk at a time, to tell the progress
            rendered = _unwrap(_render_jobs(site, env, root, todo[start : start + PAGES_PER_WORKER], where))
            parts.append((os.getpid(), rendered))
            done(start, min(start + PAGES_PER_WORKER, len(todo)))
        return _merged(parts)
    from concurrent.futures import ProcessPoolExecutor

    global _SHARED
    size = max(8, min(256, len(todo) // (workers * 8)))
    alone = 0
    if into is not None:  # written, not returned: the order of making them is free, so the slow ones go first
        todo, alone = _slow_first(todo)
    chunks = [(start, start + 1) for start in range(alone)]
    chunks += [(start, min(start + size, len(todo))) for start in range(alone, len(todo), size)]
    initializer: Callable[..., None] = _forked
    initargs: tuple[Any, ...] = (os.getpid(),)
    if start_method == "fork":
        _SHARED = (site, env, root, todo, where)  # inherited by the forked workers, never pickled
    else:
        initializer, initargs = _receive, (os.getpid(), pickle.dumps((site, root, todo, where), protocol=5))
    try:
        context = multiprocessing.get_context(start_method)
        with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs) as pool:
            for (start, end), part in zip(chunks, pool.map(_render_chunk, chunks), strict=True):
                parts.append(part)
                done(start, end)
    finally:
        _SHARED = None
    return _merged(parts)


def _slow_first(jobs: list[Job]) -> tuple[list[Job], int]:
    """The jobs with the slow ones first, and how many those are: the exports and the pages of the whole dossier (one
    of their template: the timeline, the brief), each seconds on a big one. Each goes to a worker on its own while
    the others share out the pages of the records; last, they would leave one worker busy and the rest idle."""
    counts = Counter(job.template for job in jobs if isinstance(job, Page))
    slow = [job for job in jobs if isinstance(job, Produce) or (isinstance(job, Page) and counts[job.template] == 1)]
    chosen = {id(job) for job in slow}
    return slow + [job for job in jobs if id(job) not in chosen], len(slow)


def _merged(parts: Sequence[tuple[int, Part | Problem]]) -> Rendered:
    """The parts rendered by each process (its id, and what it made or the problem it met), in order, as one."""
    outputs: list[Output] = []
    reads: dict[str, frozenset[Any]] = {}
    made: dict[str, tuple[str, ...]] = {}
    seconds: dict[str, float] = {}
    for _, result in parts:
        files, read, produced, took = _unwrap(result)
        outputs += files
        reads.update(read)
        made.update(produced)
        seconds.update(took)
    return Rendered(outputs, reads, frozenset(pid for pid, _ in parts), made, seconds)


Where = tuple[Path | None, bool, Path | None]  # the folder to write into (None: return the bytes), whether to record
# reads, the previous site to link unchanged files from
Shared = tuple[Site, jinja2.Environment, Path, list[Job], Where]
_SHARED: Shared | None = None


def _forked(parent: int) -> None:
    """Initializer of a forked worker: die with the parent; collect the garbage of the pages, not the model."""
    die_with_parent(parent)
    worker_heap()


def _receive(parent: int, shared: bytes) -> None:
    """Initializer of a worker started from a server process: take the model and the jobs, make the templates."""
    global _SHARED
    die_with_client(parent)
    with gc_paused():  # unpickling the model: millions of objects, no garbage
        site, root, jobs, where = pickle.loads(shared)
    worker_heap()
    env = make_env(root, site.labels)
    memoize_partials(env)
    _SHARED = (site, env, root, jobs, where)


def render_apart(
    site: Site,
    root: Path,
    jobs: Sequence[Job],
    into: Path,
    start_method: str = "fork",
    cancel: threading.Event | None = None,
    poll: float = 0.02,
) -> Rendered:
    """Render ``jobs`` in one worker process, writing each file into ``into``, recording what each page reads; raise
    :class:`Cancelled` as soon as ``cancel`` is set, the worker killed at once (not at the end of the page or export
    it is making). The preview catches up this way, so that a save never waits for a slow export to finish. The
    worker is forked (``start_method="fork"``) or started from a fork server and sent the model (the preview)."""
    if cancel is not None and cancel.is_set():
        raise Cancelled("stopped by a newer save")
    context = multiprocessing.get_context(start_method)
    receive, send = context.Pipe(duplex=False)
    shared = pickle.dumps((site, root, list(jobs), (into, True, None)), protocol=5)
    worker = context.Process(  # type: ignore[attr-defined]
        target=_render_apart, args=(send, os.getpid(), start_method, shared), daemon=True
    )
    worker.start()
    send.close()
    try:
        while not receive.poll(poll):
            if cancel is not None and cancel.is_set():
                raise Cancelled("stopped by a newer save")
            if not worker.is_alive() and not receive.poll(0):
                raise RuntimeError(f"the render worker stopped before it was done (exit status {worker.exitcode})")
        try:
            result: Part | Problem | str = receive.recv()
        except EOFError:  # its end of the pipe closed as it died: wait for its status
            worker.join(5)
            raise RuntimeError(f"the render worker stopped before it was done (exit status {worker.exitcode})") from None
    finally:
        receive.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
    if isinstance(result, str):
        raise RuntimeError(f"the render worker failed:\n{result}")
    return _merged([(worker.pid or 0, result)])


def _render_apart(send: Any, parent: int, start_method: str, shared: bytes) -> None:
    """In the worker of :func:`render_apart`: render, send back what was made (or the template problem met)."""
    (die_with_parent if start_method == "fork" else die_with_client)(parent)
    with gc_paused():  # unpickling the model: millions of objects, no garbage
        site, root, jobs, where = pickle.loads(shared)
    worker_heap()
    env = make_env(root, site.labels)
    memoize_partials(env)
    try:
        send.send(_render_jobs(site, env, root, jobs, where))
    except Exception:  # a bug: the parent shows where
        send.send(traceback.format_exc())
    send.close()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


Part = tuple[list[Output], dict[str, frozenset[Any]], dict[str, tuple[str, ...]], dict[str, float]]


def _render_chunk(bounds: tuple[int, int]) -> tuple[int, Part | Problem]:
    """In a worker: render the jobs ``bounds`` names from the parent's list."""
    assert _SHARED is not None
    site, env, root, jobs, where = _SHARED
    return os.getpid(), _render_jobs(site, env, root, jobs[bounds[0] : bounds[1]], where)


def _unwrap(result: Part | Problem) -> Part:
    if isinstance(result, Problem):
        raise DossierError([result])
    return result


PIECE = 1 << 16  # characters of a page encoded at a time


def _page_bytes(template: jinja2.Template, variables: dict[str, Any]) -> bytes:
    """A page as UTF-8, encoded a piece at a time as the template makes it: a page of a whole large dossier (the
    brief, tens of megabytes) is then held as bytes (its pieces, then joined), never as one string of up to four
    bytes a character."""
    encoded: list[bytes] = []
    pending: list[str] = []
    size = 0
    for piece in batched(template.generate(variables)):
        pending.append(piece)
        size += len(piece)
        if size > PIECE:
            encoded.append("".join(pending).encode("utf-8"))
            pending, size = [], 0
    encoded.append("".join(pending).encode("utf-8"))
    return encoded[0] if len(encoded) == 1 else b"".join(encoded)


def _render_jobs(site: Site, env: jinja2.Environment, root: Path, jobs: Sequence[Job], where: Where) -> Part | Problem:
    """Render ``jobs``, recording what each page reads (unless told not to); a template error becomes a located problem
    (any other error is a bug and raises). With a folder to write into, every file is written there, not returned."""
    into, record, same_as = where
    outputs: list[Output] = []
    reads: dict[str, frozenset[Any]] = {}
    made: dict[str, tuple[str, ...]] = {}
    seconds: dict[str, float] = {}
    cache: dict[str, jinja2.Template] = {}
    recorder = Recorder()
    seen: Site | RecordingSite = RecordingSite(site, recorder) if record else site
    if isinstance(env, Environment) and record:
        env.recorder = recorder

    def keep(output: Output | Streamed) -> None:
        if isinstance(output, Streamed):
            if into is None:
                outputs.append(output.output())
            else:
                write_streamed(output, into, same_as)
        elif into is None:
            outputs.append(output)
        elif same_as is None or not link_same(output, same_as, into):
            write_file(output, into)

    try:
        for job in jobs:
            started = time.perf_counter()
            if isinstance(job, Output):
                keep(job)
            elif isinstance(job, Produce):
                files = list(job.producer(site))
                for output in files:
                    keep(output)
                made[job.name] = tuple(output.path for output in files)
                seconds[job.name] = time.perf_counter() - started
            else:
                template = cache.get(job.template) or cache.setdefault(job.template, env.get_template(job.template))
                recorder.push()
                recorder.note((TEMPLATE, job.template))
                try:
                    data = _page_bytes(template, {"site": seen, "root": job.root, "page_path": job.path, **job.variables})
                finally:
                    reads[job.path] = recorder.pop()
                keep(Output(job.path, data))
                seconds[job.path] = time.perf_counter() - started
    except Exception as exc:
        problem = template_problem(exc, root)
        if problem is None:
            raise
        return problem
    finally:
        if isinstance(env, Environment):
            env.recorder = None
        if isinstance(seen, RecordingSite):
            seen.close()
    return outputs, reads, made, seconds
