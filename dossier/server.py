"""Server: the preview's HTTP side, on livereload's tornado server.

It serves the output folder through livereload's static handler (never a 304, the page
read from one open file so that a swap in mid-request cannot mix two versions), injects
the script that loads ``livereload.js``, and keeps livereload's ``/livereload`` websocket,
remembering which page each tab shows so that a catch-up reloads only the tabs it
changed. While the last build failed, every HTML page is an error page listing the
problems. What it shows is a :class:`Shown`: the preview of ``serve``.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import ipaddress
import json
import os
import socket
import sys
import time
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher as LivereloadWatcher
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.websocket import WebSocketHandler

from dossier.errors import Problem, plural
from dossier.index import BUNDLE, PARTS

Failure = Problem | str  # a located problem, or a message with no place in the project


class Shown(Protocol):
    """What the server needs of the preview: its output folder, the last build's problems, whether a build is
    running, and when a tab last asked for a file (which the server sets)."""

    out: Path
    problems: list[Failure]
    building: bool
    asked: float

    @property
    def indexing(self) -> bool: ...  # the search index is still to be made


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


RELOAD_SCRIPT = (  # injected before </head> of every page: loads livereload.js from the preview server
    b'<script type="text/javascript">(function(){var s=document.createElement("script");'
    b"var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
    b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
    b"document.head.appendChild(s);})();</script>"
)


class PageHandler(StaticFileHandler):
    """livereload's static handler (never 304) that shows the error page instead of pages while the build is broken."""

    preview: Shown

    def initialize(self, path: str, default_filename: str | None = None, preview: Shown | None = None) -> None:
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
        if self.path == f"{BUNDLE}/{PARTS}" and self.preview.indexing and not os.path.isdir(os.path.join(self.root, BUNDLE)):
            self.set_header("Retry-After", "1")
            raise web.HTTPError(503)  # no index yet, a first run's: the search page says it is coming (static/search.js)
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

    def __init__(self, preview: Shown) -> None:
        super().__init__(watcher=LivereloadWatcher())  # never started: reloads come from Preview.run
        self.preview = preview

    def listen(self, sockets: Sequence[socket.socket], live_css: bool = True) -> None:
        """livereload's own application (its ``application()``, on sockets bound already), with :class:`TabHandler` for
        its websocket."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        script = RELOAD_SCRIPT

        class Injector(LiveScriptInjector):
            pass

        Injector.script = script
        handlers = [(r"/livereload", TabHandler), (r"/livereload.js", LiveReloadJSHandler), *self.get_web_handlers(script)]
        HTTPServer(web.Application(handlers=handlers, transforms=[Injector])).add_sockets(sockets)

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


PREVIEWING = (
    "another dossier serve is previewing this project; stop it first (two previews would write over each other's "
    "output and kept session), or preview a copy of the project"
)


def claim(root: Path) -> socket.socket | None:
    """Claim the project at ``root`` for this preview, for as long as the returned socket is open: a Unix socket bound
    to a name of Linux's abstract namespace made from the project's folder, which the kernel frees when the process
    ends however it ends (no lock file to go stale). Raise SystemExit with :data:`PREVIEWING` when another preview
    holds it; claim nothing (None) where there is no such namespace."""
    if not sys.platform.startswith("linux"):
        return None
    name = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:32]
    held = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        held.bind(f"\0dossier-serve-{name}")
    except OSError as exc:
        held.close()
        if exc.errno == errno.EADDRINUSE:
            raise SystemExit(f"dossier: error: {PREVIEWING}") from None
        return None  # (not a claim another preview holds: previewing without one is as before)
    return held
