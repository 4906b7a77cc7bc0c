"""Index: make the Pagefind search index of a finished site folder, and write it ourselves.

Pagefind 1.5 exits 0 even when its own writes fail (a full disk leaves empty or cut
files), so it is never asked to write: its service mode (``pagefind --service``)
indexes the folder and hands the files back, and they are written here like the
pages, where a failed write is an error. A small client of our own speaks the
service's protocol (base64 JSON messages, each ended by a comma): Pagefind's
Python API polls for each answer every 0.1 s, which a build and every preview
rebuild would pay.

Pagefind holds all it indexes in memory until it writes the index (3 GB for a
20,000-event dossier), so a large dossier is indexed in parts
(``search_entries.index_parts``), two Pagefinds at a time, each on a folder of
hard links to its pages; the search page reads the list of parts
(``dossier-parts.json``) and searches them all.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path
from typing import IO, Any, NoReturn

from pagefind.service import get_executable

from dossier.errors import Cancelled, PagefindError
from dossier.links import link_or_copy
from dossier.project import Output
from dossier.search_entries import PARTS_AT_ONCE
from dossier.write import MARKER, MARKER_TEXT, files_in, write_files

BUNDLE = "pagefind"
REQUIRED = ("pagefind.js", "pagefind-entry.json")  # what the search page loads first
PARTS = "dossier-parts.json"  # the folders of the index's parts in the bundle, oldest first: what the search page loads


def run_pagefind(
    site_dir: Path,
    bundle: Path | None = None,
    cancel: threading.Event | None = None,
    parts: Sequence[Sequence[str]] = (),
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Index ``site_dir`` into ``bundle`` (default ``site_dir/pagefind``) with the binary that ``pagefind[bin]`` ships:
    the whole folder at once, or with ``parts`` (lists of page paths) each part by its own Pagefind, into the
    bundle's folder ``part-N/`` (the first at its top), the pages not in any part that ask to be indexed with the first;
    ``progress`` is told how many parts are done, of how many.

    Raises PagefindError when Pagefind fails or returns an index that is not whole, OSError when
    the index cannot be written, KeyboardInterrupt when Pagefind was stopped by Ctrl-C, and
    Cancelled when ``cancel`` was set while it ran (Pagefind is stopped at once).
    """
    target = bundle or site_dir / BUNDLE
    files = index_files(site_dir, cancel) if len(parts) < 2 else _in_parts(site_dir, parts, target, cancel, progress)
    folders = [part_folder(number) for number in range(max(len(parts), 1))]
    listed = Output(PARTS, json.dumps(folders).encode())
    write_files([*files, listed, Output(MARKER, MARKER_TEXT)], target)  # marked: see write.remove_leftovers


def part_folder(number: int) -> str:
    """Where the index's part ``number`` (from 0) lies in the bundle."""
    return f"part-{number + 1}/" if number else ""


def _in_parts(
    site_dir: Path,
    parts: Sequence[Sequence[str]],
    scratch: Path,
    cancel: threading.Event | None,
    progress: Callable[[int, int], None] | None,
) -> list[Output]:
    """Each part's index, its paths under its folder: each part is a folder of hard links in ``scratch``, indexed and
    removed, ``PARTS_AT_ONCE`` at a time. The first failure stops the other Pagefinds and is raised.

    The site's other pages go with the first part when Pagefind would index them in one index: those that mark
    what it indexes (``data-pagefind-body``) when the parts' pages do, every one when they do not."""
    listed = {path for part in parts for path in part}
    marked = any(_asks_to_be_indexed(site_dir / path) for part in parts for path in part[:1])
    others = [p for p in _pages(site_dir) if p not in listed and (not marked or _asks_to_be_indexed(site_dir / p))]
    parts = [[*others, *part] if not n else part for n, part in enumerate(parts)]
    stop = threading.Event()
    with _kept_only_if_done(scratch), ThreadPoolExecutor(PARTS_AT_ONCE, thread_name_prefix="dossier-index-part") as pool:
        made = [pool.submit(_index_part, site_dir, part, scratch, stop) for part in parts]
        told = 0
        try:
            while True:
                done, running = wait(made, timeout=0.05, return_when=FIRST_EXCEPTION)
                if progress is not None and len(done) != told:
                    told = len(done)
                    progress(told, len(made))
                if cancel is not None and cancel.is_set():
                    raise Cancelled("search indexing was stopped by a newer save")
                failure = next((f.exception() for f in made if f in done and f.exception() is not None), None)
                if failure is not None:
                    raise failure
                if not running:
                    break
        finally:
            stop.set()  # Pagefinds still running are killed, parts not begun are not
            for future in made:
                future.cancel()
    return [Output(part_folder(n) + output.path, output.data) for n, future in enumerate(made) for output in future.result()]


@contextlib.contextmanager
def _kept_only_if_done(folder: Path) -> Iterator[None]:
    """Make ``folder`` if it is missing, and remove it again (empty) if what runs in it fails."""
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield
    except BaseException:
        if made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _index_part(site_dir: Path, paths: Sequence[str], scratch: Path, stop: threading.Event) -> list[Output]:
    """The index of the pages ``paths`` of ``site_dir``, made on a folder of links to them in ``scratch``."""
    if stop.is_set():
        raise Cancelled("search indexing was stopped")
    folder = _linked(site_dir, paths, scratch)
    try:
        return index_files(folder, stop)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _pages(site_dir: Path) -> list[str]:
    """The HTML files of a site, as paths under it, outside its search bundle and hidden folders."""
    return [
        path
        for path in files_in(site_dir)
        if path.endswith(".html")
        and not path.startswith(f"{BUNDLE}/")
        and not any(p.startswith(".") for p in path.split("/")[:-1])
    ]


def _asks_to_be_indexed(page: Path) -> bool:
    """Whether a page marks what Pagefind should index (a page of a theme's own that indexes more than records)."""
    try:
        return b"data-pagefind-body" in page.read_bytes()
    except OSError:
        return False


def _linked(site_dir: Path, paths: Sequence[str], scratch: Path) -> Path:
    """A new folder in ``scratch`` with the files ``paths`` of ``site_dir`` at the same paths, as hard links (copies
    where links cannot be made); paths with no file are left out."""
    folder = Path(tempfile.mkdtemp(prefix=".part-", dir=scratch))
    made: set[str] = set()
    for path in paths:
        parent, _, _ = path.rpartition("/")
        if parent and parent not in made:
            os.makedirs(folder / parent, exist_ok=True)
            made.add(parent)
        with contextlib.suppress(FileNotFoundError):
            link_or_copy(site_dir / path, folder / path)
    return folder


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
        if code in (-signal.SIGINT, -signal.SIGTERM, -signal.SIGHUP):
            raise KeyboardInterrupt  # Ctrl-C (or a closed terminal) reached Pagefind too: not an indexing failure
        self.log.seek(0)
        detail = self.log.read().decode("utf-8", "replace").strip()[-500:]
        raise PagefindError(f"search indexing failed (pagefind exit code {code}){': ' + detail if detail else ''}")


def keep_old_chunks(old: Path, new: Path, own: Iterable[str]) -> None:
    """Hard-link into the bundle ``new`` the files of the bundle ``old``'s own index (``own``: their paths in it, not
    the older files kept beside them) that ``new`` does not have: a page that loaded the old index a moment ago goes
    on finding the chunks it asks for, and the files kept never pile up."""
    for path in own:
        target = new / path
        if (old / path).is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(old / path, target)
