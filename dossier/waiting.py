"""Waiting: while the preview's first build runs, answer the browser from a child process with a page that says so.

The first build of a large dossier takes tens of seconds (35 s at 10,000 events), and it
must run while ``dossier serve`` has no other thread, so that its render workers can be
forked (see ``serve``). So the listening socket is bound before it starts (a busy port is
reported at once, not after the build), and a child forked from the still single-threaded
process answers on that socket meanwhile: every page with a small self-contained page
(status 503) saying what the build is doing — the phase and how many pages are rendered,
which the build writes to a few bytes of memory shared with the child — and asking the
browser to load it again a second later; any other file with a plain 503. When the build
ends, the child is stopped, lets the requests it accepted finish, and exits; the real
server then takes over the same socket, and the next reload of the page is the site (or
the error page). Connections made in between wait in the socket's queue.
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
import webbrowser
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn
from typing import Any

from dossier.progress import LABELS
from dossier.server import is_page

PHASES = ("", *LABELS)  # a phase's number on the board: its place here
_BOARD = struct.Struct("<BII")  # the phase's number, pages done, pages in all
TICK = 0.1  # seconds between two looks at whether the child should stop
OPENING = 5.0  # seconds the child waits, when it stops, for the browser it opens to start


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


def waiting_page(doing: str) -> bytes:
    """The page every page request gets while the first build runs: what it is doing; loaded again every second."""
    now = f'<p class="doing">{doing}</p>\n' if doing else ""  # LABELS and numbers only: nothing to escape
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="1">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Building the preview</title>
<link rel="icon" href="data:,">
<style>body{{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}}
.doing{{font-variant-numeric:tabular-nums}}</style>
</head>
<body>
<main>
<h1>Building the preview</h1>
{now}<p>This page shows the site as soon as the first build is done.</p>
</main>
</body>
</html>
""".encode()


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
    daemon_threads = False  # joined when the child stops: every accepted request is answered
    block_on_close = True


def start(sockets: Sequence[socket.socket], board: Board, url: str | None = None) -> int:
    """Fork the child that answers on ``sockets`` until :func:`stop` (or until this process is gone); open ``url`` in
    a browser from it when given. Returns its process id. Call it while this process has no other thread."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()  # nothing buffered is written twice
    parent = os.getpid()
    signals = {signal.SIGINT, signal.SIGTERM}
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, signals)  # held until the child has its own handlers
    pid = os.fork()
    if pid:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        return pid
    code = 0
    try:
        stopping = threading.Event()
        for signum in signals:  # Ctrl-C reaches the whole process group
            signal.signal(signum, lambda signum, frame: stopping.set())
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        _child(sockets, board, parent, url, stopping)
    except BaseException:  # the child never returns into the parent's code
        code = 1
    finally:
        os._exit(code)


def _child(sockets: Sequence[socket.socket], board: Board, parent: int, url: str | None, stopping: threading.Event) -> None:
    handler = type("Handler", (_Handler,), {"board": board})
    servers = []
    with selectors.DefaultSelector() as selector:
        for sock in sockets:
            server = _Server(sock.getsockname()[:2], handler, bind_and_activate=False)
            server.socket.close()
            server.socket = sock
            servers.append(server)
            selector.register(sock, selectors.EVENT_READ, server)
        opening = threading.Thread(target=webbrowser.open, args=(url,), daemon=True)
        if url is not None:
            opening.start()
        while not stopping.is_set() and os.getppid() == parent:
            for key, _ in selector.select(TICK):
                if not stopping.is_set():
                    key.data.handle_request()
    for server in servers:
        server.timeout = 0
        server.server_close()  # waits for the requests being answered; this process's copy of the socket only
    if opening.is_alive():
        opening.join(OPENING)  # the browser is started, even when the build was done first


def stop(pid: int) -> None:
    """Stop the child ``pid`` and wait until it has answered what it accepted and exited."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
