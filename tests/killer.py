"""Run the ``dossier`` command with a fault at a named point: ``python -m tests.killer POINT [N] -- ARGS``.

Used by tests/test_faults.py to kill a build at reproducible points rather than after a
guessed delay. Points:

- ``none``: no fault;
- ``staging``: SIGKILL right after the staging folder is made, before anything is in it;
- ``write N``: SIGKILL after the Nth file of the site is written;
- ``index``: SIGKILL while Pagefind is running (it has indexed the site, its files not yet read);
- ``index-parts``: the same with the index made in parts of three pages (two Pagefinds running);
- ``swap``: SIGKILL right after the new site was swapped in, before the old one is removed;
- ``remove N``: SIGKILL after N files of a folder being removed (the old site, or a leftover);
- ``pause-index``: while Pagefind is running, create the file named by $DOSSIER_READY and wait there;
- ``stuck-workers``: render with two forked workers that never finish; $DOSSIER_READY once they run.
"""

from __future__ import annotations

import functools
import os
import pathlib
import signal
import sys
import tempfile
import time
from typing import Any

import dossier.build
import dossier.index
import dossier.render
import dossier.search_entries
import dossier.write
from dossier.__main__ import run


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def ready() -> None:
    pathlib.Path(os.environ["DOSSIER_READY"]).write_text(str(os.getpid()))


def install(point: str, count: int) -> None:
    if point == "staging":
        mkdtemp = tempfile.mkdtemp

        def made(*args: Any, **kwargs: Any) -> str:
            folder = mkdtemp(*args, **kwargs)
            if ".new-" in folder:
                die()
            return folder

        tempfile.mkdtemp = made  # type: ignore[assignment]
    elif point == "write":
        write_bytes = pathlib.Path.write_bytes
        written = [0]

        def write(self: pathlib.Path, data: bytes) -> int:
            size = write_bytes(self, data)
            written[0] += 1
            if written[0] == count:
                die()
            return size

        pathlib.Path.write_bytes = write  # type: ignore[method-assign]
    elif point in ("index", "index-parts", "pause-index"):
        send = dossier.index._Service.send
        if point == "index-parts":
            dossier.search_entries.PART_PAGES = 3

        def indexing(self: Any, payload: dict[str, Any]) -> dict[str, Any]:
            if payload.get("type") == "GetFiles":  # Pagefind has indexed the site and waits for this
                if point != "pause-index":
                    die()
                ready()
                time.sleep(3600)
            return send(self, payload)

        dossier.index._Service.send = indexing  # type: ignore[method-assign]
    elif point == "swap":
        exchange = dossier.write.exchange

        def exchanged(a: pathlib.Path, b: pathlib.Path) -> bool:
            done = exchange(a, b)
            die()
            return done

        dossier.write.exchange = exchanged
    elif point == "remove":
        unlink = os.unlink
        removed = [0]

        def remove(path: Any, *args: Any, **kwargs: Any) -> None:
            unlink(path, *args, **kwargs)
            removed[0] += 1
            if removed[0] == count:
                die()

        os.unlink = remove
    elif point == "stuck-workers":
        dossier.render._cpus = lambda: 2
        dossier.build.render_site = functools.partial(dossier.render.render_site, min_pages=1)  # fork even for a few pages

        def stuck(bounds: tuple[int, int]) -> Any:
            ready()
            time.sleep(3600)

        stuck.__qualname__ = stuck.__name__ = "_render_chunk"  # sent to the workers by name
        stuck.__module__ = "dossier.render"
        dossier.render._render_chunk = stuck
    elif point != "none":
        raise SystemExit(f"unknown fault point {point!r}")


if __name__ == "__main__":
    split = sys.argv.index("--")
    fault = sys.argv[1:split]
    install(fault[0], int(fault[1]) if len(fault) > 1 else 0)
    sys.argv = ["dossier", *sys.argv[split + 1 :]]
    raise SystemExit(run())
