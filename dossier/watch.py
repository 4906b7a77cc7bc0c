"""Watch: notice saves in a project's content and templates, and group a burst of them into one change.

A polling loop of our own rather than livereload's watcher (0.8 s polls): it compares
each file's (mtime, size, inode) every 50 ms, skips editor noise, and waits until the
saves have been quiet for 0.1 s, counted from the newest save itself, before it reports
them. It follows a linked folder only into the project, and scans each real folder
once, so links in a circle cannot make a scan grow without end. The clock, the scanner and the stop event can be replaced, so tests drive time
themselves instead of sleeping.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from dossier.project import ignored

POLL = 0.05  # seconds between two scans of the watched folders (longer when a scan is slow)
QUIET = 0.1  # seconds without a new save before a burst of saves is rebuilt

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
