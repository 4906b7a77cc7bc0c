"""Serve: preview a project in the browser, rebuilding and reloading on every save.

``serve()`` builds the site and serves the output folder (``server``: livereload's
tornado server, its injected ``livereload.js`` and its ``/livereload`` websocket), and
watches ``content/`` and the template folders (``watch``: the file system's events, or
polling where there are none) in a rebuild thread. A burst of saves is one rebuild of a
:class:`~dossier.build.Session`, which renders only what the saves changed and swaps it
in atomically; then every open tab is told to reload, straight from the rebuild thread
through the IOLoop, and the slow pages, the exports and the search index are caught up
on in a worker process a newer save stops. livereload's own watcher and its 3-second
reload guard are never started, so every save reaches the browser. The first build runs before
any other thread: its render workers are forked (the model inherited, not sent), the watcher
starts after it (the saves made meanwhile are found by the files' stamps), and the search
index follows in the background, the last build's served until then. The preview builds
the drafts too, each marked as a draft (``dossier build`` leaves them out). While the
last build failed, every HTML page is an error page listing the problems (and still
carrying the reload script); the server runs on until Ctrl-C, SIGTERM or the terminal's
closing (SIGHUP), each of which stops it the same way, keeping its session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets

from dossier import cache, waiting
from dossier.build import Progress as Told
from dossier.build import Session
from dossier.diagnostics import relative, template_problem
from dossier.errors import Cancelled, DossierError, PagefindError, Problem, WriteError, plural
from dossier.heap import IDLE, collect_all, gc_paused, settle_heap
from dossier.progress import Progress
from dossier.project import watched_dirs
from dossier.server import Failure, PreviewServer, claim, is_loopback, reload_tabs
from dossier.signals import hangs_up, hung_up
from dossier.watch import Saves, Watcher
from dossier.write import MARKER, refuse_foreign


def failures(exc: Exception, root: Path) -> list[Failure]:
    """What a failed build has to say to the editor, located in the project where possible."""
    if isinstance(exc, DossierError):
        return list(exc.problems)
    problem = template_problem(exc, root)  # build() raises template errors as problems; this is for any other caller
    return [problem] if problem else [str(exc) or type(exc).__name__]


SETTLE = 0.3  # seconds without a request after a reload: the tabs have fetched their pages
SETTLE_MAX = 3.0  # ... or this long after the reload, whatever the tabs do


class Preview:
    """The project being previewed: one build session, rebuilt on every save; remembers whether the last build failed."""

    def __init__(self, root: Path, out: Path, search: bool, quiet: bool = False, verbose: bool = False) -> None:
        self.root = root
        self.out = out.absolute()
        self.search = search
        self.quiet, self.verbose = quiet, verbose  # -q: problems only (on stderr); -v: the first build's phase times
        # Worker processes are started from a clean server process: this one has the web server's threads.
        self.session = Session(root, start_method="forkserver")
        self.started = False  # whether the first build ran (see restore: it may begin from a kept session)
        self.restored = False  # whether the session was the last preview's (see restore)
        self.folder: tuple[int, ...] | None = None  # the output folder the last good build left (see keep)
        self.problems: list[Failure] = []  # of the last build; empty when it succeeded
        self.warnings: list[Problem] = []  # of the last good build, printed when they change
        self.building = False
        self.asked = 0.0  # when a tab last asked for a file (time.monotonic), see settle()

    def say(self, line: str) -> None:
        """Print ``line`` on standard output, unless quiet (``-q``: only problems are printed, on standard error)."""
        if not self.quiet:
            print(line, flush=True)

    def rebuild(self, changed: Sequence[str] = (), fatal: tuple[type[Exception], ...] = (), told: Told | None = None) -> None:
        """Build into the output folder; on failure keep the old site, record and print the problems.

        The search index is always left to :meth:`catch_up` (the last one carried over until then); after the first
        build, only what changed is rendered, and slow pages and exports are left to it too. Exceptions of a
        ``fatal`` type are raised instead (no save can fix a foreign output folder). The first build's progress is
        shown in the terminal, and told to ``told`` too (the page the browser gets meanwhile, see ``waiting``).
        """
        what = ", ".join(relative(p, self.root) for p in changed[:3]) + (", ..." if len(changed) > 3 else "")
        started = time.perf_counter()
        self.building = True
        # Workers are forked (the model inherited, not sent: 10 s sooner at 10,000 events) only while this process has
        # no other thread: its first build, before the watcher and the server start.
        self.session.start_method = "fork" if threading.active_count() == 1 else "forkserver"
        try:
            first = not self.started or self.session.previous is None  # (until a first build succeeded)
            if first:  # the one long build: say what it is doing; the search index follows it (catch_up)
                with Progress(verbose=self.verbose) if not self.quiet else contextlib.nullcontext() as progress:

                    def tell(phase: str, done: int, total: int) -> None:
                        if progress is not None:
                            progress(phase, done, total)
                        if told is not None:
                            told(phase, done, total)

                    if not self.started:
                        self.started = True
                        tell("cache", 0, 0)
                        self.restore()
                    report = self.session.build(
                        self.out,
                        search=False,
                        keep_index=self.search,
                        progress=tell,
                        drafts=True,
                        defer=self.session.previous is not None,  # from the last preview: only what changed since
                    )
            else:
                report = self.session.build(self.out, search=False, defer=True, drafts=True)
        except fatal:
            raise
        except Exception as exc:
            if not isinstance(exc, (DossierError, WriteError, PagefindError)) and template_problem(exc, self.root) is None:
                traceback.print_exc()  # a bug, not a content error: show where
            self.problems = failures(exc, self.root)
            for problem in self.problems:
                print(problem if isinstance(problem, Problem) else f"dossier: error: {problem}", file=sys.stderr)
            print(
                f"{plural(len(self.problems), 'problem')} found{f' after {what} changed' if what else ''}; "
                f"the browser shows {'it' if len(self.problems) == 1 else 'them'} until the next good save",
                file=sys.stderr,
                flush=True,
            )
        else:
            self.problems = []
            self.folder = _identity(self.out)
            self.show_warnings(report.warnings)
            seconds = time.perf_counter() - started
            done = f"{report.rendered} of {report.pages} pages" if changed else f"{report.pages} pages"
            if first and report.rendered < report.pages:
                what = (
                    f"{report.rendered} rendered again, the others kept from the last preview"
                    if report.rendered
                    else "every one kept from the last preview"
                )
            self.say(f"{'re' if changed else ''}built {done} in {seconds:.2f}s{f' ({what})' if what else ''}")
        finally:
            self.building = False
            self.session.start_method = "forkserver"  # for a catch-up, and any build beside the server's threads

    def restore(self) -> None:
        """Go on from the session the last preview of this project kept (see ``cache``), if it can be used."""
        state, why = cache.load(self.root)
        if why is not None:
            self.say(f"note: {why}")
        self.session = Session(self.root, start_method=self.session.start_method, **state.session())
        self.restored = bool(state.files)
        if state.previous is not None:  # its output as cache.load found it: a failed first build leaves it so
            self.folder = _identity(self.out)

    def keep(self) -> None:
        """Keep the session for the next start (see ``cache``); say so, or why it could not be kept."""
        session, started = self.session, time.perf_counter()
        if session.previous is None:
            return  # no build succeeded: nothing worth keeping
        self.say(f"keeping what the preview knew in {cache.FOLDER}/ for its next start")
        shown, replaced = f"{relative(self.out, self.root)}/", _identity(self.out) != self.folder
        if session.placing:  # stopped while a build put its files in place: some are in, and the session does not know
            self.say(f"note: the preview stopped while it put files into {shown}: its pages are not kept")
        elif replaced:  # (a dossier build into it swaps in a folder of its own)
            self.say(f"note: {shown} was replaced while the preview ran: its pages are not kept")
        try:
            unkept = cache.save(self.root, cache.State.of(session, pages=not (session.placing or replaced)))
        except KeyboardInterrupt:  # a second Ctrl-C: stop now (save leaves no part of a file)
            unkept = cache.NOT_KEPT.format(folder=f"{cache.FOLDER}/", error="interrupted")
        self.say(f"note: {unkept}" if unkept else f"kept in {time.perf_counter() - started:.2f}s")

    @property
    def indexing(self) -> bool:
        """Whether the search index is still to be made (the first build's, or a save's, until caught up)."""
        previous = self.session.previous
        return self.search and not self.problems and previous is not None and not previous.indexed

    def show_warnings(self, warnings: list[Problem]) -> None:
        """Print the build's warnings when they differ from the last good build's (each save would repeat them)."""
        if warnings != self.warnings:
            for problem in warnings:
                print(problem, file=sys.stderr)
            if warnings:
                print(f"{plural(len(warnings), 'warning')} found; the preview shows the site anyway", file=sys.stderr, flush=True)
            self.warnings = warnings

    def run(self, watcher: Watcher | Saves, loop: IOLoop, stop: threading.Event) -> None:
        """The rebuild thread: wait for saves, rebuild, reload every connected tab, then catch up on the rest."""
        saved = watcher.saved if isinstance(watcher, Saves) else None
        idle = self.after(saved, loop, stop)  # the first build's search index
        while (changed := watcher.wait(stop)) is not None:
            if idle is not None:
                idle.cancel()
            with gc_paused():
                try:
                    self.rebuild(changed)
                except KeyboardInterrupt:  # Ctrl-C also reached the build's worker processes (render forks on big sites)
                    if stop.wait(1.0):  # ... and the main thread, which is stopping the server
                        return
                    self.problems = ["the build was interrupted; save again to rebuild"]
                    print(f"dossier: error: {self.problems[0]}", file=sys.stderr, flush=True)
                if stop.is_set():
                    continue
                # reload_waiters is livereload's broadcast; called directly it skips its 3 s "Ignore" guard.
                loop.add_callback(LiveReloadHandler.reload_waiters, "*")
                self.settle(saved)
                settle_heap()
            idle = self.after(saved, loop, stop)

    def after(self, saved: threading.Event | None, loop: IOLoop, stop: threading.Event) -> threading.Timer | None:
        """After a build: catch up (unless a newer save comes first), reload the tabs showing what that made again, and
        start the timer that collects the rest of the garbage once no save came for a while."""
        if stop.is_set():
            return None
        caught_up = self.catch_up(saved)
        if caught_up and not stop.is_set():
            loop.add_callback(reload_tabs, caught_up)
        idle = threading.Timer(IDLE, collect_all)
        idle.daemon = True
        idle.start()
        return idle

    def settle(self, cancel: threading.Event | None = None) -> None:
        """Wait until the tabs have reloaded: no request for :data:`SETTLE` seconds (at most :data:`SETTLE_MAX`, and
        not past a newer save). Catching up starts by sending the model to its worker, which holds the interpreter
        (half a second on 5,000 events): a tab fetching its page meanwhile would wait for that."""
        started = time.monotonic()
        while True:
            now = time.monotonic()
            wait = min(max(self.asked, started) + SETTLE, started + SETTLE_MAX) - now
            if wait <= 0:
                return
            if cancel is not None and cancel.wait(wait):
                return  # a newer save: rebuild first
            if cancel is None:
                time.sleep(wait)

    def catch_up(self, cancel: threading.Event | None = None) -> list[str]:
        """Make the pages, exports and search index the last rebuild left behind, unless a newer save comes first
        (``cancel``); return the paths made again (the search page's when the index changed)."""
        if self.problems:
            return []
        started = time.perf_counter()
        try:
            paths = self.session.catch_up(self.search, cancel)
        except (Cancelled, KeyboardInterrupt):  # a newer save (or Ctrl-C, which reached Pagefind too): the next build
            return []
        except (DossierError, PagefindError, WriteError) as exc:
            for problem in failures(exc, self.root):
                print(problem if isinstance(problem, Problem) else f"dossier: error: {problem}", file=sys.stderr, flush=True)
            return []
        except Exception:  # a bug, or a worker killed from outside: show it, and let the next save try again
            traceback.print_exc()
            return []
        made = [path for path in paths if not path.startswith("pagefind/")]
        indexed = len(made) < len(paths)
        if made or indexed:
            what = " and ".join(([plural(len(made), "file")] if made else []) + (["the search index"] if indexed else []))
            self.say(f"caught up on {what} in {time.perf_counter() - started:.2f}s")
        return [*made, "search/index.html"] if indexed else made


def _identity(folder: Path) -> tuple[int, ...] | None:
    """The output folder's device and inode, and its marker file's inode and change time: a folder ``dossier build``
    swaps in has a marker of its own (its inode number may be the old folder's, reused), None when either is gone."""
    try:
        found, marker = os.stat(folder), os.stat(folder / MARKER)
    except OSError:
        return None
    return found.st_dev, found.st_ino, marker.st_ino, marker.st_ctime_ns


def interrupt(signum: int, frame: object) -> None:
    """Treat SIGTERM like Ctrl-C, so both stop the server the same clean way."""
    raise KeyboardInterrupt


def serve(
    root: Path,
    out: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    search: bool = True,
    poll: bool = False,
    quiet: bool = False,
    verbose: bool = False,
) -> None:
    """Build ``root`` into ``out``, serve it on ``host:port`` and rebuild and reload on every save until Ctrl-C
    (noticing saves by polling with ``poll``, where the file system sends no events); ``quiet``, print only problems,
    ``verbose``, the first build's phases with their times too."""
    if not is_loopback(host):
        print(
            f"dossier: warning: serving on {host} lets other machines on the network see the preview and its errors; "
            "it is meant for this machine (leave out --host to serve on 127.0.0.1 only)",
            file=sys.stderr,
            flush=True,
        )
    preview = Preview(root, out, search, quiet, verbose)
    dirs, exclude = watched_dirs(root), [preview.out]
    as_read = Watcher(dirs, exclude=exclude, within=root)  # the files as the first build reads them
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
    refuse_foreign(preview.out)  # said at once, as a busy port is (no save can fix either)
    claimed = claim(root)  # one preview per project
    try:  # before the first build
        sockets = bind_sockets(port, address=host)
    except OSError as exc:
        if claimed is not None:
            claimed.close()
        raise SystemExit(f"dossier: error: cannot serve on {host}:{port}: {exc.strerror}; choose another --port") from None
    stop = threading.Event()
    thread: threading.Thread | None = None
    io_loop: IOLoop | None = None
    main_thread = threading.current_thread() is threading.main_thread()
    handlers = {signal.SIGTERM: interrupt, **({signal.SIGHUP: hung_up} if hangs_up() else {})}  # as Ctrl-C stops
    previous: dict[int, Any] = (
        {signum: signal.signal(signum, handler) for signum, handler in handlers.items()} if main_thread else {}
    )
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # no line per request
    watcher: Saves | None = None
    loop: asyncio.AbstractEventLoop | None = None
    try:
        preview.say(f"serving {relative(preview.out, root)} on {url} (Ctrl-C to stop)")
        board = waiting.Board()
        held_open = [claimed] if claimed is not None else []  # the forked child and browser opener let go of the claim
        with waiting.answering(sockets, board, url if open_browser else None, held_open):  # forked: no other thread yet
            preview.rebuild(fatal=(WriteError,), told=board)  # content errors are served as the error page
        if preview.restored:  # the kept session was frozen as it was read: collect only what the build made
            settle_heap()
        else:
            collect_all()  # the first build's garbage, then the model frozen (see settle_heap)
        watcher = Saves(dirs, exclude=exclude, within=root, polling=poll)
        watcher.add(as_read.changes()[0])  # saves made during the first build, before the watcher started
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        if main_thread:  # through the loop's own wake-up: a signal the kernel hands to another thread (the watcher's)
            for signum, handler in {signal.SIGINT: interrupt, **handlers}.items():  # would otherwise wait for the
                loop.add_signal_handler(signum, handler, signum, None)  # idle loop's next event

        async def listen() -> IOLoop:
            PreviewServer(preview).listen(sockets, live_css=False)
            return IOLoop.current()

        io_loop = loop.run_until_complete(listen())
        thread = threading.Thread(target=preview.run, args=(watcher, io_loop, stop), name="dossier-rebuild", daemon=True)
        thread.start()
        loop.run_forever()
    except KeyboardInterrupt:
        preview.say("\nstopped")
    finally:
        if main_thread:  # stopping: Ctrl-C raises at once again (it skips keeping), SIGTERM as before, and a SIGHUP
            # (a terminal closed, often twice) is ignored from now on; held meanwhile, so none finds the default action
            held = signal.pthread_sigmask(signal.SIG_BLOCK, set(handlers))
            if loop is not None and not loop.is_closed():
                for signum in (signal.SIGINT, *handlers):
                    loop.remove_signal_handler(signum)
            signal.signal(signal.SIGTERM, interrupt)
            if signal.SIGHUP in handlers:
                signal.signal(signal.SIGHUP, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        stop.set()
        if watcher is not None:
            watcher.saved.set()  # stops a catch-up at once
        if thread is not None:
            thread.join(timeout=60)  # let a running build finish and clean up its staging folder
        if watcher is not None:
            watcher.close()
        if thread is None or not thread.is_alive():  # (a build still running would change the session as it is kept)
            preview.keep()
        for number, kept in previous.items():
            signal.signal(number, kept)
        if io_loop is not None:
            io_loop.close(all_fds=True)  # the listening socket and open websockets
        elif loop is not None:
            loop.close()
        for sock in [*sockets, *([claimed] if claimed is not None else [])]:
            sock.close()  # (the server's closed already when it ran)
        if loop is not None:
            asyncio.set_event_loop(None)
