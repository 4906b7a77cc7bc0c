"""The preview server over plain HTTP and websockets (no browser): the error page, hostile requests, origins, swaps,
which tabs reload, Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from livereload.handlers import LiveReloadHandler
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from dossier.build import build
from dossier.errors import Location, Problem
from dossier.serve import Preview
from dossier.server import RELOAD_SCRIPT, TabHandler, error_page, is_loopback, is_page, reload_tabs
from dossier.write import swap
from tests.conftest import SAMPLE, free_port, wait_for

REPO = Path(__file__).parent.parent
T = TypeVar("T")


@dataclass
class Server:
    project: Path
    port: int
    process: subprocess.Popen[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> str:
        """Stop the server (Ctrl-C has tests of its own); what it printed on stderr until then."""
        self.process.kill()
        return self.process.communicate(timeout=30)[1]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(*options: str) -> Server:
        project = tmp_path / f"project{len(started)}"
        shutil.copytree(SAMPLE, project)
        port = free_port()
        command = [sys.executable, "-m", "dossier", "-C", str(project), "serve", "--no-search", "--port", str(port), *options]
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        server = Server(project, port, process)
        started.append(server)
        wait_for(server.url, timeout=30)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.communicate()


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_hostile_requests_get_answers_not_tracebacks(serve: Callable[..., Server]) -> None:
    server = serve()
    assert fetch(server.url + "index.html%00.css")[0] == 404
    assert fetch(server.url + "..%2f..%2fetc/passwd")[0] == 403  # out of the site: tornado refuses
    for path in ("", "static/style.css", "events/2022-02-27-call/"):
        status, _, body = fetch(server.url + path)
        head_status, head_headers, head_body = fetch(server.url + path, "HEAD")
        assert (status, head_status, head_body) == (200, 200, b"")
        assert int(head_headers["Content-Length"]) == len(body), path  # the injected reload script included
    assert RELOAD_SCRIPT in fetch(server.url)[2]
    err = server.stop()
    assert "Traceback" not in err and "Uncaught exception" not in err


def run_async(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to the end in a thread of its own (the browser tests leave an event loop in this one)."""
    result: list[T] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(work())))
    thread.start()
    thread.join(60)
    assert result, "the websocket exchange did not finish"
    return result[0]


def connect(port: int, origin: str | None) -> str | None:
    """Open the reload websocket with ``origin`` and say hello; the server's answer, or None if refused or closed."""

    async def talk() -> str | None:
        headers = {"Origin": origin} if origin else {}
        try:
            socket = await websocket_connect(HTTPRequest(f"ws://127.0.0.1:{port}/livereload", headers=headers))
        except HTTPClientError as error:
            return None if error.code == 403 else str(error)
        await socket.write_message('{"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}')
        answer = await socket.read_message()
        socket.close()
        return answer if isinstance(answer, str) else None

    return run_async(talk)


def send_raw(port: int, message: str | bytes) -> str | bytes | None:
    """Send one message on a fresh reload websocket; what comes back (None: the server closed it)."""

    async def talk() -> str | bytes | None:
        socket = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
        await socket.write_message(message, binary=isinstance(message, bytes))
        answer = await socket.read_message()
        socket.close()
        return answer

    return run_async(talk)


def test_only_pages_of_the_preview_may_connect_to_the_reload_websocket(serve: Callable[..., Server]) -> None:
    server = serve()
    assert connect(server.port, f"http://127.0.0.1:{server.port}") is not None
    assert connect(server.port, None) is not None  # not a browser: no page to speak of
    assert connect(server.port, "http://evil.example") is None
    assert connect(server.port, f"http://127.0.0.1:{server.port + 1}") is None
    err = server.stop()
    assert (
        "dossier: refused a live-reload connection from a page of http://evil.example: only pages of this preview may connect\n"
        in err
    )
    assert "Traceback" not in err


@pytest.mark.parametrize("message", ["not json", "[1, 2]", '{"command": 5}', "{}", b"\xff\xfe", "null"])
def test_a_malformed_websocket_message_closes_that_connection_quietly(serve: Callable[..., Server], message: str | bytes) -> None:
    server = serve()
    assert send_raw(server.port, message) is None
    assert connect(server.port, None) is not None  # the server goes on
    err = server.stop()
    assert "Traceback" not in err and "Uncaught exception" not in err


