"""Reuse: the model's whole-dossier parts made from the last build's in a session, from the records that changed.

The order of events, the timeline, each event's neighbours and the facets of every event are functions of every
event; after the usual save (a title, a text) they are the last build's with the changed events put in place, and
after an added event or a moved date the order is patched (``chronology.placed``) and the facets counted from the
changed events alone. Each is kept in ``Memo.results`` with the records it was made from, and made afresh when those
are not the last build's. Pure apart from the memo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dossier.chronology import Year, ordered, placed, timeline, with_events
from dossier.facets import Counts, Facets, counts, facets_of, updated
from dossier.i18n import Labels
from dossier.memo import Fresh, Memo
from dossier.records import Actor, Event


def whole_facets(memo: Memo, events: Fresh, actors: Mapping[str, Actor], rank: Mapping[str, Any], shaped: bool) -> Facets:
    """The facets of every event: the last build's after a save that changed no event's shape, and counted again
    from the changed events alone after one that did (an event added, a tag changed)."""
    before: Counts | None = memo.results.get("counts") if memo.results.get("counted") is events.before else None
    if shaped and before is not None:
        made, found = memo.results["facets"], before
    else:
        if before is None:
            found = counts(events.records)
        else:
            old = [events.before[key] for key in events.changed if key in events.before]
            found = updated(before, [*old, *events.gone], events.changed.values())
        made = facets_of(found, actors, rank)
    memo.results.update(facets=made, counts=found, counted=events.now)
    return made


def _shape(event: Event) -> tuple[Any, ...]:
    """What the facets and the overview's layout read of an event."""
    return (event.id, event.date, event.end, event.actors, event.tags, event.status, event.kind)


def same_shape(before: Sequence[Event] | None, events: Sequence[Event]) -> bool:
    """Whether ``events`` are, in order, events of the same shape as ``before`` (the same objects, mostly)."""
    return (
        before is not None
        and len(before) == len(events)
        and all(a is b or _shape(a) == _shape(b) for a, b in zip(before, events, strict=True))
    )


def _order_key(event: Event) -> tuple[Any, ...]:
    """What the chronological order reads of an event (with its id)."""
    return (event.date.year, event.date.month, event.date.day, event.time, event.after)


def chronological_order(events: Sequence[Event], memo: Memo) -> tuple[tuple[Event, ...], bool]:
    """The events in the site's order, and whether it is the last build's order: the same while no event was added or
    removed and no id, date, time or ``after`` changed (a title); the last build's with the moved events placed
    again while no event comes after one of them (see ``chronology.placed``); else found again."""
    files = memo.fresh("event files", events)
    order: tuple[str, ...] | None = memo.results.get("order")
    keys: dict[str, Any] | None = memo.results.get("order keys")
    moved = [key for key, e in files.changed.items() if key not in files.before or _order_key(e) != _order_key(files.before[key])]
    if order is not None and files.same_ids and not moved:
        return tuple(files.now[event_id] for event_id in order), True
    named = {before for e in events for before in e.after}
    old = [files.before[key] for key in moved if key in files.before] + list(files.gone)
    loose = [files.now[key] for key in moved]
    fits = (
        placed(order, keys, old, loose)
        if order is not None
        and keys is not None
        and not any(e.id in named for e in loose)  # no event comes after a moved one
        and not (memo.results.get("named", set()) & {e.id for e in old})
        else None
    )
    if fits is not None:
        order, keys = tuple(fits[0]), fits[1]
    else:
        events_in_order, keys = ordered(events)
        order = tuple(e.id for e in events_in_order)
    memo.results.update({"order": order, "order keys": keys, "named": named})
    return tuple(files.now[event_id] for event_id in order), False


def timeline_of(events: tuple[Event, ...], words: Labels, memo: Memo, fresh: Fresh, same: bool) -> tuple[Year, ...]:
    """The timeline; while the order and the labels are the last build's (``same``), the last build's with the changed
    events put in place (the grouping reads only the order and the dates, which that leaves as they were)."""
    before: tuple[Year, ...] | None = memo.results.get("timeline")
    if before is None or not same or memo.results.get("timeline of") is not fresh.before:
        made = timeline(events, words)
    elif not fresh.changed:
        made = before
    else:
        made = with_events(before, fresh.changed)
    memo.results.update({"timeline": made, "timeline of": fresh.now})
    return made


def neighbours_of(events: tuple[Event, ...], memo: Memo, fresh: Fresh) -> dict[str, tuple[Event | None, Event | None]]:
    """Each event's neighbours in the order; the last build's but around the events that changed, while the order is."""
    before: dict[str, tuple[Event | None, Event | None]] | None = memo.results.get("neighbours")
    if before is None or memo.results.get("neighbours of") is not fresh.before or not fresh.same_ids:
        made = {
            e.id: (events[i - 1] if i else None, events[i + 1] if i + 1 < len(events) else None) for i, e in enumerate(events)
        }
    else:
        made = dict(before)
        if fresh.changed:
            position = {event_id: i for i, event_id in enumerate(fresh.now)}
            for i in {j for key in fresh.changed for j in range(position[key] - 1, position[key] + 2) if 0 <= j < len(events)}:
                made[events[i].id] = (events[i - 1] if i else None, events[i + 1] if i + 1 < len(events) else None)
    memo.results.update({"neighbours": made, "neighbours of": fresh.now})
    return made
