"""Serve: preview a project in the browser, rebuilding and reloading on every save.

``serve()`` builds the site, serves the output folder with livereload's tornado
server (its static handler, its injected ``livereload.js`` and its ``/livereload``
websocket) and watches ``content/`` and the template folders with a polling
:class:`~dossier.watch.Watcher` of our own, in a rebuild thread. A burst of saves is debounced into one full
:func:`~dossier.build.build`, which swaps a finished site in atomically; then every
open tab is told to reload, straight from the rebuild thread through the IOLoop.
livereload's own watcher and its 3-second reload guard are never started, so every
save reaches the browser. The preview builds the drafts too, each marked as a draft
(``dossier build`` leaves them out). While the last build failed, every HTML page is an error
page listing the problems (and still carrying the reload script); the server runs on
until Ctrl-C.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import os
import signal
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher as LivereloadWatcher
from tornado import web
from tornado.ioloop import IOLoop
from tornado.websocket import WebSocketHandler

from dossier.build import Session
from dossier.diagnostics import relative, template_problem
from dossier.errors import Cancelled, DossierError, PagefindError, Problem, WriteError, plural
from dossier.heap import IDLE, collect_all, gc_paused, settle_heap
from dossier.progress import Progress
from dossier.project import watched_dirs
from dossier.watch import Saves, Watcher

Failure = Problem | str  # a located problem, or a message with no place in the project


def failures(exc: Exception, root: Path) -> list[Failure]:
    """What a failed build has to say to the editor, located in the project where possible."""
    if isinstance(exc, DossierError):
        return list(exc.problems)
    problem = template_problem(exc, root)  # build() raises template errors as problems; this is for any other caller
    return [problem] if problem else [str(exc) or type(exc).__name__]


def error_page(problems: Sequence[Failure]) -> str:
    """A self-contained HTML page listing build problems, every piece of text escaped."""
    items = []
    for problem in problems:
        if isinstance(problem, Problem):
            where = escape(str(problem.location))
            items.append(f"<li><code>{where}</code>: {problem.severity}: {escape(problem.message)}</li>")
        else:
            items.append(f"<li>error: {escape(problem)}</li>")
    count = plural(len(problems), "problem")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · dossier</title>
<link rel="icon" href="data:,">
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; }}
main {{ max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
h1 {{ color: #9b1c1c; font-size: 1.5rem; }}
li {{ margin: .5rem 0; overflow-wrap: anywhere; }}
code {{ font-weight: bold; }}
</style>
</head>
<body>
<main>
<h1>The site could not be built</h1>
<p>{count}. The preview shows this page until the next save that fixes them; it reloads by itself.</p>
<ol class="problems">
{chr(10).join(items)}
</ol>
</main>
</body>
</html>
"""


def is_page(path: str) -> bool:
    """Whether a request path asks for an HTML page (a folder, an .html file or an extensionless name)."""
    last = path.rsplit("/", 1)[-1]
    return last == "" or last.endswith((".html", ".htm")) or "." not in last


SETTLE = 0.3  # seconds without a request after a reload: the tabs have fetched their pages
SETTLE_MAX = 3.0  # ... or this long after the reload, whatever the tabs do