def test_serving_beyond_this_machine_is_warned_about(serve: Callable[..., Server]) -> None:
    server = serve("--host", "0.0.0.0")
    err = server.stop()
    assert err.startswith(
        "dossier: warning: serving on 0.0.0.0 lets other machines on the network see the preview and its errors; "
        "it is meant for this machine (leave out --host to serve on 127.0.0.1 only)\n"
    )
    assert [is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0", "192.168.1.5", "example.org")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_a_page_fetched_while_sites_are_swapped_is_always_one_whole_version(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve()
    out = server.project / "site"
    page = "events/2022-02-27-call/index.html"
    versions = {fetch(server.url + page)[2]}  # as served now
    copy = tmp_path / "copy"
    shutil.copytree(SAMPLE, copy)
    for name in ("a", "b"):
        event = copy / "content/events/2022-02-27-call.yaml"
        event.write_text(
            (SAMPLE / "content/events/2022-02-27-call.yaml").read_text().replace("Alice called", f"Alice ({name}) called")
        )
        build(copy, tmp_path / name, search=False)
        versions.add((tmp_path / name / page).read_bytes().replace(b"</head>", RELOAD_SCRIPT + b"</head>", 1))
    assert len(versions) == 3
    stop = threading.Event()

    def swapping() -> None:  # the build's swap, as fast as it goes, between the two versions
        while not stop.is_set():
            for name in ("a", "b"):
                swap(tmp_path / name, out)
                swap(tmp_path / name, out)  # and back: tmp_path/name holds its version again

    swapper = threading.Thread(target=swapping)
    swapper.start()
    try:
        bodies = [fetch(server.url + page)[2] for _ in range(300)]
    finally:
        stop.set()
        swapper.join()
    assert all(body in versions for body in bodies)
    server.stop()


def test_ctrl_c_while_catching_up_says_nothing_about_a_failed_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    preview = Preview(project, project / "site", search=True)
    preview.rebuild()
    event = project / "content/events/2022-02-27-call.yaml"
    event.write_text(event.read_text().replace("phone call", "call"))
    preview.rebuild(["content/events/2022-02-27-call.yaml"])
    capsys.readouterr()

    def interrupted(site: Path, bundle: Path | None = None, cancel: object = None, parts: object = ()) -> None:
        raise KeyboardInterrupt  # Pagefind got the terminal's Ctrl-C too (see index._Service.fail)

    monkeypatch.setattr("dossier.build.run_pagefind", interrupted)
    assert preview.catch_up() == []
    assert capsys.readouterr() == ("", "")
    assert preview.session.previous is not None and not preview.session.previous.indexed  # the next save re-indexes


def test_a_fifo_saved_into_content_is_shown_as_an_error_not_waited_on(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    os.mkfifo(project / "content/events/x.yaml")
    preview = Preview(project, project / "site", search=False)
    rebuild = threading.Thread(target=preview.rebuild, args=(["content/events/x.yaml"],), daemon=True)
    rebuild.start()
    rebuild.join(60)  # a guard against a hang, not a measure of speed
    assert not rebuild.is_alive(), "the rebuild is waiting in open() on the FIFO"
    assert [str(p) for p in preview.problems] == [
        "content/events/x.yaml:1:1: error: a named pipe (FIFO), not a regular file; only ordinary files are read: remove it"
    ]


def test_error_page_escapes_hostile_text() -> None:
    hostile = "<script>alert('x')</script> & \"quotes\""
    html = error_page([Problem(Location("content/events/<b>.yaml", 3, 7), hostile), "pagefind said <img src=x onerror=alert(1)>"])
    assert "<script>alert" not in html and "<img" not in html and "<b>.yaml" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
    assert "<code>content/events/&lt;b&gt;.yaml:3:7</code>: error:" in html
    assert "</head>" in html  # where livereload injects its script, so the fixed page comes back by itself


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("", True),
        ("events/a/", True),
        ("404.html", True),
        ("events/a", True),
        ("static/style.css", False),
        ("pagefind/pagefind.js", False),
    ],
)
def test_pages_are_told_apart_from_assets(path: str, page: bool) -> None:
    assert is_page(path) == page


def test_after_catching_up_only_the_tabs_on_pages_made_again_reload(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: dict[str, list[object]] = {}

    def tab(url: str) -> TabHandler:
        handler = object.__new__(TabHandler)  # no socket: only the page it reported and what it is sent
        handler.page_url = url
        handler.send_message = lambda message, url=url: sent.setdefault(url, []).append(message)  # type: ignore[method-assign]
        return handler

    tabs = {
        tab("http://127.0.0.1:8000/search/?q=gomel"),
        tab("http://127.0.0.1:8000/some/path/search/"),
        tab("http://127.0.0.1:8000/events/x/"),
        tab("http://127.0.0.1:8000/timeline/?actor=a#events"),
        tab("http://127.0.0.1:8000/"),
    }
    monkeypatch.setattr(LiveReloadHandler, "waiters", tabs)
    reload_tabs(["search/index.html", "timeline/index.html", "data/dossier.json"])
    search = {"command": "reload", "path": "search/index.html", "liveCSS": False, "liveImg": False}
    prefixed = {**search, "path": "some/path/search/index.html"}
    timeline = {**search, "path": "timeline/index.html"}
    assert sent == {
        "http://127.0.0.1:8000/search/?q=gomel": [search],
        "http://127.0.0.1:8000/some/path/search/": [prefixed],
        "http://127.0.0.1:8000/timeline/?actor=a#events": [timeline],
    }
