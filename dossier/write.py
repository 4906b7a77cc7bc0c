"""Write: put the rendered files on disk all at once, or not at all.

Files go into a fresh folder beside the output folder; an optional step (search
indexing) runs on it; only when everything succeeded is it swapped in for the
previous output, in one step: on Linux the two folders are exchanged atomically
(``renameat2`` with ``RENAME_EXCHANGE``), so a whole site is in place at every
instant, even if the process is killed. A failed build leaves the previous site
exactly as it was; a killed one may leave its staging folder, which carries
dossier's marker and is removed by the next build.

The preview's rebuilds change a few files of a large site: :func:`update` moves just
those into place, each one whole (see there for what that does and does not promise).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from dossier.errors import WriteError
from dossier.links import link_if_same
from dossier.project import Output, Streamed, leaves_folder

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

MARKER = ".dossier-site"
MARKER_TEXT = b"This folder is written by `dossier build`; it is replaced on every build.\n"
KINDS = ("new", "old", "pagefind")  # the folders a build makes beside its output: .site.new-*, ...


def check_outputs(paths: Iterable[str]) -> None:
    """Refuse two files at one path and paths that would leave the output folder."""
    seen: set[str] = set()
    for path in paths:
        if leaves_folder(path):
            raise WriteError(f"refusing to write '{path}' outside the output folder")
        if path in seen:
            raise WriteError(f"two pages would be written to '{path}'")
        seen.add(path)


def write_site(outputs: Sequence[Output], out_dir: Path, finish: Callable[[Path], None] | None = None) -> None:
    """Write ``outputs`` into ``out_dir`` atomically; ``finish`` runs on the new folder before the swap."""
    check_outputs(output.path for output in outputs)

    def fill(folder: Path) -> None:
        write_files(outputs, folder)
        if finish is not None:
            finish(folder)

    publish(out_dir, fill)


def publish(out_dir: Path, fill: Callable[[Path], None]) -> None:
    """Let ``fill`` fill a fresh staging folder beside ``out_dir``, then swap it in for ``out_dir`` in one step.

    Refuses an output folder dossier did not write; on any failure ``out_dir`` stays exactly as it was.
    """
    out_dir = out_dir.absolute()
    refuse_foreign(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out_dir)
        with staging(out_dir, "new") as folder:
            fill(folder)
            os.chmod(folder, 0o755)
            swap(folder, out_dir)
    except OSError as exc:
        raise write_error(exc, out_dir) from None


def refuse_foreign(out_dir: Path) -> None:
    """Raise WriteError when ``out_dir`` is a file, or a folder with files that dossier did not write."""
    if out_dir.exists() and not out_dir.is_dir():
        raise WriteError(f"{out_dir} is a file, not a folder; choose another --out folder")
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise WriteError(f"{out_dir} exists and was not written by dossier; remove it or choose another --out folder")


def update(
    out_dir: Path,
    fill: Callable[[Path], None],
    removed: Callable[[], Iterable[str]] = tuple,
    moving: Callable[[], None] = lambda: None,
) -> list[str]:
    """Let ``fill`` put changed files in a fresh staging folder beside ``out_dir``, move each into ``out_dir`` and remove
    the files that ``removed()`` names then; return the paths moved in. ``moving()`` is called as the first move starts.

    For a preview's rebuilds, where remaking the whole tree would cost more than the pages that changed: every file is
    replaced whole by a rename (a reader gets the old file or the new one, never a part of either), new files before
    changed ones (so a changed page never links to a page not there yet), removed files last. Unlike
    :func:`publish`, the site as a whole changes over these few milliseconds, and a kill among them can leave some
    files changed and others not (each whole); the preview then keeps no session for its next start (see
    ``cache``), which builds afresh. A failure before the moves
    leaves ``out_dir`` as it was.
    """
    out_dir = out_dir.absolute()
    if not (out_dir / MARKER).is_file():
        raise WriteError(f"{out_dir} was not written by dossier; remove it or choose another --out folder")
    try:
        remove_leftovers(out_dir)
        with staging(out_dir, "new") as folder:
            fill(folder)
            paths = [path for path in files_in(folder) if path != MARKER]
            paths.sort(key=lambda path: os.path.exists(out_dir / path))
            made: set[str] = set()
            moving()
            for path in paths:
                parent = os.path.dirname(path)
                if parent not in made:
                    os.makedirs(out_dir / parent, exist_ok=True)
                    made.add(parent)
                os.replace(folder / path, out_dir / path)
        for path in removed():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(out_dir / path)
            _prune(out_dir, os.path.dirname(path))
    except OSError as exc:
        raise write_error(exc, out_dir) from None
    return paths


def _prune(root: Path, folder: str) -> None:
    """Remove ``folder`` under ``root`` and its parents while they are empty."""
    while folder:
        try:
            os.rmdir(root / folder)
        except OSError:
            return
        folder = os.path.dirname(folder)


def replace_folder(new: Path, target: Path) -> None:
    """Put the folder ``new`` in place of ``target`` in one step, then remove what was there (see :func:`swap`)."""
    swap(new, target)
    if new.exists():
        remove_folder(new)


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder``, as paths relative to it with "/" between parts."""
    found = []
    for directory, _, names in os.walk(folder):
        rel = os.path.relpath(directory, folder).replace(os.sep, "/")
        found += [name if rel == "." else f"{rel}/{name}" for name in names]
    return found


