"""Reuse: the order, timeline, neighbours and facets after a save are those made from scratch, made from the last
build's where the changed events allow it."""

from __future__ import annotations

import dataclasses

import pytest

from dossier import reuse
from dossier.chronology import chronological, timeline
from dossier.dates import PartialDate
from dossier.facets import facets
from dossier.i18n import ENGLISH
from dossier.memo import Memo
from dossier.records import Actor, Citation, Event
from dossier.reuse import chronological_order, neighbours_of, timeline_of, whole_facets

ACTORS = {"ann": Actor("ann", "Ann", "person"), "bo": Actor("bo", "Bo", "person")}
RANK = {a.id: (a.name.casefold(), a.id) for a in ACTORS.values()}


def event(event_id: str, date: PartialDate, **more: object) -> Event:
    return Event(event_id, event_id, date, "meeting", "confirmed", (Citation("a", "b"),), actors=("ann",), **more)  # type: ignore[arg-type]


def link(memo: Memo, events: list[Event]) -> tuple[tuple[Event, ...], bool, dict[str, object]]:
    """The reused parts of one build, as link_records makes them, then the memo readied for the next."""
    ordered, same = chronological_order(events, memo)
    fresh = memo.fresh("event", ordered)
    all_facets = whole_facets(memo, fresh, ACTORS, RANK, shaped=False)
    parts = {
        "timeline": timeline_of(ordered, ENGLISH, memo, fresh, same),
        "neighbours": neighbours_of(ordered, memo, fresh),
        "facets": all_facets,
    }
    memo.next_build()
    return ordered, same, parts


def scratch(events: list[Event]) -> dict[str, object]:
    ordered = chronological(events)
    return {
        "timeline": timeline(ordered),
        "neighbours": {
            e.id: (ordered[i - 1] if i else None, ordered[i + 1] if i + 1 < len(ordered) else None) for i, e in enumerate(ordered)
        },
        "facets": facets(ordered, ACTORS, rank=RANK),
    }


def test_a_title_keeps_the_order_and_an_added_or_moved_event_is_placed_as_from_scratch(monkeypatch) -> None:
    memo, whole = Memo(), reuse.ordered
    events = [event("a", PartialDate(2022, 1, 5)), event("b", PartialDate(2022, 2)), event("c", PartialDate(2022, 3, 1))]
    link(memo, events)
    events[1] = dataclasses.replace(events[1], title="Renamed")  # a title: the same order, the parts patched
    ordered, same, parts = link(memo, events)
    assert same and parts == scratch(events) and ordered[1].title == "Renamed"
    events.append(event("d", PartialDate(2022, 1, 20), tags=("new",)))  # added between a and b
    events[0] = dataclasses.replace(events[0], date=PartialDate(2022, 3, 9))  # moved to the end
    monkeypatch.setattr(reuse, "ordered", lambda events: pytest.fail("ordered from scratch"))
    ordered, same, parts = link(memo, events)
    monkeypatch.setattr(reuse, "ordered", whole)
    assert not same and [e.id for e in ordered] == ["d", "b", "c", "a"] and parts == scratch(events)
    events.append(event("e", PartialDate(2022, 2, 2), after=("b",)))  # after one known only to the month: declined
    ordered, same, parts = link(memo, events)
    assert [e.id for e in ordered] == [e.id for e in chronological(events)] and parts == scratch(events)
