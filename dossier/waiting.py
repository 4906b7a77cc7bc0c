"""Waiting: while the preview's first build runs, answer the browser from a child process with a page that says so.

The first build of a large dossier takes tens of seconds (35–47 s at 10,000 events on two cores), and it
must run while ``dossier serve`` has no other thread, so that its render workers can be
forked (see ``serve``). So the listening socket is bound before it starts (a busy port is
reported at once, not after the build), and a child forked from the still single-threaded
process answers on that socket meanwhile: every page with a small self-contained page
(status 503) saying what the build is doing — the phase and how many pages are rendered,
which the build writes to a few bytes of memory shared with the child — whose script asks
again every second, shows the progress in place and loads the page once it is served; any
other file with a plain 503. When the build ends, the child is stopped, gives the requests
it accepted a second to finish, and exits; the real server then takes over the same socket,
and the page's script loads the site (or the error page). Connections made in between wait
in the socket's queue.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import selectors
import signal
import socket
import struct
import sys
import threading
import time
import webbrowser
from collections.abc import Iterable, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn
from typing import Any

from dossier.progress import LABELS
from dossier.server import is_page

PHASES = ("", *LABELS)  # a phase's number on the board: its place here
_BOARD = struct.Struct("<BII")  # the phase's number, pages done, pages in all
TICK = 0.1  # seconds between two looks at whether the child should stop
GRACE = 1.0  # seconds a stopped child gives the requests it accepted before it exits


class Board:
    """The build's progress, in memory shared with the child that reports it (``struct``-packed, no lock: a torn
    read shows a count that is off for one second)."""

    def __init__(self) -> None:
        self.memory = mmap.mmap(-1, _BOARD.size)

    def __call__(self, phase: str, done: int, total: int) -> None:
        number = PHASES.index(phase) if phase in PHASES else 0
        self.memory[:] = _BOARD.pack(number, max(done, 0), max(total, 0))

    def read(self) -> str:
        """What the build is doing, as a line of text ("" before it has said)."""
        number, done, total = _BOARD.unpack(self.memory[:])
        phase = LABELS.get(PHASES[number], "") if number < len(PHASES) else ""
        if phase and total:
            return f"{phase}: {done:,} of {total:,}"
        return phase


LOOK_AGAIN = """(function () {
  function look() {
    fetch(location.href, {cache: "no-store"}).then(function (response) {
      if (response.status !== 503) { location.reload(); return; }
      return response.text().then(function (text) {
        var now = new DOMParser().parseFromString(text, "text/html").querySelector(".doing");
        var shown = document.querySelector(".doing");
        if (now && shown.textContent !== now.textContent) { shown.textContent = now.textContent; }
        setTimeout(look, 1000);
      });
    }).catch(function () { setTimeout(look, 1000); });
  }
  setTimeout(look, 1000);
})();"""  # every second: the progress shown in place (announced politely), and the page asked for once it is served


def waiting_page(doing: str) -> bytes:
    """The page every page request gets while the first build runs: what it is doing, kept up to date by a script that
    loads the page asked for once the build is done (without scripts, a line saying to reload)."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Building the preview</title>
