"""Entry point for ``python -m dossier`` and the ``dossier`` command.

Ctrl-C is quiet from the first instant: before the command line's modules are
imported, a signal just ends the process; :func:`dossier.cli.main` takes over from there.
"""

import signal
from types import FrameType


def _quiet_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def run() -> int:
    signal.signal(signal.SIGINT, _quiet_exit)
    signal.signal(signal.SIGTERM, _quiet_exit)
    from dossier.cli import main

    return main()


if __name__ == "__main__":
    raise SystemExit(run())
