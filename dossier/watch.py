"""Watch: notice saves in a project's content and templates, and group a burst of them into one change.

:class:`Saves` listens for the operating system's file events (``watchfiles``: inotify on
Linux, FSEvents on macOS), so an idle preview costs no CPU however large the project; a
burst of saves (an editor's write-then-rename, its backup and swap files, a save of many
files) is reported once it has been quiet for 0.025 s, and the build then reads the files'
final content. Editor noise is skipped, and so is the output folder. Where file events are
not available (some network and container file systems), it falls back to
:class:`Watcher`: a polling loop of our own rather than livereload's (0.8 s polls), which
compares each file's (mtime, size, inode) every 50 ms and waits until the saves have been
quiet for 0.1 s, counted from the newest save itself. A watched folder that is made (or removed)
while the preview runs — ``templates/``, made to override the theme — is watched from then on
(or no longer), and reported as a save. It follows a linked folder only into
the project, and scans each real folder once, so links in a circle cannot make a scan grow
without end. The clock, the scanner and the stop event can be replaced, so tests drive
time themselves instead of sleeping.
"""

from __future__ import annotations

import os
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from dossier.project import ignored

try:
    import watchfiles
except ImportError:  # pragma: no cover - a dependency; without it the preview polls
    watchfiles = None  # type: ignore[assignment]

POLL = 0.05  # seconds between two scans of the watched folders (longer when a scan is slow)
QUIET = 0.1  # seconds without a new save before a burst of saves is rebuilt (polling)
EVENTS_QUIET = 0.025  # the same with file events, which arrive as they happen (an editor's save takes a few ms)
MADE = 0.5  # seconds between two looks for a watched folder made or removed (a rare save: cheap looks)

Stamp = tuple[int, int, int]  # mtime_ns, size, inode: what a save changes
Scanner = Callable[[], dict[str, Stamp]]


class Stop(Protocol):
    """What the watcher waits on: a :class:`threading.Event`, or a test's stand-in that moves a fake clock."""

    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


class Watcher:
    """Polls folders for saves by comparing each file's mtime, size and inode between scans."""

    def __init__(
        self,
        dirs: Iterable[Path],
        exclude: Iterable[Path] = (),
        interval: float = POLL,
        quiet: float = QUIET,
        clock: Callable[[], float] = time.time,
        scanner: Scanner | None = None,
        within: Path | None = None,
    ):
        self.dirs = sorted({d.resolve() for d in dirs})
        self.within = os.path.realpath(within) if within is not None else None  # linked folders followed only inside it
        self.exclude = {str(e.resolve()) for e in exclude}
        self.interval = interval
        self.quiet = quiet
        self.pause = interval
        self.clock = clock  # wall-clock seconds, comparable with file modification times
        self.scanner = scanner or self.scan
        self.stamps = self.scanner()

    def scan(self) -> dict[str, Stamp]:
        """Every watched file that is not noise, with its stamp."""
        started = time.perf_counter()
        stamps: dict[str, Stamp] = {}
        pending = [str(d) for d in self.dirs]
        seen: set[str] = set()  # real folders scanned: a folder linked twice, or links in a circle, once
        while pending:
            folder = pending.pop()
            real = os.path.realpath(folder)
            if real in seen:
                continue
            seen.add(real)
            try:
                entries = list(os.scandir(folder))
            except OSError:  # missing, or removed while we looked
                continue
            for entry in entries:
                if ignored(entry.name) or entry.path in self.exclude:
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False) or (entry.is_dir() and self._inside(entry.path)):
                        pending.append(entry.path)
                    elif entry.is_dir():
                        continue  # a link to a folder out of the project: the build refuses it, never scan it
                    else:
                        st = entry.stat()
                        stamps[entry.path] = (st.st_mtime_ns, st.st_size, st.st_ino)
                except OSError:
                    continue
        # Keep polling cheap on very large projects: never spend more than a fifth of the time scanning.
        self.pause = max(self.interval, 4 * (time.perf_counter() - started))
        return stamps

    def _inside(self, path: str) -> bool:
        if self.within is None:
            return False
        return os.path.commonpath([os.path.realpath(path), self.within]) == self.within

    def changes(self) -> tuple[set[str], float]:
        """Files added, changed or removed since the last call, and the newest modification time among them."""
        stamps = self.scanner()
        changed = {path for path in stamps.keys() | self.stamps.keys() if stamps.get(path) != self.stamps.get(path)}
        newest = max((stamps[p][0] / 1e9 for p in changed if p in stamps), default=0.0)
        self.stamps = stamps
        return changed, newest

    def wait(self, stop: Stop) -> list[str] | None:
        """Block until a burst of saves has been quiet for ``quiet`` seconds; return the files, or None on ``stop``."""
        changed: set[str] = set()
        deadline: float | None = None
        while not stop.is_set():
            new, newest = self.changes()
            now = self.clock()
            if new:
                changed |= new
                # Quiet time counts from the save itself (its mtime), not from when a scan noticed it.
                deadline = max(now, min(newest or now, now) + self.quiet)
            elif deadline is not None and now >= deadline:
                return sorted(changed)
            stop.wait(self.pause if deadline is None else min(self.pause, deadline - now))
        return None


