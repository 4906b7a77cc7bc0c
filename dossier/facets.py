"""Facets: what a list of events can be narrowed by (the timeline's filters, and each actor's), with counts. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
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


def facets(
    events: Sequence[Event], actors: Mapping[str, Actor], exclude: str = "", rank: Mapping[str, Any] | None = None
) -> Facets:
    """The actors (but ``exclude``), tags, statuses and kinds of ``events``, with how many events each has (actors
    with as many in ``rank`` order: by name)."""
    rank = rank if rank is not None else {a.id: (a.name.casefold(), a.id) for a in actors.values()}
    named = Counter(a for e in events for a in dict.fromkeys(e.actors) if a != exclude)
    tags = Counter(t for e in events for t in dict.fromkeys(e.tags))
    statuses = Counter(e.status for e in events)
    kinds = Counter(e.kind for e in events)
    return Facets(
        tuple((actors[a], n) for a, n in sorted(named.items(), key=lambda kv: (-kv[1], rank[kv[0]]))),
        tuple(sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))),
        tuple((s, statuses[s]) for s in STATUSES if statuses[s]),
        tuple((k, kinds[k]) for k in EVENT_KINDS if kinds[k]),
    )
