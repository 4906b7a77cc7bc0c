"""Progress: tell the user what a long build is doing while it does it.

A build tells a :class:`Progress` each phase as it starts, the render phase how many
pages are done, and the index phase of a large dossier how many of its parts. On a terminal
one status line (on stderr) shows the phase and its count or elapsed seconds from the start,
redrawn at most ten times a second and cleared at the end.
Elsewhere (a CI log, a pipe) plain lines are written, only for a build that is still running
after a second, so quick builds print nothing more than their summary. ``-v`` adds each
finished phase with its time; ``-q`` turns progress off.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from typing import TextIO

LABELS = {
    "cache": "reading what the last preview kept",
    "check": "checking records",
    "model": "linking records",
    "write": "writing the site",
    "render": "rendering pages",
    "index": "indexing for search (Pagefind)",
}
UNITS = {"index": " parts"}  # what a phase's count counts, when it is not pages
QUIET_START = 1.0  # seconds: a build done sooner prints no progress where it is not on a terminal
REDRAW = 0.1  # seconds between two redraws of the status line


class Progress:
    """A callable told ``(phase, done, total)``; use as a context manager around the build."""

    def __init__(self, stream: TextIO | None = None, verbose: bool = False, tty: bool | None = None) -> None:
        self.given = stream
        self.tty = self.stream.isatty() if tty is None else tty
        self.verbose = verbose
        self.started = self.phase_started = time.monotonic()
        self.phase = ""
        self.done = self.total = 0
        self.drawn = 0.0
        self.printed: set[tuple[str, int]] = set()  # plain lines written: (phase, quarter of the pages)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.ticker = threading.Thread(target=self._tick, name="dossier-progress", daemon=True)

    @property
    def stream(self) -> TextIO:
        """Where the progress goes: the stream given, else standard error as it is at each write (the preview's is
        replaced by one that drops what it cannot write when its terminal is closed, see ``signals.hung_up``)."""
        return self.given or sys.stderr

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError):  # a terminal gone (EIO): no build is worth failing for its progress line
            self.stream.write(text)
            self.stream.flush()

    def __enter__(self) -> Progress:
        self.ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.ticker.join()
        with self.lock:
            self._finish_phase()
            if self.tty and self.drawn:
                self._write("\r\x1b[K")

    def __call__(self, phase: str, done: int, total: int) -> None:
        with self.lock:
            if phase != self.phase:
                self._finish_phase()
                self.phase, self.phase_started = phase, time.monotonic()
            self.done, self.total = done, total
            self._show(force=done == 0 or done == total)

    def _tick(self) -> None:
        while not self.stop.wait(0.5):
            with self.lock:
                self._show(force=True)

    def _finish_phase(self) -> None:
        if self.verbose and self.phase:
            self._line(f"{LABELS.get(self.phase, self.phase)}: done in {time.monotonic() - self.phase_started:.2f}s")

    def _line(self, text: str) -> None:
        self._write(("\r\x1b[K" if self.tty and self.drawn else "") + text + "\n")
        self.drawn = 0.0

    def _show(self, force: bool) -> None:
        now = time.monotonic()
        if not self.phase:
            return
        label = LABELS.get(self.phase, self.phase)
        unit = UNITS.get(self.phase, "")
        if self.total:
            status = f"{label} {self.done}/{self.total}{unit} ({100 * self.done // self.total}%)"
        else:
            status = f"{label} ({now - self.phase_started:.0f}s)"
        if self.tty:
            if force or now - self.drawn >= REDRAW:
                self._write(f"\r\x1b[K{status}")
                self.drawn = now
            return
        if now - self.started < QUIET_START:
            return
        quarter = 4 * self.done // self.total if self.total else 0
        if (self.phase, quarter) not in self.printed:
            self.printed.add((self.phase, quarter))
            self._line(f"{label} {self.done}/{self.total}{unit}" if self.total else f"{label}...")
