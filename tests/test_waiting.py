"""The page the preview answers with while its first build runs, from a child process on the preview's own socket."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tornado.netutil import bind_sockets

from dossier import waiting
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


def test_the_page_says_what_the_build_does() -> None:
    page = waiting_page("linking records").decode()
    assert "<title>Building the preview</title>" in page
    assert '<p class="doing" role="status">linking records</p>' in page
    assert '<p class="doing" role="status"></p>' in waiting_page("").decode()  # nothing said yet: an empty line
    assert "http-equiv" not in page  # no timed refresh: its script keeps it up to date (tested in a browser)


CHILD = """
import os
import sys

from tornado.netutil import bind_sockets

from dossier import waiting

sent = []
kill = os.kill


def recording(pid, signum):  # what this process sends its child: SIGTERM to stop it, SIGKILL when that did not do
    sent.append(int(signum))
    kill(pid, signum)


os.kill = recording
sockets = bind_sockets(0, address="127.0.0.1")
board = waiting.Board()
with waiting.answering(sockets, board) as pid:
    print(sockets[0].getsockname()[1], pid, flush=True)
    for line in sys.stdin:
        if line.strip() == "end":
            break
        phase, done, total = line.split()
        board(phase, int(done), int(total))
        print("told", flush=True)
print("ended", sent, flush=True)
sys.stdin.read()  # the socket stays open (and unanswered) until the test is done
"""


@dataclass
class Child:
    """A process in the preview's place (one thread, as during the first build) with its waiting child: the port they
    share and the child's process id. :meth:`tell` is the build telling its progress, :meth:`end` the build ending."""

    process: subprocess.Popen[str]
    port: int
    pid: int

    def say(self, line: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def tell(self, phase: str, done: int = 0, total: int = 0) -> None:
        assert self.say(f"{phase} {done} {total}") == "told"

    def end(self) -> list[int]:
        """End the block; return the signals sent to the child."""
        said = self.say("end")
        assert said.startswith("ended "), said
        return [int(n) for n in said.removeprefix("ended ").strip("[]").split(",") if n]


@pytest.fixture
def child() -> Iterator[Child]:
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    port, pid = process.stdout.readline().split()
    try:
        yield Child(process, int(port), int(pid))
    finally:
        _, stderr = process.communicate(timeout=30)  # its input closed: it exits (ending the block if the test did not)
        assert stderr == ""


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


def test_every_page_is_the_waiting_page_and_other_files_a_plain_503(child: Child) -> None:
    child.tell("render", 10, 400)
    status, headers, body = ask(child.port, "/events/some-event/")
    assert (status, headers["Content-Type"], headers["Retry-After"], headers["Cache-Control"]) == (
        503,
        "text/html; charset=utf-8",
        "1",
        "no-store",
    )
    assert body == waiting_page("rendering pages: 10 of 400")
    child.tell("write")
    assert ask(child.port, "/")[2] == waiting_page("writing the site")  # the build's progress, as it goes
    status, headers, body = ask(child.port, "/static/style.css")
    assert (status, headers["Content-Type"], body) == (
        503,
        "text/plain; charset=utf-8",
        b"The preview is building; ask again in a moment.\n",
    )
    status, headers, body = ask(child.port, "/", method="HEAD")
    assert (status, int(headers["Content-Length"]), body) == (503, len(waiting_page("writing the site")), b"")
    assert not gone(child.pid)
    assert child.end() == [signal.SIGTERM]
    assert gone(child.pid)


def test_ended_it_answers_what_it_accepted_and_leaves_the_socket_to_the_preview(child: Child) -> None:
    child.tell("model")
    slow = socket.create_connection(("127.0.0.1", child.port), timeout=10)
    slow.sendall(b"GET / HTTP/1.0\r\n")  # a request not yet whole when the build ends
    time.sleep(0.3)  # accepted by the child meanwhile
    sent: list[list[int]] = []
    ending = threading.Thread(target=lambda: sent.append(child.end()))
    ending.start()
    time.sleep(0.2)
    slow.sendall(b"\r\n")
    answer = b""
    while chunk := slow.recv(65536):
        answer += chunk
    slow.close()
    ending.join(timeout=10)
    assert answer.startswith(b"HTTP/1.0 503 Service Unavailable\r\n")
    assert answer.endswith(waiting_page("linking records"))
    assert sent == [[signal.SIGTERM]] and gone(child.pid)
    later = socket.create_connection(("127.0.0.1", child.port), timeout=10)  # queued for the preview's own server
    later.close()


def test_a_client_that_never_finishes_its_request_does_not_hold_the_preview_back(child: Child) -> None:
    dribbling = socket.create_connection(("127.0.0.1", child.port), timeout=10)
    dribbling.sendall(b"GET / HTTP/1.0\r\n")
    done = threading.Event()

    def dribble() -> None:  # a header line now and then, never the end of the request
        with contextlib.suppress(OSError):
            while not done.wait(0.5):
                dribbling.sendall(b"X-Slow: 1\r\n")

    sender = threading.Thread(target=dribble, daemon=True)
    sender.start()
    try:
        time.sleep(0.3)  # accepted by the child meanwhile
        assert child.end() == [signal.SIGTERM]  # it gave the request GRACE seconds and ended: never killed for it
    finally:
        done.set()
        sender.join()
        dribbling.close()
    assert gone(child.pid)


def test_ctrl_c_stops_it(child: Child) -> None:
    os.kill(child.pid, signal.SIGINT)  # as Ctrl-C in the terminal, which reaches the whole process group
    deadline = time.monotonic() + 10
    while not gone(child.pid):
        assert time.monotonic() < deadline, "Ctrl-C did not stop the child"
        time.sleep(0.05)


RUDE = """
import socket
import struct
import time

from tornado.netutil import bind_sockets

from dossier import waiting

sockets = bind_sockets(0, address="127.0.0.1")
with waiting.answering(sockets, waiting.Board()):
    for sent in (b"GE", b"GET / HTTP/1.0\\r\\n"):  # the request line, or the headers, cut short
        rude = socket.create_connection(sockets[0].getsockname()[:2], timeout=10)
        rude.sendall(sent)
        time.sleep(0.3)  # accepted by the child meanwhile
        rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        rude.close()  # a reset: the child's read fails
        time.sleep(0.3)
print("done")
"""


def test_a_browser_that_hangs_up_early_prints_nothing() -> None:
    result = subprocess.run([sys.executable, "-c", RUDE], capture_output=True, text=True, check=True, timeout=60)
    assert (result.stdout, result.stderr) == ("done\n", "")  # the child writes to the preview's terminal: nothing


AT_ONCE = """
import os
import signal

from tornado.netutil import bind_sockets

from dossier import serve, waiting

signal.signal(signal.SIGTERM, serve.interrupt)  # as `dossier serve` does: the child must not inherit it
sent = []
kill = os.kill


def recording(pid, signum):
    sent.append(signum)
    kill(pid, signum)


os.kill = recording
for _ in range(20):  # each ended before it could have set up its own handling
    sockets = bind_sockets(0, address="127.0.0.1")
    with waiting.answering(sockets, waiting.Board()):
        pass
    sockets[0].close()
print(sorted({int(signum) for signum in sent}))
"""


def test_ended_at_once_it_stops_even_where_this_process_turns_sigterm_into_ctrl_c() -> None:
    result = subprocess.run([sys.executable, "-c", AT_ONCE], capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout == f"[{int(signal.SIGTERM)}]\n"  # never a SIGKILL: every child heard it had to stop
    assert result.stderr == ""


def test_beside_other_threads_nothing_is_forked(tmp_path: Path) -> None:
    sockets = bind_sockets(0, address="127.0.0.1")
    idle = threading.Event()
    other = threading.Thread(target=idle.wait, daemon=True)
    other.start()
    try:
        with waiting.answering(sockets, Board()) as pid:
            assert pid is None
    finally:
        idle.set()
        sockets[0].close()


ORPHAN = """
import os
from tornado.netutil import bind_sockets
from dossier import waiting

with waiting.answering(bind_sockets(0, address="127.0.0.1"), waiting.Board()) as pid:
    print(pid, flush=True)
    os._exit(0)  # gone without ending the block: killed, say
"""


def test_it_ends_when_the_preview_is_gone_without_stopping_it() -> None:
    preview = subprocess.Popen([sys.executable, "-c", ORPHAN], stdout=subprocess.PIPE, text=True)
    assert preview.stdout is not None
    pid = int(preview.stdout.readline())  # (not read to its end: the child holds the pipe open while it runs)
    assert preview.wait(timeout=30) == 0
    preview.stdout.close()
    deadline = time.monotonic() + 10
    try:
        while not gone(pid):
            assert time.monotonic() < deadline, "the waiting child outlived the preview"
            time.sleep(0.05)
    finally:
        if not gone(pid):
            os.kill(pid, signal.SIGKILL)
