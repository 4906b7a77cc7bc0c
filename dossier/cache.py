"""Cache: what the preview knew, kept in the project's ``.dossier-cache/`` when it stops, so that its next start
renders only what changed since instead of the whole site.

A :class:`build.Session` keeps, between two builds in one process, every file it loaded and checked, the model's
memoized parts, what each page read and the previous output (see ``build.Session``). ``dossier serve`` keeps its
session here when it stops and takes it back when it starts: its first build is then a rebuild like a save's, which
reads the files whose stamp changed, renders the pages whose inputs changed and writes only those. The result is
byte for byte what a build without the cache writes (``tests/test_cache.py``). (``dossier build`` keeps none: a
build that goes on from a kept session was measured slower at 10,000 events than a cold one, see
docs/performance.md.)

The state is a pickle, and unpickling runs code, so the cache is signed: it is used only when its HMAC, made with a
key kept in the user's own cache folder (``$XDG_CACHE_HOME/dossier/cache-key``, readable by that user alone), is
right, and only from a regular file in a real folder of the user's own (never through a link, nor from a FIFO). A
cache copied from elsewhere, altered or cut short is not read; nor is one kept by another version of dossier, of
Python or of a package dossier needs, or for the project in another folder. It is removed as it is read, so a run
that keeps nothing (killed) leaves nothing for the next start. The output is stamped too: when a
file the cache vouches for is no longer the one it kept (a ``dossier build`` since, an edit by hand), every page is
rendered again (a folder swapped in while the preview runs is the preview's to notice, see ``serve``). What is not
used is said in a note, and the preview goes on without it; the folder is safe to delete.
"""

from __future__ import annotations

import dataclasses
import errno
import gc
import hashlib
import hmac
import importlib.metadata
import mmap
import os
import pickle
import re
import secrets
import stat
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dossier.check import CheckCache
from dossier.files import stamp
from dossier.heap import gc_paused
from dossier.index import BUNDLE
from dossier.load import FileCache
from dossier.memo import Memo
from dossier.plan import Previous
from dossier.recording import Readers
from dossier.write import MARKER

if TYPE_CHECKING:
    from dossier.build import Session

FOLDER = ".dossier-cache"
FILE = "session.pickle"
MAGIC = b"dossier-cache 1\n"  # the file's format; a new one makes every older cache unused
DIGEST = 32  # bytes of the fingerprint and of the signature
MAX_SIZE = 1 << 32  # bytes: no kept session is larger (127 MB at 10,000 events)
DISTRIBUTION = "dossier-ssg"  # this package's name on PyPI: its dependencies' versions are in the fingerprint
KEY_FILE = "cache-key"
IGNORED = "# made by dossier serve: safe to delete, never committed\n*\n"
TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# the cache of dossier serve; see https://bford.info/cachedir/\n"

OTHER_VERSION = "the preview's cache in {folder} was kept by another version of dossier or of Python, or for the project in another folder: not used"
NOT_SIGNED = "the preview's cache in {folder} was not kept by this user on this machine, or was altered or cut short: not read"
UNREADABLE = "the preview's cache in {folder} could not be read ({error}): not used"
OUTPUT_CHANGED = "{out} changed since the preview's cache in {folder} was kept: every page is rendered again"
NOT_KEPT = "could not keep the preview's cache in {folder} ({error}): the next start renders every page"


@dataclass
class State:
    """The parts of a build session that outlive it (see ``build.Session``), and the stamps of the output files its
    last build left (size, modification and change times, inode), by path."""

    files: FileCache = field(default_factory=dict)
    checks: CheckCache = field(default_factory=CheckCache)
    memo: Memo = field(default_factory=Memo)
    readers: Readers = field(default_factory=Readers)
    previous: Previous | None = None
    index_files: frozenset[str] = frozenset()
    output: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, session: Session, pages: bool = True) -> State:
        """What ``session`` knows, with its output (``previous``) only when ``pages``."""
        previous = session.previous if pages else None
        return cls(session.files, session.checks, session.memo, session.readers, previous, session.index_files)

    def session(self) -> dict[str, Any]:
        """The keyword arguments of a ``build.Session`` that goes on from this state."""
        return {
            "files": self.files,
            "checks": self.checks,
            "memo": self.memo,
            "readers": self.readers,
            "previous": self.previous,
            "index_files": self.index_files,
        }


def load(root: Path) -> tuple[State, str | None]:
    """The session the last preview of the project at ``root`` kept, or a fresh one, with a note saying why the kept
    one was not used (None when it was, or when there was none). The kept file is removed as it is read: a run that
    keeps nothing in turn (a killed one) leaves none for the next start, whose output it may have
    changed."""
    root = root.absolute()
    folder = root / FOLDER
    try:
        data = _read(folder)
    except OSError as exc:
        return State(), None if isinstance(exc, FileNotFoundError) else UNREADABLE.format(
            folder=_shown(root, folder), error=_error(exc)
        )
    with data:
        return _restore(root, folder, data)