def _folder(path: Path) -> tuple[int, int] | None:
    """Which folder is at ``path`` (its device and inode), if one is."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


class Saves:
    """Saves under ``dirs``, noticed by a thread of their own: :meth:`wait` hands over each burst, and :attr:`saved` is
    set as soon as a save is noticed (a long task after a rebuild stops for it, see ``serve``).

    File events (``watchfiles``) where the system has them, else polling; ``polling=True`` forces the latter.
    """

    def __init__(
        self, dirs: Iterable[Path], exclude: Iterable[Path] = (), within: Path | None = None, polling: bool = False
    ) -> None:
        self.dirs = sorted({d.resolve() for d in dirs})  # a missing one is watched once it is made (see _events)
        self.exclude = tuple(str(e.resolve()) for e in exclude)
        self.within = within
        self.saved = threading.Event()
        self.stopping = threading.Event()
        self.pending: set[str] = set()
        self.lock = threading.Lock()
        self.method = "polling" if polling or watchfiles is None else "file events"
        self.poller = Watcher(self.dirs, exclude=exclude, within=within) if self.method == "polling" else None
        self.ready = threading.Event()
        self.moved: list[str] = []  # watched folders made or removed, reported once the next watch is in place
        self.wake = threading.Event()  # ends the watch running (see _events)
        self.thread = threading.Thread(target=self._run, name="dossier-watch", daemon=True)
        self.thread.start()
        self.ready.wait(10)  # saves from now on are seen (the first build reads what is on disk)

    def wanted(self, path: str) -> bool:
        """Whether a changed path can change the site: not editor noise, not in the output folder."""
        if any(path == e or path.startswith(e + os.sep) for e in self.exclude):
            return False
        for folder in map(str, self.dirs):
            if path.startswith(folder + os.sep):
                return not any(ignored(part) for part in path[len(folder) + 1 :].split(os.sep))
        return True

    def add(self, paths: Iterable[str]) -> None:
        """Report ``paths`` as saved (those :meth:`wanted`), as if their file events had come."""
        paths = [p for p in paths if self.wanted(p)]
        if paths:
            with self.lock:
                self.pending.update(paths)
            self.saved.set()

    def _run(self) -> None:
        if self.poller is not None:
            self.ready.set()
            while (changed := self.poller.wait(self.stopping)) is not None:
                self.add(changed)
            return
        try:
            while not self.stopping.is_set():
                try:
                    self._events()
                except FileNotFoundError:  # a folder removed just as its watch started: look again
                    self.moved = self.moved or [str(d) for d in self.dirs]
        except (OSError, RuntimeError) as exc:  # no file events here (e.g. the inotify limit): poll instead
            print(f"dossier: note: watching by polling ({exc})", file=sys.stderr, flush=True)
            self.poller = Watcher(self.dirs, exclude=map(Path, self.exclude), within=self.within)
            self.method = "polling"
            self.add(self.moved)  # a folder made or removed as the watch stopped: the poller's first scan has it
            self.moved = []
            self._run()
        finally:
            self.ready.set()

    def _events(self) -> None:
        """Watch the folders that exist by file events, until told to stop or until a watched folder is made or
        removed (``templates/``, made to override the theme); the next call watches the folders as they are, and once
        its watch is in place reports the folders made or removed. The rebuild that follows reads every file whose
        stamp changed, so a save made while no watch was in place is not lost."""
        assert watchfiles is not None
        there = {d: _folder(d) for d in self.dirs}
        if not any(there.values()):  # nothing to watch (yet)
            self.ready.set()
            self.add(self.moved)  # the last one removed
            self.moved = []
            while not self.stopping.wait(MADE) and not any(map(_folder, self.dirs)):
                pass
            self.moved = [str(d) for d in self.dirs if _folder(d)]
            return
        moved: list[str] = []
        roots = {str(d) for d in self.dirs}
        self.wake = wake = threading.Event()  # ends this watch: set by close(), or by the look below
        if self.stopping.is_set():
            return

        def look() -> None:  # a folder made, removed, or removed and made again (another folder at the path)
            while not wake.wait(MADE):
                found = [str(d) for d, was in there.items() if _folder(d) != was]
                if found:  # (never emptying what the watch found meanwhile)
                    moved[:] = found
                    wake.set()

        looking = threading.Thread(target=look, name="dossier-watch-folders", daemon=True)
        looking.start()
        try:
            self._watch(there, roots, wake, moved)
        finally:
            wake.set()
            looking.join()
        self.moved = moved

    def _watch(self, there: dict[Path, tuple[int, int] | None], roots: set[str], wake: threading.Event, moved: list[str]) -> None:
        assert watchfiles is not None
        for changes in watchfiles.watch(
            *(d for d, was in there.items() if was),
            watch_filter=lambda change, path: self.wanted(path),
            debounce=2000,  # the longest a burst is held back
            step=int(EVENTS_QUIET * 1000),  # quiet time that ends a burst
            stop_event=wake,
            yield_on_timeout=True,
            rust_timeout=200,
            raise_interrupt=False,
        ):
            self.ready.set()  # the first (empty, on timeout) yield: the watches are in place
            self.add([*self.moved, *(path for _, path in changes if path not in roots)])  # (a folder's own times: no save)
            self.moved = []
            gone = [path for change, path in changes if path in roots and change == watchfiles.Change.deleted]
            if gone:  # a watched folder removed (and maybe made again already, its inode number reused): watch anew
                moved[:] = gone
                return

    def wait(self, stop: Stop) -> list[str] | None:
        """Block until a burst of saves has arrived; return its files, or None on ``stop``."""
        while not stop.is_set():
            if self.saved.wait(0.1):
                with self.lock:
                    changed, self.pending = sorted(self.pending), set()
                    self.saved.clear()
                if changed:
                    return changed
        self.halt()
        return None

    def halt(self) -> None:
        """Stop watching (the watch running ends within a few milliseconds)."""
        self.stopping.set()
        self.wake.set()

    def close(self) -> None:
        self.halt()
        self.thread.join(timeout=5)