class Preview:
    """The project being previewed: one build session, rebuilt on every save; remembers whether the last build failed."""

    def __init__(self, root: Path, out: Path, search: bool) -> None:
        self.root = root
        self.out = out.absolute()
        self.search = search
        # Worker processes are started from a clean server process: this one has the web server's threads.
        self.session = Session(root, start_method="forkserver")
        self.problems: list[Failure] = []  # of the last build; empty when it succeeded
        self.warnings: list[Problem] = []  # of the last good build, printed when they change
        self.building = False
        self.asked = 0.0  # when a tab last asked for a file (time.monotonic), see settle()

    def rebuild(self, changed: Sequence[str] = (), fatal: tuple[type[Exception], ...] = ()) -> None:
        """Build into the output folder; on failure keep the old site, record and print the problems.

        After the first build, only what changed is rendered, and slow pages, exports and the search index are
        left to :meth:`catch_up`. Exceptions of a ``fatal`` type are raised instead (no save can fix a foreign
        output folder).
        """
        what = ", ".join(relative(p, self.root) for p in changed[:3]) + (", ..." if len(changed) > 3 else "")
        started = time.perf_counter()
        self.building = True
        try:
            first = self.session.previous is None
            if first:  # the one long build: say what it is doing
                with Progress() as progress:
                    report = self.session.build(self.out, search=self.search, progress=progress, drafts=True)
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
                "the browser shows them until the next good save",
                file=sys.stderr,
                flush=True,
            )
        else:
            self.problems = []
            self.show_warnings(report.warnings)
            seconds = time.perf_counter() - started
            done = f"{report.rendered} of {report.pages} pages" if changed else f"{report.pages} pages"
            print(f"{'re' if changed else ''}built {done} in {seconds:.2f}s{f' ({what})' if what else ''}", flush=True)
        finally:
            self.building = False

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
        idle: threading.Timer | None = None
        while (changed := watcher.wait(stop)) is not None:
            if idle is not None:
                idle.cancel()
            saved = watcher.saved if isinstance(watcher, Saves) else None
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
            if not stop.is_set():
                caught_up = self.catch_up(saved)
                if caught_up and not stop.is_set():
                    loop.add_callback(reload_tabs, caught_up)
                idle = threading.Timer(IDLE, collect_all)  # the rest of the garbage, once no save came for a while
                idle.daemon = True
                idle.start()

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
        if any(path.startswith("pagefind/") for path in paths):
            paths = [path for path in paths if not path.startswith("pagefind/")] + ["search/index.html"]
        if paths:
            index = " and the search index" if self.search else ""
            print(f"caught up on {plural(len(paths), 'file')}{index} in {time.perf_counter() - started:.2f}s", flush=True)
        return paths


RELOAD_SCRIPT = (  # injected before </head> of every page: loads livereload.js from the preview server
    b'<script type="text/javascript">(function(){var s=document.createElement("script");'
    b"var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
    b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
    b"document.head.appendChild(s);})();</script>"
)


class PageHandler(StaticFileHandler):
    """livereload's static handler (never 304) that shows the error page instead of pages while the build is broken."""

    preview: Preview

    def initialize(self, path: str, default_filename: str | None = None, preview: Preview | None = None) -> None:
        super().initialize(path, default_filename)
        assert preview is not None
        self.preview = preview

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-cache")  # after a reload the browser must fetch styles again too

    def on_finish(self) -> None:
        self.preview.asked = time.monotonic()

    async def get(self, path: str, include_body: bool = True) -> None:
        self.preview.asked = time.monotonic()
        if "\x00" in path:
            raise web.HTTPError(404)  # no file name holds a NUL byte (and os.stat would raise)
        problems = self.preview.problems
        if problems and is_page(path):
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.respond(error_page(problems).encode(), include_body)
            return
        for _ in range(50):  # where the swap is two renames (not Linux), there is an instant without a folder
            if os.path.isdir(self.root) or not self.preview.building:
                break
            await asyncio.sleep(0.01)
        self.path = self.parse_url_path(path)
        absolute = self.validate_absolute_path(self.root, self.get_absolute_path(self.root, self.path))
        if absolute is None:
            return  # redirected (a folder without its slash)
        self.absolute_path = absolute
        try:
            with open(absolute, "rb") as handle:  # one open file: a swap in mid-request cannot mix two versions
                data = handle.read()
        except OSError:
            raise web.HTTPError(404) from None
        self.set_header("Content-Type", self.get_content_type())
        self.respond(data, include_body)

    def respond(self, data: bytes, include_body: bool) -> None:
        """Send ``data``; to HEAD, the length GET would send (with the reload script, for a page)."""
        if include_body:
            self.finish(data)
            return
        injected = b"html" in self._headers.get("Content-Type", "").encode() and b"</head>" in data
        self.set_header("Content-Length", str(len(data) + (len(RELOAD_SCRIPT) if injected else 0)))
        self.finish()

    def compute_etag(self) -> str | None:
        return None  # never a 304: after a reload the browser must get what was just built

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        missing = Path(self.root, "404.html")
        if status_code == 404 and is_page(self.request.path) and missing.is_file():
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(missing.read_bytes())  # the site's own 404 page, with the reload script injected
        else:
            super().write_error(status_code, **kwargs)