def _restore(root: Path, folder: Path, data: mmap.mmap) -> tuple[State, str | None]:
    """The state in a kept file's ``data`` (see :func:`load`): its format and fingerprint checked first, then its
    signature, and only then unpickled."""
    start = len(MAGIC)
    head, fingerprint, signature = data[:start], data[start : start + DIGEST], data[start + DIGEST : start + 2 * DIGEST]
    if head != MAGIC or fingerprint != _fingerprint(root):
        return State(), OTHER_VERSION.format(folder=_shown(root, folder))
    key = _key(create=False)
    with memoryview(data) as whole, whole[start + 2 * DIGEST :] as body:  # no copy (released before the map closes)
        if key is None or not hmac.compare_digest(signature, _sign(key, fingerprint, body)):
            return State(), NOT_SIGNED.format(folder=_shown(root, folder))
        with gc_paused():  # millions of objects: no collection of the growing heap on the way, nor right after
            try:
                state: State = pickle.loads(body)
            except Exception as exc:  # signed by this user, yet not readable here (a function it names is gone)
                return State(), UNREADABLE.format(folder=_shown(root, folder), error=exc)
            state.checks.rekey()
            state.memo.rekey()
            gc.freeze()  # kept for the whole run: no collection walks them again (see heap.settle_heap)
    previous = state.previous
    if previous is None:
        return state, None
    if _stamps(previous.out, state.output) != state.output:  # (save stamped every file of previous.files)
        state.previous, state.output = None, {}
        return state, OUTPUT_CHANGED.format(out=_shown(root, previous.out), folder=_shown(root, folder))
    if previous.indexed and not (previous.out / BUNDLE / "pagefind-entry.json").is_file():
        state.previous = dataclasses.replace(previous, indexed=False)  # the index removed: made again by the catch-up
    return state, None


def save(root: Path, state: State) -> str | None:
    """Keep ``state`` in the project's cache folder (whole or not at all), its output stamped as it is now; return a
    note saying why it could not be kept, or None. The caller vouches that the output is what the session made."""
    root = root.absolute()
    folder = root / FOLDER
    previous = state.previous
    if previous is not None:
        state.output = _stamps(previous.out, previous.files)
        if set(state.output) != previous.files or not (previous.out / MARKER).is_file():  # gone: nothing to go on from
            state.previous, state.output = None, {}
    part = None
    try:
        try:
            key = _key(create=True)
        except OSError as exc:
            raise OSError(exc.errno, f"{_error(exc)}: {key_path()}") from None
        if key is None:
            raise OSError(errno.EPERM, f"no key of this user's own in {key_path()}")
        with gc_paused():
            body = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        fingerprint = _fingerprint(root)
        _own_folder(folder)
        for name, text in ((".gitignore", IGNORED), ("CACHEDIR.TAG", TAG)):
            _write_whole(folder / name, text.encode())
        for leftover in folder.glob(f".{FILE}.*"):  # of a preview killed while keeping (one keeping now loses its own)
            leftover.unlink(missing_ok=True)
        handle, part = tempfile.mkstemp(prefix=f".{FILE}.", dir=folder)
        with open(handle, "wb") as stream:
            for chunk in (MAGIC, fingerprint, _sign(key, fingerprint, body), body):
                stream.write(chunk)
        os.replace(part, folder / FILE)
        part = None
    except OSError as exc:
        return NOT_KEPT.format(folder=_shown(root, folder), error=_error(exc))
    except (pickle.PicklingError, AttributeError, TypeError, RecursionError) as exc:  # an object pickle cannot keep
        return NOT_KEPT.format(folder=_shown(root, folder), error=exc)
    finally:
        if part is not None:
            Path(part).unlink(missing_ok=True)
    return None


def _read(folder: Path) -> mmap.mmap:
    """The kept file's bytes (mapped, not read into memory), the file removed as it is opened; refused unless the folder
    and the file are this user's own, a real folder and a regular file of a sane size (never through a link: one to
    /dev/zero would never end, nor a FIFO)."""
    try:
        where = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno not in (errno.ENOTDIR, errno.ELOOP):
            raise
        raise OSError(errno.EPERM, "not a folder of this user's own") from None  # a file, or a link
    try:
        _own(os.fstat(where), stat.S_ISDIR, "not a folder of this user's own")
        handle = os.open(FILE, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=where)
        try:
            found = os.fstat(handle)
            _own(found, stat.S_ISREG, "not a file of this user's own")
            os.unlink(FILE, dir_fd=where)
            if not 0 < found.st_size <= MAX_SIZE:
                raise OSError(errno.EFBIG, "not the size of a kept session")
            return mmap.mmap(handle, 0, access=mmap.ACCESS_READ)
        finally:
            os.close(handle)
    finally:
        os.close(where)


