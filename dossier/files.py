"""Files: which files of a project may be read, and reading them safely.

Only files inside the project are read, and only regular ones: a link under
``content/`` or ``templates/`` that leads out of the project, a FIFO, a device or a
socket is a located error, and is never opened (so neither its contents nor a wait on
it can reach the terminal). A file is opened without blocking and checked again once
open, so a FIFO put in its place after the check is refused rather than waited on.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from dossier.errors import Location, Problem
from dossier.project import TEMPLATES, ignored


def relative(root: Path, path: Path) -> str:
    text, base = str(path), str(root) + os.sep
    if text.startswith(base):  # a path made from root (the usual case; relative_to is slower)
        return text[len(base) :].replace(os.sep, "/")
    return path.relative_to(root).as_posix()


def entries(root: Path, directory: Path, problems: list[Problem]) -> list[Path]:
    """The folder's entries in name order; an unreadable folder is a problem and has none."""
    return [directory / name for name in names(root, directory, problems)]


def names(root: Path, directory: Path, problems: list[Problem]) -> list[str]:
    """The names in the folder, sorted; an unreadable folder is a problem and has none."""
    try:
        return sorted(os.listdir(directory))
    except OSError as exc:
        problems.append(
            Problem(
                Location(relative(root, directory)), f"cannot read the folder ({exc.strerror}); fix its permissions or remove it"
            )
        )
        return []


OUTSIDE = "a link to a file outside the project; copy the file into the project instead (links must stay inside it)"
OUTSIDE_FOLDER = "a link to a folder outside the project; copy the folder into the project instead (links must stay inside it)"


def not_a_file(root: Path, path: Path, folders: dict[str, bool] | None = None) -> str | None:
    """Why the project may not read ``path``: a link out of the project, or not a regular file; None if it may.

    Nothing is opened: the link is resolved and the target's type read from ``stat``. A regular file (not a link) is
    inside the project when its folder is: ``folders`` remembers that of each folder, for the files of one load.
    """
    if folders is not None:
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            mode = 0
        if stat.S_ISREG(mode):
            return None if inside(root, path, folders) else OUTSIDE
    real = os.path.realpath(path)
    if os.path.commonpath([real, os.path.realpath(root)]) != os.path.realpath(root):
        return OUTSIDE
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot read the file ({exc.strerror}); fix or remove it"
    if not stat.S_ISREG(mode):
        return f"{_kind(mode)}, not a regular file; only ordinary files are read: remove it"
    return None


def stamp(info: os.stat_result) -> tuple[int, ...]:
    """What says a file is the one seen before: its size, modification and change times and inode."""
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def lstat(path: str | Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def inside(root: Path, path: str | Path, folders: dict[str, bool]) -> bool:
    """Whether the folder of ``path`` is inside the project (its real path), remembered in ``folders``."""
    folder = os.path.dirname(path)
    if folder not in folders:
        real_root = os.path.realpath(root)
        folders[folder] = os.path.commonpath([os.path.realpath(folder), real_root]) == real_root
    return folders[folder]


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def read_file(root: Path, path: Path, folders: dict[str, bool] | None = None) -> bytes:
    """The bytes of a regular file inside the project; OSError (with a message for the editor) otherwise.

    The file is opened without blocking and checked again once open, so a FIFO put in its place
    after the check is refused rather than waited on.
    """
    why = not_a_file(root, path, folders)
    if why is not None:
        raise Unreadable(why)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise Unreadable(f"{_kind(mode)}, not a regular file; only ordinary files are read: remove it")
        return handle.read()


class Unreadable(OSError):
    """A file the project may not read; its message is the problem to report."""


def template_problems(root: Path) -> list[Problem]:
    """Every file under the project's ``templates/`` that a build may not read (see :func:`not_a_file`).

    Folders linked from inside are followed when they stay in the project (each real folder once,
    so links in a circle end), as Jinja would follow them.
    """
    problems: list[Problem] = []
    if not_a_file(root, root / TEMPLATES) == OUTSIDE:
        return [Problem(Location(TEMPLATES), OUTSIDE_FOLDER)]
    for path, why in _walk(root, root / TEMPLATES, set(), problems):
        problems.append(Problem(Location(relative(root, path)), why))
    return problems


def _walk(root: Path, folder: Path, seen: set[tuple[int, int]], problems: list[Problem]) -> Iterator[tuple[Path, str]]:
    try:
        info = folder.stat()
    except OSError:
        return
    if (info.st_dev, info.st_ino) in seen or not folder.is_dir():
        return
    seen.add((info.st_dev, info.st_ino))
    for path in entries(root, folder, problems):
        if ignored(path.name):
            continue
        why = not_a_file(root, path)
        if why is not None and path.is_dir() and why != OUTSIDE:
            yield from _walk(root, path, seen, problems)
        elif why is not None:
            yield path, OUTSIDE_FOLDER if why == OUTSIDE and path.is_dir() else why