def write_file(output: Output, folder: Path) -> None:
    """Write one output under ``folder`` (making its sub-folders), refusing a path that would leave it."""
    _target(output.path, folder).write_bytes(output.data)


def write_streamed(output: Streamed, folder: Path, same_as: Path | None = None) -> None:
    """Write a streamed output under ``folder`` a piece at a time, as :func:`write_file` writes bytes; then, when
    ``same_as`` (the previous site) holds that file with the same bytes, link that file in its place, as
    :func:`link_same` does before writing."""
    target = _target(output.path, folder)
    with open(target, "wb") as handle:
        for piece in output.pieces():
            handle.write(piece)
    if same_as is not None:
        link_if_same(os.path.join(same_as, output.path), target)


def _target(path: str, folder: Path) -> Path:
    """Where ``path`` goes under ``folder``, its sub-folders made; refused when it would leave the folder."""
    if leaves_folder(path):
        raise WriteError(f"refusing to write '{path}' outside the output folder")
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def write_files(outputs: Sequence[Output], folder: Path) -> None:
    """Write each output under ``folder``, making its sub-folders."""
    made: set[Path] = set()
    for output in outputs:
        target = folder / output.path
        if target.parent not in made:  # one mkdir per folder, not one per file
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(output.data)


def write_error(exc: OSError, out_dir: Path) -> WriteError:
    """What a failed write means to the user (a full disk above all); the previous site is untouched."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return WriteError(
            f"cannot write the site: no space left on the disk holding {out_dir.parent}; free some space and build again "
            "(the previous site is unchanged)"
        )
    where = f" {exc.filename}" if exc.filename else ""
    return WriteError(
        f"cannot write the site ({exc.strerror or exc}{':' if where else ''}{where}); the previous site is unchanged"
    )


@contextlib.contextmanager
def staging(out_dir: Path, kind: str) -> Iterator[Path]:
    """A fresh folder ``.NAME.KIND-*`` beside ``out_dir``, marked as dossier's and locked while it is in use;
    removed on the way out, whatever happened (what a kill leaves, the next build removes)."""
    folder = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.{kind}-", dir=out_dir.parent))
    lock = _lock(folder)
    try:
        (folder / MARKER).write_bytes(MARKER_TEXT)  # first: whatever a kill leaves in it, it is dossier's
        yield folder
    finally:
        remove_folder(folder)
        if lock is not None:
            os.close(lock)


def _lock(folder: Path) -> int | None:
    """Hold an exclusive lock on ``folder`` until this process closes it or dies."""
    if fcntl is None:  # pragma: no cover - not on POSIX
        return None
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def remove_leftovers(out_dir: Path) -> list[Path]:
    """Remove the staging and old folders that killed builds left beside ``out_dir``; return them.

    Only folders with dossier's marker (or empty ones, made just before a kill) whose lock is
    free: a build running at the same time keeps its own.
    """
    removed = []
    prefixes = tuple(f".{out_dir.name}.{kind}-" for kind in KINDS)
    for entry in os.scandir(out_dir.parent):
        if not entry.name.startswith(prefixes) or not entry.is_dir(follow_symlinks=False):
            continue
        path = Path(entry.path)
        try:
            if not (path / MARKER).is_file() and any(path.iterdir()):
                continue  # not ours
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # in use by a running build
            remove_folder(path)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


def remove_folder(folder: Path) -> None:
    """Remove a folder dossier made, its marker last: interrupted, it is still known as dossier's."""
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(folder):
            if entry.name == MARKER:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
    with contextlib.suppress(OSError):
        os.unlink(folder / MARKER)
    with contextlib.suppress(OSError):
        os.rmdir(folder)


def swap(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target`` in one step; afterwards ``new`` holds the previous ``target``, if any.

    On Linux the two folders are exchanged atomically; elsewhere (or on a file system that
    cannot exchange) the old folder is renamed aside first, leaving an instant without one.
    """
    if not target.exists():
        os.rename(new, target)
        return
    if exchange(new, target):
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    os.rename(new, target)
    os.rename(old, new)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Exchange two paths atomically with Linux's ``renameat2(RENAME_EXCHANGE)``; False where it is not available."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # an old kernel, or a file system that cannot exchange
    raise OSError(code, os.strerror(code), str(b))


def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function
