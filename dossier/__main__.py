"""Entry point for ``python -m dossier`` and the ``dossier`` command.

Ctrl-C is quiet from the first instant: before the command line's modules are
imported, a signal just ends the process; :func:`dossier.cli.main` takes over from there.
Once the command is done and its output flushed, the process ends at once
(:func:`os._exit`): Python would otherwise free a big build's heap object by object
before exiting, a second at 10,000 events. Everything the command wrote is closed by then.
"""

import contextlib
import os
import signal
import sys
from types import FrameType


def _quiet_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def run() -> int:
    signal.signal(signal.SIGINT, _quiet_exit)
    signal.signal(signal.SIGTERM, _quiet_exit)
    from dossier.cli import main

    try:
        code = main()
    except BrokenPipeError:  # what read our output went away (| head): stop quietly, as a process killed by SIGPIPE
        code = 128 + signal.SIGPIPE
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (| head): what it did not take is lost anyway
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    raise SystemExit(run())
