"""The page the preview answers with while its first build runs, from a child process on the preview's own socket."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from tornado.netutil import bind_sockets

from dossier import serve, waiting
from dossier.waiting import Board, waiting_page


def test_the_board_says_the_phase_and_how_far_rendering_is() -> None:
    board = Board()
    assert board.read() == ""
    board("check", 0, 0)
    assert board.read() == "checking records"
    board("render", 3596, 14252)
    assert board.read() == "rendering pages: 3,596 of 14,252"
    board("write", 0, 0)
    assert board.read() == "writing the site"
    board("a phase it does not know", 1, 2)
    assert board.read() == ""


def test_the_page_says_what_the_build_does_and_asks_to_be_loaded_again() -> None:
    page = waiting_page("linking records").decode()
    assert '<meta http-equiv="refresh" content="1">' in page
    assert "<title>Building the preview</title>" in page
    assert '<p class="doing">linking records</p>' in page
    assert "doing" not in waiting_page("").decode().split("<body>")[1]  # nothing said yet: no line for it


@pytest.fixture
def child() -> Iterator[tuple[int, Board, int]]:
    """A waiting child on a socket of this process: its port, its board, its process id (stopped after the test)."""
    sockets = bind_sockets(0, address="127.0.0.1")
    board = Board()
    pid = waiting.start(sockets, board)
    yield sockets[0].getsockname()[1], board, pid
    waiting.stop(pid)
    for sock in sockets:
        sock.close()


def ask(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def gone(pid: int) -> bool:
    """Whether process ``pid`` has exited (a zombie not yet reaped by whoever adopted it has)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_every_page_is_the_waiting_page_and_other_files_a_plain_503(child: tuple[int, Board, int]) -> None:
    port, board, pid = child
    board("render", 10, 400)
    status, headers, body = ask(port, "/events/some-event/")
    assert (status, headers["Content-Type"], headers["Retry-After"], headers["Cache-Control"]) == (
        503,
        "text/html; charset=utf-8",
        "1",
        "no-store",
    )
    assert body == waiting_page("rendering pages: 10 of 400")
    board("write", 0, 0)
    assert ask(port, "/")[2] == waiting_page("writing the site")  # the build's progress, as it goes
    status, headers, body = ask(port, "/static/style.css")
    assert (status, headers["Content-Type"], body) == (
        503,
        "text/plain; charset=utf-8",
        b"The preview is building; ask again in a moment.\n",
    )
    status, headers, body = ask(port, "/", method="HEAD")
    assert (status, int(headers["Content-Length"]), body) == (503, len(waiting_page("writing the site")), b"")
    assert not gone(pid)


def test_stopped_it_answers_what_it_accepted_and_leaves_the_socket_to_this_process(child: tuple[int, Board, int]) -> None:
    port, board, pid = child
    board("model", 0, 0)
    slow = socket.create_connection(("127.0.0.1", port), timeout=10)
    slow.sendall(b"GET / HTTP/1.0\r\n")  # a request not yet whole when the build ends
    time.sleep(0.5)  # accepted by the child meanwhile
    stopping = threading.Thread(target=waiting.stop, args=(pid,))
    stopping.start()
    time.sleep(0.3)
    slow.sendall(b"\r\n")
    answer = b""
    while chunk := slow.recv(65536):
        answer += chunk
    slow.close()
    stopping.join(timeout=10)
    assert answer.startswith(b"HTTP/1.0 503 Service Unavailable\r\n")
    assert answer.endswith(waiting_page("linking records"))
    assert gone(pid)
    later = socket.create_connection(("127.0.0.1", port), timeout=10)  # queued for the preview's own server
    later.close()


def test_ctrl_c_stops_it(child: tuple[int, Board, int]) -> None:
    _, _, pid = child
    os.kill(pid, signal.SIGINT)  # as Ctrl-C in the terminal, which reaches the whole process group
    assert os.waitpid(pid, 0)[1] == 0


def test_stopped_at_once_it_stops_even_where_this_process_turns_sigterm_into_ctrl_c() -> None:
    previous = signal.signal(signal.SIGTERM, serve.interrupt)  # as `dossier serve` does: the child must not inherit it
    try:
        for _ in range(20):  # each stopped before it could have set up its own handling
            sockets = bind_sockets(0, address="127.0.0.1")
            stopping = threading.Thread(target=waiting.stop, args=(waiting.start(sockets, Board()),), daemon=True)
            stopping.start()
            stopping.join(timeout=10)
            sockets[0].close()
            assert not stopping.is_alive(), "the child missed the signal to stop"
    finally:
        signal.signal(signal.SIGTERM, previous)


ORPHAN = """
import sys
from tornado.netutil import bind_sockets
from dossier import serve, waiting

sockets = bind_sockets(0, address="127.0.0.1")
print(waiting.start(sockets, waiting.Board()), flush=True)
"""


def test_it_ends_when_the_preview_is_gone_without_stopping_it() -> None:
    result = subprocess.run([sys.executable, "-c", ORPHAN], capture_output=True, text=True, check=True, timeout=30)
    pid = int(result.stdout)  # the preview exited (killed, say) without stopping its child
    deadline = time.monotonic() + 10
    try:
        while not gone(pid):
            assert time.monotonic() < deadline, "the waiting child outlived the preview"
            time.sleep(0.05)
    finally:
        if not gone(pid):
            os.kill(pid, signal.SIGKILL)
