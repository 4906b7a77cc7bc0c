"""Index: make the Pagefind search index of a finished site folder, and write it ourselves.

Pagefind 1.5 exits 0 even when its own writes fail (a full disk leaves empty or cut
files), so it is never asked to write: its service mode (``pagefind --service``)
indexes the folder and hands the files back, and they are written here like the
pages, where a failed write is an error. A small client of our own speaks the
service's protocol (base64 JSON messages, each ended by a comma): Pagefind's
Python API polls for each answer every 0.1 s, which a build and every preview
rebuild would pay.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import queue
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, NoReturn

from pagefind.service import get_executable

from dossier.errors import Cancelled, PagefindError
from dossier.project import Output
from dossier.write import MARKER, MARKER_TEXT, files_in, write_files

BUNDLE = "pagefind"
REQUIRED = ("pagefind.js", "pagefind-entry.json")  # what the search page loads first


def run_pagefind(site_dir: Path, bundle: Path | None = None, cancel: threading.Event | None = None) -> None:
    """Index ``site_dir`` into ``bundle`` (default ``site_dir/pagefind``) with the binary that ``pagefind[bin]`` ships.

    Raises PagefindError when Pagefind fails or returns an index that is not whole, OSError when
    the index cannot be written, KeyboardInterrupt when Pagefind was stopped by Ctrl-C, and
    Cancelled when ``cancel`` was set while it ran (Pagefind is stopped at once).
    """
    write_index(index_files(site_dir, cancel), bundle or site_dir / BUNDLE)


def write_index(files: list[Output], bundle: Path) -> None:
    """Write the index's files into the folder ``bundle``, marked as ours (see ``write.remove_leftovers``)."""
    write_files([*files, Output(MARKER, MARKER_TEXT)], bundle)


def index_files(site_dir: Path, cancel: threading.Event | None = None) -> list[Output]:
    """The files of ``site_dir``'s search index, as Pagefind's service hands them back, checked; stopped by
    ``cancel``."""
    with _started(cancel) as service:
        index = service.send({"type": "NewIndex", "config": {}})["index_id"]
        service.send({"type": "AddDir", "index_id": index, "path": str(site_dir.absolute())})
        return _checked(service.send({"type": "GetFiles", "index_id": index})["files"])


class Indexer:
    """A search index made while a build renders: Pagefind is given each page as soon as it is written.

    ``add`` takes the paths of pages just written into ``site_dir``; a thread of its own reads them back (from the
    system's cache: they were written a moment ago) and sends them to Pagefind, which indexes them while the next
    pages are rendered. ``files`` sends what was not added (an export's pages, files kept from a previous build),
    waits for Pagefind and returns the index, the same as :func:`index_files` gives for the finished folder. Use as
    a context manager: Pagefind is stopped when the build ends, whichever way.
    """

    def __init__(self, site_dir: Path, cancel: threading.Event | None = None) -> None:
        self.site_dir = site_dir
        self.started = _started(cancel)
        self.service = self.started.__enter__()
        try:
            self.index = self.service.send({"type": "NewIndex", "config": {}})["index_id"]
        except BaseException:
            self.started.__exit__(None, None, None)
            raise
        self.finished = False
        self.sent: set[str] = set()
        self.queue: queue.SimpleQueue[list[str] | None] = queue.SimpleQueue()
        self.failed: list[BaseException] = []
        self.feeder = threading.Thread(target=self._feed, name="dossier-pagefind-feed", daemon=True)
        self.feeder.start()

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.queue.put(None)
        if not self.finished:
            self.service.process.kill()  # the build failed: the feeder cannot stay stuck writing to Pagefind
        self.started.__exit__(None, None, None)
        self.feeder.join()

    def add(self, paths: Iterable[str]) -> None:
        """Index these pages of ``site_dir`` (written there already); other files are left out, as Pagefind would."""
        self.queue.put([path for path in paths if path.endswith(".html")])

    def _feed(self) -> None:
        try:
            while (paths := self.queue.get()) is not None:
                for path in paths:
                    self._send(path)
        except BaseException as exc:  # raised again by files()
            self.failed.append(exc)

    def _send(self, path: str) -> None:
        if path not in self.sent:
            self.sent.add(path)
            html = (self.site_dir / path).read_text("utf-8")
            self.service.post({"type": "AddFile", "index_id": self.index, "url": page_url(path), "file_contents": html})

    def files(self, progress: Callable[[int, int], None] | None = None) -> list[Output]:
        """The index of every page in ``site_dir``, once all of them are written; ``progress(done, total)`` is told
        how many pages Pagefind has indexed while it waits."""
        self.queue.put(None)
        self.feeder.join()
        if self.failed:
            raise self.failed[0]
        for path in sorted(files_in(self.site_dir)):
            if path.endswith(".html") and not path.startswith(f"{BUNDLE}/"):
                self._send(path)
        self.service.wait_all(progress)
        files = _checked(self.service.send({"type": "GetFiles", "index_id": self.index})["files"])
        self.finished = True
        return files