class TabHandler(LiveReloadHandler):
    """livereload's websocket, remembering which page each tab shows (its handshake says).

    Only pages of the preview itself may connect (livereload lets any site's pages in),
    and a message that is not livereload's closes the connection instead of raising.
    """

    page_url = ""

    def check_origin(self, origin: str) -> bool:
        if WebSocketHandler.check_origin(self, origin):  # tornado's rule: the Origin's host:port is the one asked for
            return True
        print(
            f"dossier: refused a live-reload connection from a page of {origin}: only pages of this preview may connect",
            file=sys.stderr,
            flush=True,
        )
        return False

    def on_message(self, message: str | bytes) -> None:
        try:
            info = json.loads(message)
        except ValueError:  # not JSON, or not UTF-8
            info = None
        if not isinstance(info, dict) or not isinstance(info.get("command"), str):
            self.close(1003, "not a livereload message")
            return
        super().on_message(message)
        if info["command"] == "info":
            self.page_url = str(info.get("url", ""))


def reload_tabs(paths: Sequence[str]) -> None:
    """Reload the tabs showing one of ``paths`` (files of the site), so they show what was just swapped in."""
    wanted = set(paths)
    for waiter in list(LiveReloadHandler.waiters):
        if not isinstance(waiter, TabHandler):
            continue
        path = unquote(urlsplit(waiter.page_url).path).lstrip("/")
        path = path + "index.html" if path == "" or path.endswith("/") else path
        if path in wanted or any(path.endswith("/" + p) for p in wanted):  # a preview under a path prefix
            waiter.send_message({"command": "reload", "path": path, "liveCSS": False, "liveImg": False})


class PreviewServer(Server):
    """livereload's server, serving the output folder through :class:`PageHandler`."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(watcher=LivereloadWatcher())  # never started: reloads come from Preview.run
        self.preview = preview

    def application(
        self, port: int, host: str, liveport: int | None = None, debug: bool | None = None, live_css: bool = True
    ) -> None:
        """livereload's own application, with :class:`TabHandler` for its websocket."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        script = RELOAD_SCRIPT

        class Injector(LiveScriptInjector):
            pass

        Injector.script = script
        handlers = [(r"/livereload", TabHandler), (r"/livereload.js", LiveReloadJSHandler), *self.get_web_handlers(script)]
        web.Application(handlers=handlers, transforms=[Injector]).listen(port, address=host)

    def get_web_handlers(self, script: bytes) -> list[Any]:
        options = {"path": str(self.preview.out), "default_filename": "index.html", "preview": self.preview}
        return [(r"/(.*)", PageHandler, options)]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to any address


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
) -> None:
    """Build ``root`` into ``out``, serve it on ``host:port`` and rebuild and reload on every save until Ctrl-C
    (noticing saves by polling with ``poll``, where the file system sends no events)."""
    if not is_loopback(host):
        print(
            f"dossier: warning: serving on {host} lets other machines on the network see the preview and its errors; "
            "it is meant for this machine (leave out --host to serve on 127.0.0.1 only)",
            file=sys.stderr,
            flush=True,
        )
    preview = Preview(root, out, search)
    watcher = Saves(watched_dirs(root), exclude=[preview.out], within=root, polling=poll)  # saves during the first build count
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
    stop = threading.Event()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    thread: threading.Thread | None = None
    io_loop: IOLoop | None = None
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, interrupt) if main_thread else None
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # no line per request
    try:
        preview.rebuild(fatal=(WriteError,))  # content errors are served as the error page; a foreign --out is not
        collect_all()  # the first build's garbage, then the model frozen (see settle_heap)

        async def listen() -> IOLoop:
            PreviewServer(preview).application(port, host, live_css=False)
            return IOLoop.current()

        try:
            io_loop = loop.run_until_complete(listen())
        except OSError as exc:
            raise SystemExit(f"dossier: error: cannot serve on {host}:{port}: {exc.strerror}; choose another --port") from None
        thread = threading.Thread(target=preview.run, args=(watcher, io_loop, stop), name="dossier-rebuild", daemon=True)
        thread.start()
        print(f"serving {relative(preview.out, root)} on {url} (Ctrl-C to stop)", flush=True)
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        loop.run_forever()
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    finally:
        stop.set()
        watcher.saved.set()  # stops a catch-up at once
        if thread is not None:
            thread.join(timeout=60)  # let a running build finish and clean up its staging folder
        watcher.close()
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
        if io_loop is not None:
            io_loop.close(all_fds=True)  # the listening socket and open websockets
        else:
            loop.close()
        asyncio.set_event_loop(None)
