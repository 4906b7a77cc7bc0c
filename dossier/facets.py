"""Facets: what a list of events can be narrowed by (the timeline's filters, and each actor's), with counts. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dossier.records import Actor, Event
from dossier.registry import EVENT_KINDS, STATUSES


@dataclass(frozen=True)
class Facets:
    """What a list of events can be narrowed by: its actors, tags, statuses and kinds, each with its count."""

    actors: tuple[tuple[Actor, int], ...]  # most events first (places included: an event's place narrows too)
    tags: tuple[tuple[str, int], ...]
    statuses: tuple[tuple[str, int], ...]  # in the registry's order
    kinds: tuple[tuple[str, int], ...]  # in the registry's order


@dataclass(frozen=True)
class Counts:
    """How many events name each actor and tag, and have each status and kind (what :class:`Facets` shows, unsorted)."""

    named: Counter[str]
    tags: Counter[str]
    statuses: Counter[str]
    kinds: Counter[str]


def counts(events: Iterable[Event], exclude: str = "") -> Counts:
    """The counts of ``events`` (each actor and tag once per event; ``exclude`` not counted)."""
    found = Counts(Counter(), Counter(), Counter(), Counter())
    _add(found, events, exclude)
    return found


def updated(before: Counts, removed: Iterable[Event], added: Iterable[Event]) -> Counts:
    """``before`` without the events ``removed`` and with those ``added``: the counts of the events after a save,
    from the events it changed (the old version removed, the new added)."""
    found = Counts(Counter(before.named), Counter(before.tags), Counter(before.statuses), Counter(before.kinds))
    _add(found, removed, "", -1)
    _add(found, added, "")
    return Counts(+found.named, +found.tags, +found.statuses, +found.kinds)  # no zero counts: as if counted afresh


def _add(counts: Counts, events: Iterable[Event], exclude: str, step: int = 1) -> None:
    for e in events:
        for a in dict.fromkeys(e.actors):
            if a != exclude:
                counts.named[a] += step
        for t in dict.fromkeys(e.tags):
            counts.tags[t] += step
        counts.statuses[e.status] += step
        counts.kinds[e.kind] += step


def facets_of(found: Counts, actors: Mapping[str, Actor], rank: Mapping[str, Any] | None = None) -> Facets:
    """The facets of these counts: actors by most events, then ``rank`` (by name); tags by most events, then tag."""
    rank = rank if rank is not None else {a.id: (a.name.casefold(), a.id) for a in actors.values()}
    return Facets(
        tuple((actors[a], found.named[a]) for a in by_count(found.named, rank)),
        tuple(sorted(found.tags.items(), key=lambda kv: (-kv[1], kv[0]))),
        tuple((s, found.statuses[s]) for s in STATUSES if found.statuses[s]),
        tuple((k, found.kinds[k]) for k in EVENT_KINDS if found.kinds[k]),
    )


def by_count(counts: Mapping[str, int], rank: Mapping[str, Any]) -> list[str]:
    """The keys of ``counts``, most first, then by ``rank``: two stable sorts keyed by C methods (a key function in
    Python, making a tuple per key, was a second of a 10,000-event model)."""
    return sorted(sorted(counts, key=rank.__getitem__), key=counts.__getitem__, reverse=True)


def facets(
    events: Sequence[Event], actors: Mapping[str, Actor], exclude: str = "", rank: Mapping[str, Any] | None = None
) -> Facets:
    """The actors (but ``exclude``), tags, statuses and kinds of ``events``, with how many events each has (actors
    with as many in ``rank`` order: by name)."""
    return facets_of(counts(events, exclude), actors, rank)