def page_url(path: str) -> str:
    """The address Pagefind gives the page at ``path`` of the site folder (what it finds in a folder: a folder's
    ``index.html`` is the folder)."""
    return "/" + (path[: -len("index.html")] if path == "index.html" or path.endswith("/index.html") else path)


@contextlib.contextmanager
def _started(cancel: threading.Event | None) -> Iterator[_Service]:
    """A running ``pagefind --service``, stopped on the way out (killed at once when ``cancel`` is set)."""
    executable = get_executable()
    if executable is None:
        raise PagefindError(
            "search indexing failed: the Pagefind binary is missing; install dossier with pagefind[bin] or pass --no-search"
        )
    with tempfile.TemporaryFile() as log:
        try:
            process = subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        except OSError as exc:
            raise PagefindError(f"search indexing failed: cannot run Pagefind ({exc.strerror})") from None
        done = threading.Event()
        if cancel is not None:
            threading.Thread(target=_stop_on, args=(cancel, done, process), name="dossier-pagefind-cancel", daemon=True).start()
        service = _Service(process, log, cancel)
        try:
            yield service
        finally:
            done.set()
            service.close()


def _stop_on(cancel: threading.Event, done: threading.Event, process: subprocess.Popen[bytes]) -> None:
    """Kill Pagefind as soon as ``cancel`` is set, unless it finished first."""
    while not done.is_set():
        if cancel.wait(0.05):
            if not done.is_set():
                process.kill()
            return


def _checked(files: Any) -> list[Output]:
    """Decode the service's files; refuse a list that is not a whole index."""
    try:
        outputs = [Output(str(f["path"]), base64.b64decode(f["content"], validate=True)) for f in files]
    except (TypeError, KeyError, binascii.Error):
        raise PagefindError("search indexing failed: Pagefind returned files that cannot be read") from None
    names = {output.path for output in outputs}
    missing = [name for name in REQUIRED if name not in names]
    if missing or any(not output.data for output in outputs):
        what = f"no {missing[0]}" if missing else "an empty file"
        raise PagefindError(f"search indexing failed: Pagefind returned an index that is not whole ({what})")
    return outputs


