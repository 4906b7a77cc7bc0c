"""Memo: results of the model's costly pure functions, kept from one build of a session to the next.

An unchanged record is the same object in a session's next build (see ``build.Session``), so a function of records
called again with the same objects gives the same result, and the result can be used again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """Results of the model's costly pure functions, kept from one build of a session to the next and used again when
    a function is called with the same objects (an unchanged record is the same object in the next build, see
    ``build.Session``). An argument is keyed by identity (a tuple by its items'), or by value when it comes wrapped
    in :class:`ByValue`. The arguments are kept with the result, so no id in a key can be reused by another object;
    entries that neither this build nor the one before used are dropped."""

    def __init__(self) -> None:
        self.old: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        self.new: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        self.kept: dict[str, Mapping[str, Any]] = {}  # see same()
        self.kept_values: dict[str, dict[str, Any]] = {}  # see stable()
        self.results: dict[str, Any] = {}  # the last build's whole-dossier parts (and their inputs), to patch

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
        return kept

    def next_build(self) -> None:
        self.old, self.new = self.new, {}


class Once(Memo):
    """A memo for a build that no other follows (``dossier build``): it keeps no result for reuse, so that linking a
    large dossier does not also hold a key and an entry for every result (about 100 MB at 20,000 events)."""

    def __call__(self, function: Callable[..., T], *args: Any, still: Callable[[T], bool] | None = None) -> T:
        return function(*(arg.value if isinstance(arg, (ByValue, Unkeyed)) else arg for arg in args))

    def each(self, function: Callable[..., T], record: Any, *args: Any, still: bool = True) -> T:
        return function(record, *args)

    def same(self, name: str, values: Mapping[str, Any]) -> bool:
        return False

    def stable(self, name: str, values: dict[str, T]) -> dict[str, T]:
        return values


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
