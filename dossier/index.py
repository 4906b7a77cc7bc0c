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
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO, Any, NoReturn

from pagefind.service import get_executable

from dossier.errors import Cancelled, PagefindError
from dossier.project import Output
from dossier.write import MARKER, MARKER_TEXT, write_files

BUNDLE = "pagefind"
REQUIRED = ("pagefind.js", "pagefind-entry.json")  # what the search page loads first


def run_pagefind(site_dir: Path, bundle: Path | None = None, cancel: threading.Event | None = None) -> None:
    """Index ``site_dir`` into ``bundle`` (default ``site_dir/pagefind``) with the binary that ``pagefind[bin]`` ships.

    Raises PagefindError when Pagefind fails or returns an index that is not whole, OSError when
    the index cannot be written, KeyboardInterrupt when Pagefind was stopped by Ctrl-C, and
    Cancelled when ``cancel`` was set while it ran (Pagefind is stopped at once).
    """
    files = index_files(site_dir, cancel)
    write_files([*files, Output(MARKER, MARKER_TEXT)], bundle or site_dir / BUNDLE)  # marked: see write.remove_leftovers


def index_files(site_dir: Path, cancel: threading.Event | None = None) -> list[Output]:
    """The files of ``site_dir``'s search index, as Pagefind's service hands them back, checked; stopped by
    ``cancel``."""
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
        try:
            service = _Service(process, log, cancel)
            index = service.send({"type": "NewIndex", "config": {}})["index_id"]
            service.send({"type": "AddDir", "index_id": index, "path": str(site_dir.absolute())})
            files = service.send({"type": "GetFiles", "index_id": index})["files"]
        finally:
            done.set()
            if process.stdin is not None:
                with contextlib.suppress(OSError):  # a broken pipe: Pagefind has stopped already
                    process.stdin.close()  # the service ends when its input does
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return _checked(files)


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
        outputs = []
        for file in files:
            outputs.append(Output(str(file["path"]), base64.b64decode(file["content"], validate=True)))
            file["content"] = None  # its text freed as soon as it is decoded
    except (TypeError, KeyError, binascii.Error):
        raise PagefindError("search indexing failed: Pagefind returned files that cannot be read") from None
    names = {output.path for output in outputs}
    missing = [name for name in REQUIRED if name not in names]
    if missing or any(not output.data for output in outputs):
        what = f"no {missing[0]}" if missing else "an empty file"
        raise PagefindError(f"search indexing failed: Pagefind returned an index that is not whole ({what})")
    return outputs


class _Service:
    """One running ``pagefind --service``: send a message, wait for its answer."""

    def __init__(self, process: subprocess.Popen[bytes], log: IO[bytes], cancel: threading.Event | None = None) -> None:
        self.process = process
        self.log = log
        self.cancel = cancel
        self.last = 0
        self.pending = b""  # what was read past the last answer: the start of the next one

    def send(self, payload: dict[str, Any]) -> dict[str, Any]:
        self.last += 1
        message = base64.b64encode(json.dumps({"message_id": self.last, "payload": payload}).encode())
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(message + b",")
            self.process.stdin.flush()
        except OSError:
            self.fail()
        while True:
            try:  # each form freed as soon as the next is made: the index comes as one message of 130 MB at 20k
                response = json.loads(base64.b64decode(self._next_answer()))
            except (ValueError, binascii.Error):
                raise PagefindError("search indexing failed: Pagefind answered something that is not a message") from None
            if not isinstance(response, dict) or not isinstance(response.get("payload"), dict):
                continue
            result: dict[str, Any] = response["payload"]
            if result.get("type") == "Error":
                raise PagefindError(f"search indexing failed: {result.get('message') or 'Pagefind reported an error'}")
            if response.get("message_id") == self.last:
                return result

    def _next_answer(self) -> bytearray:
        """The next message Pagefind sends, up to its comma: read in chunks, each looked at once, into one buffer that
        grows in place (the index's files come as one message of about 130 MB on a 20,000-event dossier, held once)."""
        assert self.process.stdout is not None
        answer = bytearray()
        chunk, self.pending = self.pending, b""
        while True:
            if not chunk:
                chunk = os.read(self.process.stdout.fileno(), 1 << 20)
                if not chunk:
                    self.fail()
            cut = chunk.find(b",")
            if cut >= 0:
                self.pending = chunk[cut + 1 :]
                answer += chunk[:cut]
                return answer
            answer += chunk
            chunk = b""

    def fail(self) -> NoReturn:
        """Pagefind stopped before answering: interrupted like us, or failed (say what it said)."""
        code = self.process.wait()
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("search indexing was stopped by a newer save")
        if code in (-signal.SIGINT, -signal.SIGTERM):
            raise KeyboardInterrupt  # Ctrl-C reached Pagefind too: not an indexing failure
        self.log.seek(0)
        detail = self.log.read().decode("utf-8", "replace").strip()[-500:]
        raise PagefindError(f"search indexing failed (pagefind exit code {code}){': ' + detail if detail else ''}")


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
