"""Recording: which parts of the site model each page reads, so that a rebuild renders only the pages whose inputs
changed.

Templates see the model through :class:`RecordingSite`, a read-only stand-in that notes every path they read:
``site.event["x"]`` is the path ``("event", "x")``, ``site.events`` is ``("events",)``, iterating
``site.tags.items()`` is ``("tags",)``. After a rebuild, a page must be rendered again when a path it read has a
different value in the new model (compared with ``==``, which is cheap where unchanged records are the same
objects), when its own variables differ, or when a template changed. Recording happens where things are read
(as Lektor does), never by a list kept by hand, so it cannot miss a dependency a template adds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import compress
from operator import is_not
from typing import Any

Path_ = tuple[Any, ...]
_MISSING = object()
LENGTH = "<length>"  # (*path, LENGTH): the length of the tuple at path
TEMPLATE = "<template>"  # (TEMPLATE, name): the page loaded that template (no attribute of the model has this name)


class Recorder:
    """The paths read by the page (or partial) being rendered: a stack of sets, the innermost collecting; and one
    recording view per path, so that a partial given ``site.tags`` twice sees the same object (see ``fragments``)."""

    def __init__(self) -> None:
        self.stack: list[set[Path_]] = []
        self.views: dict[Path_, Any] = {}

    def note(self, path: Path_) -> None:
        if self.stack:
            self.stack[-1].add(path)

    def push(self) -> None:
        self.stack.append(set())

    def pop(self) -> frozenset[Path_]:
        """End the innermost recording and return what it read; the enclosing one read all of it too."""
        read = frozenset(self.stack.pop())
        if self.stack:
            self.stack[-1].update(read)
        return read

    def add(self, paths: Iterable[Path_]) -> None:
        """What a reused partial read, as if it had been rendered again here."""
        if self.stack:
            self.stack[-1].update(paths)


class RecordingMap(Mapping[Any, Any]):
    """A mapping of the model seen through a recorder: reading one key notes that key, anything else the whole map."""

    __slots__ = ("_data", "_path", "_recorder")

    def __init__(self, data: Mapping[Any, Any], path: Path_, recorder: Recorder) -> None:
        self._data, self._path, self._recorder = data, path, recorder

    def __getitem__(self, key: Any) -> Any:
        return _read(self._data[key], (*self._path, key), self._recorder)

    def get(self, key: Any, default: Any = None) -> Any:
        if key not in self._data:
            self._recorder.note((*self._path, key))
            return default
        return _read(self._data[key], (*self._path, key), self._recorder)

    def __contains__(self, key: object) -> bool:
        self._recorder.note((*self._path, key))
        return key in self._data

    def __iter__(self) -> Iterator[Any]:
        self._recorder.note(self._path)
        return iter(self._data)

    def __len__(self) -> int:
        self._recorder.note(self._path)
        return len(self._data)

    def keys(self) -> Any:
        self._recorder.note(self._path)
        return self._data.keys()

    def values(self) -> Any:
        self._recorder.note(self._path)
        return self._data.values()

    def items(self) -> Any:
        self._recorder.note(self._path)
        return self._data.items()


class RecordingTuple(Sequence[Any]):
    """A tuple of the model seen through a recorder: its length is one path (``(*path, LENGTH)``), so a page that
    shows how many events there are does not depend on each of them; anything else reads the whole tuple."""

    __slots__ = ("_data", "_path", "_recorder")

    def __init__(self, data: tuple[Any, ...], path: Path_, recorder: Recorder) -> None:
        self._data, self._path, self._recorder = data, path, recorder

    def __len__(self) -> int:
        self._recorder.note((*self._path, LENGTH))
        return len(self._data)

    def __bool__(self) -> bool:
        self._recorder.note((*self._path, LENGTH))
        return bool(self._data)

    def __getitem__(self, index: Any) -> Any:
        self._recorder.note(self._path)
        return self._data[index]

    def __iter__(self) -> Iterator[Any]:
        self._recorder.note(self._path)
        return iter(self._data)

    def __reversed__(self) -> Iterator[Any]:
        self._recorder.note(self._path)
        return reversed(self._data)

    def __contains__(self, value: object) -> bool:
        self._recorder.note(self._path)
        return value in self._data


def _read(value: Any, path: Path_, recorder: Recorder) -> Any:
    """A value read at ``path``: a mapping or tuple as a recording view (what is read of it is noted as it is read,
    so ``site.search["article"][id]`` depends on that entry, not on every article's), anything else noted whole."""
    if not isinstance(value, (Mapping, tuple)):
        recorder.note(path)
        return value
    return _wrap(value, path, recorder)


def _wrap(value: Any, path: Path_, recorder: Recorder) -> Any:
    if not isinstance(value, (Mapping, tuple)):
        return value
    view = recorder.views.get(path)
    if view is None or view._data is not value:
        view = RecordingMap(value, path, recorder) if isinstance(value, Mapping) else RecordingTuple(value, path, recorder)
        recorder.views[path] = view
    return view


class RecordingSite:
    """The site model as templates see it while their reads are recorded (attributes only; the model is frozen)."""

    __slots__ = ("_recorder", "_site")

    def __init__(self, site: Any, recorder: Recorder) -> None:
        object.__setattr__(self, "_site", site)
        object.__setattr__(self, "_recorder", recorder)

    def __getattr__(self, name: str) -> Any:
        return _read(getattr(self._site, name), (name,), self._recorder)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("the site model is read-only")

    @property
    def recorder(self) -> Recorder:
        return self._recorder

    def close(self) -> None:
        """Let go of the model and the recorder once the pages are rendered: Jinja's contexts and macros make cycles
        that hold this object, and the model (a large one) should be freed when the session replaces it, not when
        the cyclic GC next runs over the whole heap."""
        object.__setattr__(self, "_site", None)
        self._recorder.views.clear()

    @property
    def model(self) -> Any:
        """The site model itself (for code that must not be recorded)."""
        return self._site


def _walk(value: Any, path: Path_) -> Any:
    """The value at ``path[1:]`` under ``value`` (the model's attribute ``path[0]``)."""
    try:
        for key in path[1:]:
            if value is _MISSING:
                break
            value = len(value) if key == LENGTH else value[key]
    except (KeyError, IndexError, TypeError):
        return _MISSING
    return value


class Changes:
    """Which recorded paths have another value in the new model than in the old one (each path compared once), or
    name a template whose source changed."""

    def __init__(self, old: Any, new: Any, templates: Iterable[str] = ()) -> None:
        self.old, self.new = old, new
        self.known: dict[Path_, bool] = {(TEMPLATE, name): True for name in templates}
        self.moved: dict[Path_, set[Any] | None] = {}  # path of a mapping -> its keys whose values are not the same objects

    def changed(self, path: Path_) -> bool:
        known = self.known.get(path)
        if known is None:
            known = path[0] != TEMPLATE and not self._same_object(path) and self._differs(path)
            self.known[path] = known
        return known

    def _same_object(self, path: Path_) -> bool:
        """Whether a mapping on the way to ``path`` holds the very same object, in both models, at the next key (an
        unchanged record, or what the model reused for one), or holds that key in neither: then nothing under it
        changed."""
        for depth in range(1, len(path)):
            moved = self.moved_keys(*path[:depth])
            if moved is None:
                return False
            if path[depth] not in moved:
                return True
        return False

    def moved_keys(self, *prefix: Any) -> set[Any] | None:
        """The keys of the model's mapping at ``prefix`` (an attribute's name, then keys) whose values are not the same
        objects in both models, a key in one of them only included (None when it is not a mapping in both); found once
        per prefix. A key in neither is not among them: nothing is under it in either model."""
        if prefix not in self.moved:
            before = _walk(getattr(self.old, prefix[0], _MISSING), prefix)
            after = _walk(getattr(self.new, prefix[0], _MISSING), prefix)
            self.moved[prefix] = _moved(before, after) if isinstance(before, Mapping) and isinstance(after, Mapping) else None
        return self.moved[prefix]

    def _differs(self, path: Path_) -> bool:
        before, after = _walk(getattr(self.old, path[0], _MISSING), path), _walk(getattr(self.new, path[0], _MISSING), path)
        return before is not after and bool(before != after)


def _moved(before: Mapping[Any, Any], after: Mapping[Any, Any]) -> set[Any]:
    """The keys whose values are not the same objects in ``before`` and ``after`` (or that only one of them has)."""
    if before is after:
        return set()
    if isinstance(before, dict) and isinstance(after, dict) and len(before) == len(after) and list(before) == list(after):
        # the same keys in the same order (the usual save): compared without a Python loop over them
        return set(compress(after, map(is_not, after.values(), before.values())))
    return {key for key, value in after.items() if before.get(key, _MISSING) is not value} | (before.keys() - after.keys())


WHOLE = "<whole>"  # the key under which Readers files a path of one name (an attribute read whole)


class Readers:
    """Which pages read each recorded path, kept in step with what each page last read: a rebuild compares each
    path once (tens of thousands on a large dossier) rather than every page's reads (hundreds of thousands), and
    only the paths under keys whose values moved (a handful, after the usual save)."""

    def __init__(self) -> None:
        # the path's first name -> its second (WHOLE for a path of one name) -> path -> the pages that read it
        self.groups: dict[Any, dict[Any, dict[Path_, set[str]]]] = {}
        self.reads: dict[str, frozenset[Path_]] = {}

    @property
    def pages(self) -> dict[Path_, set[str]]:
        """Every path, with the pages that read it."""
        return {path: pages for group in self.groups.values() for paths in group.values() for path, pages in paths.items()}

    def sync(self, reads: Mapping[str, frozenset[Path_]]) -> None:
        """Make the index say what ``reads`` (page -> the paths it read) says; a page whose reads are the same
        object as before costs one lookup."""
        for page in [page for page in self.reads if page not in reads]:
            self._set(page, frozenset())
            del self.reads[page]
        for page, paths in reads.items():
            if self.reads.get(page) is not paths:
                self._set(page, paths)

    def _set(self, page: str, paths: frozenset[Path_]) -> None:
        old = self.reads.get(page, frozenset())
        for path in old - paths:
            group = self.groups[path[0]]
            key = path[1] if len(path) > 1 else WHOLE
            readers = group[key][path]
            readers.discard(page)
            if not readers:
                del group[key][path]
                if not group[key]:
                    del group[key]
                    if not group:
                        del self.groups[path[0]]
        for path in paths - old:
            key = path[1] if len(path) > 1 else WHOLE
            self.groups.setdefault(path[0], {}).setdefault(key, {}).setdefault(path, set()).add(page)
        self.reads[page] = paths

    def touched(self, changes: Changes) -> set[str]:
        """The pages that read a path whose value changed."""
        touched: set[str] = set()
        for name, group in self.groups.items():
            moved = changes.moved_keys(name) if name != TEMPLATE else None
            keys = list(group) if moved is None else [key for key in (*moved, WHOLE) if key in group]
            for key in keys:  # under any other key, the same object in both models: nothing under it changed
                for path, pages in group[key].items():
                    if len(path) > 2 and moved is not None:  # one level down (site.search["event"][id])
                        inner = changes.moved_keys(*path[:2])
                        if inner is not None and path[2] not in inner:
                            continue
                    if changes.changed(path):
                        touched |= pages
        return touched