<link rel="icon" href="data:,">
<style>body{{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}}
.doing{{font-variant-numeric:tabular-nums;min-height:1.5em}}</style>
</head>
<body>
<main>
<h1>Building the preview</h1>
<p class="doing" role="status">{doing}</p>
<p>This page shows the site as soon as the first build is done.</p>
<noscript><p>Reload it when the terminal says the build is done.</p></noscript>
</main>
<script>{LOOK_AGAIN}</script>
</body>
</html>
""".encode()  # ``doing`` is made of LABELS and numbers only: nothing to escape


class _Handler(BaseHTTPRequestHandler):
    board: Board
    server_version = "dossier"
    timeout = 5  # seconds a connection may keep the child waiting

    def do_GET(self) -> None:  # the name http.server calls
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        page = is_page(path)
        data = waiting_page(self.board.read()) if page else b"The preview is building; ask again in a moment.\n"
        self.send_response(503)
        self.send_header("Content-Type", "text/html; charset=utf-8" if page else "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Retry-After", "1")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # http.server's signature
        pass  # no line per request, as the preview's own server


class _Server(ThreadingMixIn, HTTPServer):
    def __init__(self, sock: socket.socket, handler: type[_Handler]) -> None:
        super().__init__(sock.getsockname()[:2], handler, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.answering: list[threading.Thread] = []

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address), daemon=True)
        self.answering = [t for t in self.answering if t.is_alive()]
        self.answering.append(thread)
        thread.start()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser that went away before its answer: nothing to say in the terminal


@contextlib.contextmanager
def answering(
    sockets: Sequence[socket.socket], board: Board, url: str | None = None, others: Sequence[socket.socket] = ()
) -> Iterator[int | None]:
    """While the block runs, a child process answers on ``sockets`` (and opens ``url`` in a browser when given); it is
    stopped when the block ends, however it ends. It closes its copies of ``others`` at once (the preview's claim on
    its project: a browser opener that outlives the preview must not hold it). Gives the child's process id; None
    where forking is not safe (this process has other threads) or not available: nothing answers meanwhile, and
    ``url`` is opened from a thread."""
    if threading.active_count() > 1 or not hasattr(os, "fork"):
        if url is not None:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        yield None
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()  # nothing buffered is written twice
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)  # Ctrl-C held until the child is known (and has
    try:  # its own handling of it)
        pid = _fork(sockets, board, url, blocked, others)
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        raise
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)  # a Ctrl-C held meanwhile is raised here: the child stops
        yield pid
    finally:
        stop(pid)


SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}  # each stops the preview (a closed terminal: SIGHUP)


def _fork(
    sockets: Sequence[socket.socket], board: Board, url: str | None, blocked: Iterable[int], others: Sequence[socket.socket]
) -> int:
    """Fork the child (with ``SIGNALS`` blocked); return its process id. The child never returns."""
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        for sock in others:
            sock.close()
        stopping = threading.Event()
        for signum in SIGNALS:  # Ctrl-C reaches the whole process group (a signal ignored, as SIGHUP under nohup, stays so)
            if signal.getsignal(signum) is not signal.SIG_IGN:
                signal.signal(signum, lambda signum, frame: stopping.set())
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        _child(sockets, board, parent, url, stopping)
    except BaseException:  # the child never returns into the parent's code
        code = 1
    finally:
        os._exit(code)


def _child(sockets: Sequence[socket.socket], board: Board, parent: int, url: str | None, stopping: threading.Event) -> None:
    """Answer on ``sockets`` until ``stopping`` is set or the parent is gone; then give the requests being answered at
    most :data:`GRACE` seconds. ``url`` is opened by a process of its own (see :func:`_open`)."""
    opener = _open(url, sockets) if url is not None else None
    handler = type("Handler", (_Handler,), {"board": board})
    servers = [_Server(sock, handler) for sock in sockets]
    with selectors.DefaultSelector() as selector:
        for server in servers:
            selector.register(server.socket, selectors.EVENT_READ, server)
        while not stopping.is_set() and os.getppid() == parent:
            for key, _ in selector.select(TICK):
                if not stopping.is_set():
                    key.data.handle_request()
    deadline = time.monotonic() + GRACE
    for thread in [t for server in servers for t in server.answering]:
        if thread.is_alive():
            thread.join(max(0.0, deadline - time.monotonic()))
    if opener is not None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(opener, os.WNOHANG)  # done: reaped here; still opening: it goes on alone


def _open(url: str, sockets: Sequence[socket.socket]) -> int:
    """Open ``url`` in a browser from a process forked for it (this one has no other thread yet), which outlives the
    child when finding and starting the browser takes longer than the first build (``webbrowser`` may ask
    ``xdg-settings`` first, or wait for a terminal browser to end). It holds no copy of the listening sockets."""
    pid = os.fork()
    if pid:
        return pid
    try:
        for sock in sockets:
            sock.close()
        webbrowser.open(url)
    finally:
        os._exit(0)


def stop(pid: int) -> None:
    """Stop the child ``pid`` and wait until it has exited (within :data:`GRACE` seconds and a little), with Ctrl-C
    held meanwhile."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE + 2.0
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:  # stuck: it must not keep Ctrl-C from this process
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    break
                time.sleep(0.01)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
