"""Load: read a project's files into plain data that remembers where every value came from.

This is the input edge of the pipeline. It finds ``content/dossier.yaml`` and the
files of every record type in its folder (``content/events/*.yaml``,
``content/articles/*.md``, ...; anything else in ``content/`` is a warning), decodes them as UTF-8, splits front
matter from the Markdown body and parses the YAML safely (see ``yamldoc``). Nothing is interpreted here; problems
are returned, never raised.

Only files inside the project are read, and only regular ones (see ``files``): a link
that leads out of the project, a FIFO, a device or a socket is a located error and is
never opened.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dossier.errors import Location, Problem
from dossier.files import Unreadable, entries, inside, lstat, names, read_file, relative, stamp, template_problems
from dossier.project import DOSSIER_FILE, RAW, ignored, stray_problems
from dossier.registry import RecordType, record_types
from dossier.source import SourceFile
from dossier.yamldoc import parse_yaml

RECENT_NS = 2_000_000_000  # a file changed this recently (ns) is read again even when its stat looks the same


@dataclass(frozen=True)
class Loaded:
    """What a file gave when it was last read: its stat, bytes and kind, its SourceFile and problems."""

    stamp: tuple[int, ...]  # (size, mtime_ns, ctime_ns, inode): a file with the same stamp is not read again
    raw: bytes
    kind: str
    source: SourceFile
    problems: tuple[Problem, ...]


FileCache = dict[str, Loaded]  # path -> what it gave when last read


@dataclass(frozen=True)
class Project:
    """Everything read from disk: the record files and the names of the raw captures."""

    root: Path
    files: tuple[SourceFile, ...]
    raw_names: frozenset[str]
    changed: Mapping[str, int] = field(default_factory=dict)  # file path -> its last change (see last_change)


def load_project(
    root: Path, types: Iterable[RecordType] | None = None, cache: FileCache | None = None
) -> tuple[Project, list[Problem]]:
    """Read ``content/dossier.yaml`` and every record file of every record type; return them with every problem found.

    With a ``cache`` (a preview keeps one across saves), a file whose size, times and inode have not changed is
    not read again, and one whose bytes have not changed is not parsed again: its SourceFile and problems are the
    ones it gave before. A file changed in the last two seconds is always read (its times may not have moved yet
    when it is written twice within a clock tick).
    """
    types = record_types() if types is None else list(types)
    problems: list[Problem] = stray_problems(root, [t.folder for t in types])
    files: list[SourceFile] = []
    changed: dict[str, int] = {}
    folders: dict[str, bool] = {}  # folder -> inside the project (its real path), for this load
    dossier_path = root / DOSSIER_FILE
    if os.path.lexists(dossier_path):
        files.append(_load_file(root, dossier_path, "dossier", False, problems, cache, folders, changed))
    else:
        problems.append(Problem(Location(DOSSIER_FILE), _missing_dossier(root / "content")))
    for record_type in types:
        files += _load_folder(root, record_type, problems, cache, folders, changed)
    raw_dir = root / RAW
    raw_names = frozenset(p.name for p in entries(root, raw_dir, problems) if p.is_file()) if raw_dir.is_dir() else frozenset()
    problems.extend(template_problems(root))
    clamp = source_date_epoch()
    changed = {f.path: clamped(changed[f.path], clamp) if f.path in changed else last_change(root / f.path, clamp) for f in files}
    return Project(root, tuple(files), raw_names, changed), problems


def _load_folder(
    root: Path,
    record_type: RecordType,
    problems: list[Problem],
    cache: FileCache | None,
    folders: dict[str, bool],
    changed: dict[str, int],
) -> list[SourceFile]:
    """The files of one record type's folder, in name order. Names are handled as strings, not paths: a preview's
    save goes over every file (one ``lstat`` each), and a file unchanged since it was read costs nothing more."""
    folder = f"content/{record_type.folder}"
    directory = root / folder
    if not directory.is_dir():
        return []
    base, files = str(directory) + os.sep, []
    home = inside(root, base, folders)  # the folder is inside the project (its real path), so are its regular files
    for name in names(root, directory, problems):
        if ignored(name):
            continue
        info = lstat(base + name)
        regular = info is not None and stat.S_ISREG(info.st_mode)
        if not regular and os.path.isdir(base + name):
            problems.append(
                Problem(
                    Location(f"{folder}/{name}"),
                    f"folders are not read: {record_type.name} files go directly in {folder}/; move the files in it up",
                )
            )
            continue
        if not name.endswith(record_type.suffixes):  # as Path.suffix reads it (no name here starts with a dot)
            wanted = " or ".join(record_type.suffixes)
            problems.append(
                Problem(
                    Location(f"{folder}/{name}"),
                    f"unexpected file in {folder}/: {record_type.name} files end in {wanted}; rename or remove it",
                )
            )
            continue
        known = cache.get(f"{folder}/{name}") if cache is not None and regular else None
        if known is not None and info is not None and home and _unchanged(known, record_type.name, info):
            changed[f"{folder}/{name}"] = int(info.st_mtime)
            problems.extend(known.problems)
            files.append(known.source)
            continue
        path = directory / name
        files.append(_load_file(root, path, record_type.name, record_type.body, problems, cache, folders, changed, info))
    return files


def _unchanged(known: Loaded, kind: str, info: os.stat_result) -> bool:
    """Whether a file read before as ``known`` is unchanged by its stat (and not changed too recently to tell)."""
    now = stamp(info)
    return known.stamp == now and known.kind == kind and time.time_ns() - info.st_mtime_ns > RECENT_NS


def source_date_epoch(environ: Mapping[str, str] = os.environ) -> int | None:
    """``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC), the reproducible-builds convention, when set to a number."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def last_change(path: Path, clamp: int | None = None) -> int:
    """When a record last changed: its file's modification time (whole seconds since 1970, UTC), clamped to
    ``clamp`` (``SOURCE_DATE_EPOCH``) when given, so that a build of the same files says the same thing."""
    try:
        seconds = int(path.stat().st_mtime)
    except OSError:
        seconds = 0  # unreadable: load reports it
    return clamped(seconds, clamp)


