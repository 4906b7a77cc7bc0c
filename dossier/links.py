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
import os
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from dossier.project import Output

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


def link_same(output: Output, source: Path, folder: Path) -> bool:
    """Hard-link the file at ``output.path`` under ``source`` into ``folder`` when it is a regular file holding
    ``output``'s bytes already; whether it did. A rebuild over the previous site so writes only what changed: on
    some disks writing a file costs several times what linking one does, and removing the previous site then frees
    nothing but the files that changed. Where links cannot be made, the caller writes the file."""
    path = PurePosixPath(output.path)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return False  # refused by write_file
    old = os.path.join(source, output.path)
    target = folder / output.path
    try:
        fd = os.open(old, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size != len(output.data) or not _holds(handle, output.data):
                return False
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(old, target)
            linked = os.lstat(target)
        except OSError:
            return False
    if (linked.st_dev, linked.st_ino) != (info.st_dev, info.st_ino):  # replaced since it was read: not that file
        os.unlink(target)
        return False
    return True


def _holds(handle: BinaryIO, data: bytes) -> bool:
    """Whether the file read from ``handle`` holds ``data`` and nothing more, read a piece at a time: a large export
    (dossier.json, 170 MB at 20,000 events) is not held twice to be compared."""
    view = memoryview(data)
    for start in range(0, len(data), COMPARED):
        if handle.read(COMPARED) != view[start : start + COMPARED]:
            return False
    return handle.read(1) == b""


def link_if_same(old: str, target: Path) -> None:
    """Replace the file just written at ``target`` by a hard link to ``old`` when that is a regular file with the same
    bytes (opened without following links or blocking, compared a piece at a time, checked after linking)."""
    try:
        fd = os.open(old, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return
    spare = target.with_name(f".{target.name}.linked")
    with os.fdopen(fd, "rb") as handle, open(target, "rb") as written:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size != os.fstat(written.fileno()).st_size:
                return
            while piece := handle.read(COMPARED):
                if written.read(COMPARED) != piece:
                    return
            os.link(old, spare)
            linked = os.lstat(spare)
        except OSError:
            return
    if (linked.st_dev, linked.st_ino) != (info.st_dev, info.st_ino):  # replaced since it was read: not that file
        os.unlink(spare)
        return
    os.replace(spare, target)
