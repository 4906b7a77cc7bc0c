"""Memo: results of the model's costly pure functions, kept from one build of a session to the next.

An unchanged record is the same object in a session's next build (see ``build.Session``), so a function of records
called again with the same objects gives the same result, and the result can be used again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """Results of the model's costly pure functions, kept from one build of a session to the next and used again when
    a function is called with the same objects (an unchanged record is the same object in the next build, see
    ``build.Session``). An argument is keyed by identity (a tuple by its items'), or by value when it comes wrapped
    in :class:`ByValue`. The arguments are kept with the result, so no id in a key can be reused by another object;
    entries that neither this build nor the one before used are dropped."""

    keeps = True  # whether by_record keeps its maps for the next build

    def __init__(self) -> None:
        self.old: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        self.new: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        self.kept: dict[str, Mapping[str, Any]] = {}  # see same()
        self.kept_values: dict[str, dict[str, Any]] = {}  # see stable()
        self.moved: dict[str, set[str]] = {}  # see stable(): the keys whose value is not the last build's object
        self.results: dict[str, Any] = {}  # the last build's whole-dossier parts (and their inputs), to patch
        self.records: dict[str, dict[str, Any]] = {}  # see fresh()
        self.maps: dict[str, tuple[Mapping[str, Any], dict[str, Any]]] = {}  # see by_record()
        self.linking = False  # a link has begun and not ended (see begin())

    def __call__(self, function: Callable[..., T], *args: Any, still: Callable[[T], bool] | None = None) -> T:
        """``function(*args)``, reused when it was called with the same objects (and ``still(result)`` holds: for a
        result that holds objects its arguments do not name, such as actors by id)."""
        key = (function, *(_identity(arg) for arg in args))
        hit = self.new.get(key) or self.old.get(key)
        if hit is not None and still is not None and not still(hit[1]):
            hit = None
        if hit is None:
            hit = (args, function(*(arg.value if isinstance(arg, (ByValue, Unkeyed)) else arg for arg in args)))
        self.new[key] = hit
        return hit[1]

    def each(self, function: Callable[..., T], record: Any, *args: Any, still: bool = True) -> T:
        """``function(record, *args)`` for one record, reused while the record is the same object and ``still`` holds
        (the caller's word that the other arguments are what they were): cheaper than a call keyed by every argument,
        for functions run once per record of a large dossier."""
        key = (function, id(record))
        hit = self.new.get(key) or self.old.get(key)
        if hit is None or hit[0][0] is not record or not still:
            hit = ((record,), function(record, *args))
        self.new[key] = hit
        return hit[1]

    def same(self, name: str, values: Mapping[str, Any]) -> bool:
        """Whether ``values`` holds the very objects it held in the last build (under the same ``name``)."""
        before = self.kept.get(name)
        self.kept[name] = values
        return before is not None and len(before) == len(values) and all(before.get(k) is v for k, v in values.items())

    def stable(self, name: str, values: dict[str, T]) -> dict[str, T]:
        """``values``, each equal to the one under the same key in the last build's ``name`` replaced by that one: so
        that a rebuild sees the same object where nothing changed (a tuple of the same events, made again)."""
        before = self.kept_values.get(name, {})
        kept = {key: old if (old := before.get(key, value)) is value or old == value else value for key, value in values.items()}
        self.kept_values[name] = kept
        self.moved[name] = {key for key, value in kept.items() if before.get(key) is not value} | (before.keys() - kept.keys())
        return kept

    def fresh(self, kind: str, records: Sequence[Any]) -> Fresh:
        """``records`` (each with an ``id``) against those given under the same ``kind`` in the last build."""
        now = {record.id: record for record in records}
        before = self.records.get(kind, {})
        self.records[kind] = now
        changed = {record.id: record for record in records if before.get(record.id) is not record}
        same_ids = len(before) == len(now) and list(before) == list(now)
        gone = () if same_ids else tuple(record for key, record in before.items() if key not in now)
        return Fresh(tuple(records), now, before, changed, gone, same_ids)

    def by_record(
        self,
        name: str,
        function: Callable[..., T],
        records: Fresh,
        *args: Any,
        still: bool = True,
        also: Collection[str] = (),
    ) -> dict[str, T]:
        """``{record.id: function(record, *args) for record in records.records}``, made from the last build's map under
        ``name`` while ``still`` holds (the caller's word that ``args`` are what they were): only the new and changed
        records, and those whose id is in ``also`` (their value depends on other records that changed), are given to
        ``function``. A save then costs what the records it changed cost, not what every record does."""
        kept = self.maps.get(name)
        values: dict[str, Any] | None = kept[1] if kept is not None and kept[0] is records.before and still else None
        result: dict[str, Any]
        if values is None:
            result = {record.id: function(record, *args) for record in records.records}
        else:  # the last build's values in this build's order (a new id's None is replaced below), then the changed
            result = dict(values) if records.same_ids else dict(zip(records.now, map(values.get, records.now), strict=True))
            for key, record in records.changed.items():
                result[key] = function(record, *args)
            for key in also:
                if key in records.now and key not in records.changed:
                    result[key] = function(records.now[key], *args)
        if self.keeps:
            self.maps[name] = (records.now, result)
        return result

    def begin(self) -> None:
        """A model is being linked. After one that did not end (an exception) the memo starts afresh: what it noted
        at the start of that link (``same``, ``fresh``) would otherwise vouch for results it never stored."""
        if self.linking:
            self.__init__()  # type: ignore[misc]
        self.linking = True

    def end(self) -> None:
        """The model was linked: every part of it noted."""
        self.linking = False

    def rekey(self) -> None:
        """Key every result by its arguments' ids again (after unpickling, see ``cache``: the arguments are kept with
        each result, the same objects as the records they were, with new ids)."""
        for name in ("old", "new"):
            entries: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = getattr(self, name)
            setattr(self, name, {(key[0], *map(_identity, hit[0])): hit for key, hit in entries.items()})

    def next_build(self) -> None:
        self.old, self.new = self.new, {}


class Once(Memo):
    """A memo for a build that no other follows (``dossier build``): it keeps no result for reuse, so that linking a
    large dossier does not also hold a key and an entry for every result (about 100 MB at 20,000 events)."""

    keeps = False

    def __call__(self, function: Callable[..., T], *args: Any, still: Callable[[T], bool] | None = None) -> T:
        return function(*(arg.value if isinstance(arg, (ByValue, Unkeyed)) else arg for arg in args))

    def each(self, function: Callable[..., T], record: Any, *args: Any, still: bool = True) -> T:
        return function(record, *args)

    def same(self, name: str, values: Mapping[str, Any]) -> bool:
        return False

    def stable(self, name: str, values: dict[str, T]) -> dict[str, T]:
        return values

    def fresh(self, kind: str, records: Sequence[Any]) -> Fresh:
        now = {record.id: record for record in records}
        return Fresh(tuple(records), now, {}, now, (), False)


@dataclass(frozen=True)
class Fresh:
    """One kind of record in this build, against the last build's (see :meth:`Memo.fresh`)."""

    records: tuple[Any, ...]  # this build's, in the model's order
    now: Mapping[str, Any]  # this build's, by id
    before: Mapping[str, Any]  # the last build's, by id
    changed: Mapping[str, Any]  # this build's records that are not the last build's object under their id (new ones too)
    gone: tuple[Any, ...]  # the last build's records whose id is no longer here
    same_ids: bool  # the same ids in the same order as the last build

    @property
    def edited(self) -> list[str]:
        """The ids of the records changed, added or removed since the last build (none in a session's first)."""
        return [*self.changed, *(record.id for record in self.gone)] if self.before else []


@dataclass(frozen=True)
class ByValue:
    """A memo argument compared by value (it must be hashable), not by identity."""

    value: Any


@dataclass(frozen=True, eq=False)
class Unkeyed:
    """A memo argument that is not part of the key (a lookup table made anew each build): the result must be checked
    with ``still`` instead."""

    value: Any


def _identity(arg: Any) -> Any:
    if isinstance(arg, ByValue):
        return arg
    if isinstance(arg, Unkeyed):
        return None
    if isinstance(arg, tuple):
        return tuple(map(id, arg))
    return id(arg)
