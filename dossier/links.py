"""Links: files of the previous site used again as they are, hard-linked rather than written.

A build over the previous site (and every preview rebuild) makes a site whose files are
mostly the same bytes as before. Writing them again costs several times what linking them
does on some disks, and removing the previous site then frees only what changed. A file
is linked only when it is a regular file holding exactly the new bytes: opened without
following symbolic links or blocking (a named pipe is never waited on), compared a piece
at a time (a large export is not held twice), and checked after linking to be the file
that was read.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from dossier.project import Output, leaves_folder

COMPARED = 1 << 20  # bytes of a file compared at a time


def link_files(paths: Iterable[str], source: Path, target: Path) -> set[str]:
    """Hard-link each of ``paths`` (relative) from the folder ``source`` into ``target``; return the ones linked.

    A file that is gone from ``source`` (removed by hand) or cannot be linked (another file system, a link limit)
    is left out, for the caller to make again.
    """
    linked: set[str] = set()
    made: set[str] = set()
    for path in paths:
        folder = os.path.dirname(path)
        if folder not in made:  # one mkdir per folder, not one per file
            os.makedirs(target / folder, exist_ok=True)
            made.add(folder)
        try:
            os.link(source / path, target / path)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.EXDEV, errno.EPERM, errno.EMLINK):
                continue
            raise
        linked.add(path)
    return linked


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """Hard-link the file ``source`` at ``target``, or copy it where a link cannot be made (another file system, one
    without hard links, a link limit). A missing ``source`` raises :class:`FileNotFoundError`."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copyfile(source, target)


def link_same(output: Output, source: Path, folder: Path) -> bool:
    """Hard-link the file at ``output.path`` under ``source`` into ``folder`` when it is a regular file holding
    ``output``'s bytes already; whether it did. A rebuild over the previous site so writes only what changed: on
    some disks writing a file costs several times what linking one does, and removing the previous site then frees
    nothing but the files that changed. Where links cannot be made, the caller writes the file."""
    if leaves_folder(output.path):
        return False  # refused by write_file
    old = os.path.join(source, output.path)
    info = _same_file(old, len(output.data), io.BytesIO(output.data).read)
    if info is None:
        return False
    target = folder / output.path
    target.parent.mkdir(parents=True, exist_ok=True)
    return _linked(old, target, info)


def link_if_same(old: str, target: Path) -> None:
    """Replace the file just written at ``target`` by a hard link to ``old`` when that is a regular file with the same
    bytes."""
    with open(target, "rb") as written:
        info = _same_file(old, os.fstat(written.fileno()).st_size, written.read)
    spare = target.with_name(f".{target.name}.linked")
    if info is not None and _linked(old, spare, info):
        os.replace(spare, target)


def _same_file(old: str, size: int, read: Callable[[int], bytes]) -> os.stat_result | None:
    """The status of ``old`` when it is a regular file of ``size`` bytes, the same as ``read`` gives a piece at a time
    (a large export, dossier.json at 170 MB on 20,000 events, is not held twice to be compared); else None. It is
    opened without following a symbolic link or blocking (a named pipe is never waited on)."""
    try:
        fd = os.open(old, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size != size:
                return None
            for _ in range(0, size, COMPARED):
                if handle.read(COMPARED) != read(COMPARED):
                    return None
            return info if handle.read(1) == b"" else None
        except OSError:
            return None


def _linked(old: str, target: Path, info: os.stat_result) -> bool:
    """Hard-link ``old`` at ``target``, and keep the link only if it is the file ``info`` describes (not one put in
    its place since it was compared); whether it did."""
    try:
        os.link(old, target)
        linked = os.lstat(target)
    except OSError:
        return False
    if (linked.st_dev, linked.st_ino) != (info.st_dev, info.st_ino):
        os.unlink(target)
        return False
    return True
