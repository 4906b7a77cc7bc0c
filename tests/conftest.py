"""Shared fixtures: tiny projects on disk, built sites, a static HTTP server and headless Chromium."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import axe_playwright_python
import pytest

from dossier.build import build

TESTS = Path(__file__).parent
REPO = TESTS.parent
SAMPLE = TESTS / "sample"
AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"  # axe-core, as shipped on PyPI
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def users_own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key that signs the preview's caches (see ``dossier.cache``) in a folder of the test run's own, never the
    user's: for this process and the commands it starts."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "user-cache"))


def write_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (project-relative path -> text or bytes) under ``root``; return ``root``."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """A factory for tiny projects: ``make_project({"content/dossier.yaml": "..."})``."""

    def make(files: dict[str, str | bytes]) -> Path:
        return write_project(tmp_path / "project", files)

    return make


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project built once, with its search index."""
    out = tmp_path_factory.mktemp("sample") / "site"
    build(SAMPLE, out)
    return out


@pytest.fixture(scope="session")
def first_dossier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own dossier built once, without the search index."""
    out = tmp_path_factory.mktemp("first") / "site"
    build(REPO, out, search=False)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture
def serve_static(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Serve a folder over HTTP on 127.0.0.1, optionally under a sub-path and with its 404.html for missing paths
    (as web hosts do); returns the site's base URL."""
    servers: list[subprocess.Popen[bytes]] = []

    def serve(site: Path, prefix: str = "", not_found: bool = False) -> str:
        directory = site
        if prefix:
            directory = tmp_path / "webroot"
            mount = directory / prefix.strip("/")
            mount.parent.mkdir(parents=True, exist_ok=True)
            mount.symlink_to(site.resolve(), target_is_directory=True)
        port = free_port()
        command = [sys.executable, "-m", "tests.static_server", str(port), str(directory)]
        command += [str(site / "404.html")] if not_found else []
        servers.append(subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        base = f"http://127.0.0.1:{port}/" + (prefix.strip("/") + "/" if prefix else "")
        wait_for(base)
        return base

    yield serve
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh page; fails the test on any console error or uncaught page error."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"browser console errors: {errors}"


BROWSER_FIXTURES = {"browser", "page", "index"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that drives Chromium ``browser``, so ``pytest -m "not browser"`` is the fast lane."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