def _own(found: os.stat_result, kind: Any, what: str) -> None:
    if not kind(found.st_mode) or found.st_uid != os.getuid():
        raise OSError(errno.EPERM, what)


def _own_folder(folder: Path) -> None:
    """Make the cache folder, or check that it is a real folder of this user's own (not a link elsewhere)."""
    try:
        folder.mkdir()
    except FileExistsError:
        _own(os.lstat(folder), stat.S_ISDIR, "not a folder of this user's own")


def _write_whole(path: Path, data: bytes) -> None:
    """``path`` holding ``data``, written whole (a part renamed over whatever is there, never through it)."""
    handle, part = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with open(handle, "wb") as stream:
            stream.write(data)
        os.chmod(part, 0o644)
        os.replace(part, path)
    finally:
        Path(part).unlink(missing_ok=True)


def _error(exc: OSError) -> str:
    return str(exc.strerror or exc)


def _fingerprint(root: Path) -> bytes:
    """What a cache is valid for: this file format, this Python, this dossier (every file of the package, its theme
    included), the versions of the packages it needs (Jinja, markdown-it-py and the rest make the pages) and the
    project's folder."""
    digest = hashlib.blake2b(digest_size=DIGEST)
    installed = _versions(DISTRIBUTION)
    for part in (
        MAGIC,
        sys.version.encode(),
        str(root.resolve()).encode("utf-8", "surrogateescape"),
        *map(str.encode, installed),
    ):
        digest.update(len(part).to_bytes(8, "big") + part)
    package = Path(__file__).parent
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        name, data = path.relative_to(package).as_posix().encode(), path.read_bytes()
        digest.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big") + data)
    return digest.digest()


def _versions(name: str) -> list[str]:
    """``name`` and the packages it needs, and theirs (not those of its extras), each with its installed version."""
    found: dict[str, str] = {}
    todo = [name]
    while todo:
        key = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if key in found:
            continue
        try:
            distribution = importlib.metadata.distribution(key)
        except importlib.metadata.PackageNotFoundError:
            found[key] = "absent"
            continue
        found[key] = distribution.version
        needs = (re.match(r"[A-Za-z0-9._-]+", need) for need in distribution.requires or () if "extra ==" not in need)
        todo += [need.group(0) for need in needs if need]
    return sorted(f"{key}=={version}" for key, version in found.items())


def _sign(key: bytes, fingerprint: bytes, body: bytes | memoryview) -> bytes:
    signature = hmac.new(key, fingerprint, hashlib.blake2b)
    signature.update(body)
    return signature.digest()[:DIGEST]


def key_path() -> Path:
    """Where the user's key for signing caches is kept."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dossier" / KEY_FILE


def _key(create: bool) -> bytes | None:
    """The user's key (made the first time when ``create``, or when the one there is not a file of this user's that
    only they can read), or None when there is none to trust."""
    path = key_path()
    try:
        found = os.lstat(path)
        key = (
            path.read_bytes()
            if stat.S_ISREG(found.st_mode) and found.st_uid == os.getuid() and not found.st_mode & 0o077
            else b""
        )
    except OSError:
        key = b""
    if len(key) == DIGEST or not create:
        return key if len(key) == DIGEST else None
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, part = tempfile.mkstemp(prefix=f".{KEY_FILE}.", dir=path.parent)  # readable by its owner alone
    try:
        with open(handle, "wb") as stream:
            stream.write(secrets.token_bytes(DIGEST))
        try:
            os.link(part, path)  # whole, and never over a key another preview made meanwhile
        except FileExistsError:
            if _key(create=False) is None:  # one not to trust (cut short by a full disk, readable by others): replaced
                os.replace(part, path)
    finally:
        Path(part).unlink(missing_ok=True)
    return _key(create=False)


def _stamps(out: Path, paths: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """Each file's stamp in ``out`` (size, modification and change times, inode); a missing one has none."""
    stamps: dict[str, tuple[int, ...]] = {}
    prefix = os.path.join(out, "")
    for path in paths:
        try:
            found = os.stat(prefix + path)
        except OSError:
            continue
        stamps[path] = stamp(found)
    return stamps


def _shown(root: Path, path: Path) -> str:
    """``path`` as the user sees it: relative to the project's folder when inside it (not resolved: the cache folder
    may be a link, said as such), with a trailing "/"."""
    try:
        return path.relative_to(root.absolute()).as_posix() + "/"
    except ValueError:
        return f"{path}/"