class _Service:
    """One running ``pagefind --service``: messages are posted without waiting (many pages in flight), and a thread of
    its own reads the answers, so that neither side blocks on a full pipe; ``send`` posts and waits for the answer."""

    def __init__(self, process: subprocess.Popen[bytes], log: IO[bytes], cancel: threading.Event | None = None) -> None:
        self.process = process
        self.log = log
        self.cancel = cancel
        self.last = 0  # the id of the last message posted
        self.answered = 0
        self.kept: dict[int, dict[str, Any] | None] = {}  # message id -> its answer (None until it comes)
        self.error: PagefindError | None = None
        self.ended = False  # Pagefind's output ended
        self.changed = threading.Condition()
        self.writing = threading.Lock()
        self.reader = threading.Thread(target=self._read, name="dossier-pagefind-answers", daemon=True)
        self.reader.start()

    def post(self, payload: dict[str, Any], keep: bool = False) -> int:
        """Send one message and return its id, without waiting for the answer (kept for :meth:`wait` if ``keep``)."""
        assert self.process.stdin is not None
        with self.writing:
            self.last += 1
            ident = self.last
            if keep:
                with self.changed:
                    self.kept[ident] = None
            message = base64.b64encode(json.dumps({"message_id": ident, "payload": payload}).encode())
            try:
                self.process.stdin.write(message + b",")
                self.process.stdin.flush()
            except OSError:
                self.fail()
        return ident

    def send(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one message and wait for its answer."""
        ident = self.post(payload, keep=True)
        with self.changed:
            self.changed.wait_for(lambda: self.kept[ident] is not None or self.error is not None or self.ended)
            answer = self.kept.pop(ident)
        if answer is None:
            self.fail()
        return answer

    def wait_all(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Wait until every message posted so far is answered, telling ``progress(answered, posted)`` now and then."""
        while True:
            with self.changed:
                if self.answered >= self.last:
                    return
                if self.error is not None or self.ended:
                    break
                answered, posted = self.answered, self.last
            if progress is not None:
                progress(answered, posted)
            with self.changed:
                self.changed.wait(0.25)
        self.fail()

    def _read(self) -> None:
        """Read Pagefind's answers (base64 JSON messages, each ended by a comma) until its output ends."""
        assert self.process.stdout is not None
        parts: list[bytes] = []
        try:
            while chunk := os.read(self.process.stdout.fileno(), 1 << 20):
                while (cut := chunk.find(b",")) >= 0:
                    parts.append(chunk[:cut])
                    self._take(b"".join(parts))
                    parts, chunk = [], chunk[cut + 1 :]
                parts.append(chunk)
        except PagefindError as exc:
            with self.changed:
                self.error = self.error or exc
        except OSError:
            pass  # the pipe was closed under us: the service is being stopped
        finally:
            with self.changed:
                self.ended = True
                self.changed.notify_all()

    def _take(self, answer: bytes) -> None:
        try:
            response = json.loads(base64.b64decode(answer))
        except (ValueError, binascii.Error):
            raise PagefindError("search indexing failed: Pagefind answered something that is not a message") from None
        if not isinstance(response, dict) or not isinstance(response.get("payload"), dict):
            return
        result: dict[str, Any] = response["payload"]
        if result.get("type") == "Error":
            raise PagefindError(f"search indexing failed: {result.get('message') or 'Pagefind reported an error'}")
        with self.changed:
            self.answered += 1
            if response.get("message_id") in self.kept:
                self.kept[response["message_id"]] = result
            self.changed.notify_all()

    def fail(self) -> NoReturn:
        """Pagefind stopped before answering, or reported an error: interrupted like us, or failed (say what it said)."""
        if self.error is not None:
            raise self.error
        code = self.process.wait()
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("search indexing was stopped by a newer save")
        if code in (-signal.SIGINT, -signal.SIGTERM):
            raise KeyboardInterrupt  # Ctrl-C reached Pagefind too: not an indexing failure
        self.log.seek(0)
        detail = self.log.read().decode("utf-8", "replace").strip()[-500:]
        raise PagefindError(f"search indexing failed (pagefind exit code {code}){': ' + detail if detail else ''}")

    def close(self) -> None:
        """End the service (its input ended), killing it if it does not stop within 5 s."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):  # a broken pipe: Pagefind has stopped already
                self.process.stdin.close()  # the service ends when its input does
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join()


def keep_old_chunks(old: Path, new: Path) -> None:
    """Hard-link into the bundle ``new`` the files of the bundle ``old`` it does not have: a page that loaded the old
    index a moment ago goes on finding the chunks it asks for."""
    if not old.is_dir():
        return
    for path in old.rglob("*"):
        target = new / path.relative_to(old)
        if path.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