def clamped(seconds: int, clamp: int | None) -> int:
    return min(seconds, clamp) if clamp is not None else seconds


def _missing_dossier(content: Path) -> str:
    if content.is_dir():
        return "content/dossier.yaml not found; write the dossier's title, as_of date and summary in it (dossier reference)"
    return "content/dossier.yaml not found (no content/ folder here); run dossier init to start a project, or pass -C DIR"


def _load_file(
    root: Path,
    path: Path,
    kind: str,
    front_matter: bool,
    problems: list[Problem],
    cache: FileCache | None = None,
    folders: dict[str, bool] | None = None,
    changed: dict[str, int] | None = None,
    info: os.stat_result | None = None,  # the file's lstat, when the caller has it
) -> SourceFile:
    rel = relative(root, path)
    record_id = "dossier" if kind == "dossier" else path.stem
    known = cache.get(rel) if cache is not None else None
    info = _regular_stat(root, path, folders, info) if cache is not None else None
    if info is not None and changed is not None:
        changed[rel] = int(info.st_mtime)
    seen = stamp(info) if info is not None else ()
    if known is not None and info is not None and _unchanged(known, kind, info):
        problems.extend(known.problems)
        return known.source  # not changed since it was read
    try:
        raw = read_file(root, path, folders)
    except Unreadable as exc:
        problems.append(Problem(Location(rel), str(exc)))
        return SourceFile(rel, kind, record_id)
    except OSError as exc:
        problems.append(Problem(Location(rel), f"cannot read the file ({exc.strerror}); fix or remove it"))
        return SourceFile(rel, kind, record_id)
    if known is not None and known.raw == raw and known.kind == kind:  # the same bytes: the same file, parsed once
        problems.extend(known.problems)
        if cache is not None:
            cache[rel] = dataclasses.replace(known, stamp=seen)
        return known.source
    before = len(problems)
    source = _parse_file(rel, raw, kind, record_id, front_matter, problems)
    if cache is not None:
        cache[rel] = Loaded(seen, raw, kind, source, tuple(problems[before:]))
    return source


def _regular_stat(
    root: Path, path: Path, folders: dict[str, bool] | None, info: os.stat_result | None = None
) -> os.stat_result | None:
    """The stat of a regular file inside the project (not a link), or None."""
    info = info if info is not None else lstat(path)
    if info is None or folders is None or not stat.S_ISREG(info.st_mode) or not inside(root, path, folders):
        return None
    return info


def _parse_file(rel: str, raw: bytes, kind: str, record_id: str, front_matter: bool, problems: list[Problem]) -> SourceFile:
    text = decode(rel, raw, problems)
    if text is None:
        return SourceFile(rel, kind, record_id)
    if not text.strip():
        problems.append(Problem(Location(rel), f"file is empty; write the {kind}'s keys in it or delete it"))
        return SourceFile(rel, kind, record_id)
    body, body_line, offset = "", 1, 0
    if front_matter:
        split = split_front_matter(rel, text, problems)
        if split is None:
            return SourceFile(rel, kind, record_id)
        text, body, body_line = split
        offset = 1
    before = len(problems)
    data, positions, key_positions, blocks = parse_yaml(rel, text, problems, line_offset=offset)
    if data is None and len(problems) == before:
        what = "front matter has" if front_matter else "file has"
        problems.append(
            Problem(
                Location(rel, 1 + offset),
                f"the {what} no keys (only comments or an empty document); write the {kind}'s keys or delete the file",
            )
        )
    return SourceFile(rel, kind, record_id, data, positions, key_positions, blocks, body, body_line)


def decode(rel: str, raw: bytes, problems: list[Problem]) -> str | None:
    """UTF-8 text with newlines normalised and a BOM removed, or None with a problem naming the bad byte."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(
            Problem(
                Location(rel, line, column), f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it with UTF-8 encoding"
            )
        )
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(rel: str, text: str, problems: list[Problem]) -> tuple[str, str, int] | None:
    """Split ``---``-fenced YAML front matter from the body: (yaml, body, first body line)."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        problems.append(
            Problem(Location(rel), "the file must start with front matter: a line '---', the YAML keys, then another '---'")
        )
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]) + "\n", "\n".join(lines[index + 1 :]), index + 2
    problems.append(Problem(Location(rel), "front matter is not closed: add a line '---' after the last key"))
    return None
