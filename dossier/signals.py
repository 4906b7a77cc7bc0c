"""Signals: Ctrl-C and SIGTERM stop a command cleanly, and no worker process outlives its parent.

A command turns SIGTERM into the same exception as Ctrl-C, so both run every
``finally`` (a build removes its staging folder) and end without a traceback. The
preview stops the same way when its terminal is closed (SIGHUP), and writes on to the
terminal no longer (:func:`hung_up`). Forked render workers ask the kernel to kill them
when their parent dies, however it dies (``prctl(PR_SET_PDEATHSIG)`` on Linux), and are
stopped by Ctrl-C, SIGTERM or SIGHUP without a traceback.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any, TextIO

PR_SET_PDEATHSIG = 1


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C; ``signum`` gives the exit status (128 + signal)."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__()
        self.signum = signum


def exit_status(interrupt: KeyboardInterrupt) -> int:
    """The shell's status for a command stopped by a signal: 130 for Ctrl-C, 143 for SIGTERM."""
    return 128 + (interrupt.signum if isinstance(interrupt, Terminated) else signal.SIGINT)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def stop_like_ctrl_c() -> Iterator[None]:
    """While in the block, SIGTERM raises :class:`Terminated` (a KeyboardInterrupt) and Ctrl-C raises
    KeyboardInterrupt; the previous handlers come back afterwards. Only the main thread can do this."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, handler) for sig, handler in _HANDLERS.items()}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


_HANDLERS = {signal.SIGTERM: _terminate, signal.SIGINT: signal.default_int_handler}


class Forgiving:
    """A text stream that drops what it cannot write: a closed terminal answers every write with EIO."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except (OSError, ValueError):  # EIO from a terminal that is gone, or the stream closed
            return len(text)

    def flush(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def hung_up(signum: int, frame: FrameType | None) -> None:
    """SIGHUP (the preview's terminal was closed, or a remote session ended): stop as on Ctrl-C, so that the preview
    still keeps its session (see ``cache``); what it prints as it stops goes to a terminal that is gone, and is
    dropped rather than raised. A closed terminal often sends SIGHUP twice (the shell passes one on, the kernel sends
    another as the shell exits): the first stops the preview, and any later one is ignored, so that it cannot cut
    short keeping the session."""
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, Forgiving):
            setattr(sys, name, Forgiving(stream))
    raise KeyboardInterrupt


def hangs_up() -> bool:
    """Whether SIGHUP would stop this process (not when it was started under ``nohup``, which ignores it)."""
    return signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN


def _quiet_on_signals() -> None:
    """Let Ctrl-C, SIGTERM and SIGHUP (unless ignored, as under ``nohup``) end a worker process at once, without the
    parent's handlers (a KeyboardInterrupt, and a traceback, per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hangs_up():
        signal.signal(signal.SIGHUP, signal.SIG_DFL)


def die_with_parent(parent: int) -> None:
    """Initializer of a forked worker: die when ``parent`` does, and die quietly on Ctrl-C, SIGTERM or SIGHUP."""
    _quiet_on_signals()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def die_with_client(client: int, every: float = 1.0) -> None:
    """Initializer of a worker started by a fork server (whose parent is that server, not ``client``): die quietly on
    Ctrl-C, SIGTERM or SIGHUP, and within ``every`` seconds of ``client`` ending."""
    _quiet_on_signals()

    def watch() -> None:
        while True:
            try:
                os.kill(client, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass  # alive, under another user (cannot happen for our own client, but never exit for it)
            time.sleep(every)

    threading.Thread(target=watch, name="dossier-client-watch", daemon=True).start()
