"""Facets: a list of events narrowed by actor, tag, status and kind, each counted, in a fixed order."""

from __future__ import annotations

from dossier.dates import PartialDate
from dossier.facets import by_count, counts, facets, facets_of, updated
from dossier.records import Actor, Citation, Event

ACTORS = {a.id: a for a in (Actor("ann", "Ann", "person"), Actor("bo", "Bo", "person"), Actor("cy", "Cy", "state"))}


def event(event_id: str, actors: tuple[str, ...], tags: tuple[str, ...], status: str = "confirmed") -> Event:
    return Event(event_id, event_id, PartialDate(2022), "meeting", status, (Citation("a", "b"),), actors=actors, tags=tags)


def test_facets_count_each_event_once_most_first_then_by_name_statuses_in_the_registry_order() -> None:
    events = [
        event("one", ("cy", "bo", "bo"), ("talks", "aid")),
        event("two", ("bo", "ann"), ("talks",), "reported"),
        event("three", ("ann", "cy"), ("aid", "aid"), "disputed"),
    ]
    found = facets(events, ACTORS)
    assert [(a.id, n) for a, n in found.actors] == [("ann", 2), ("bo", 2), ("cy", 2)]
    assert found.tags == (("aid", 2), ("talks", 2))
    assert found.statuses == (("confirmed", 1), ("reported", 1), ("disputed", 1))
    assert found.kinds == (("meeting", 3),)
    assert [(a.id, n) for a, n in facets(events, ACTORS, exclude="ann").actors] == [("bo", 2), ("cy", 2)]


def test_counts_updated_from_the_changed_events_are_the_counts_made_afresh() -> None:
    one, two, three = event("one", ("ann", "bo"), ("aid",)), event("two", ("bo",), ("talks",)), event("three", ("cy",), ())
    before = counts([one, two, three])
    two_now = event("two", ("cy", "ann"), ("aid",), "disputed")  # its actors, tag and status changed
    four = event("four", ("ann",), ("talks",), "reported")
    after = updated(before, [two, three], [two_now, four])  # three removed, four added
    assert after == counts([one, two_now, four])
    assert "bo" in after.named and "talks" in after.tags and "confirmed" in after.statuses
    assert after.named["cy"] == 1 and after.named["bo"] == 1 and after.statuses["disputed"] == 1
    gone = updated(after, [four], [])
    assert "reported" not in gone.statuses and "talks" not in gone.tags  # no zero counts left behind
    assert facets_of(gone, ACTORS) == facets([one, two_now], ACTORS)


def test_by_count_orders_most_first_then_by_rank() -> None:
    counts = {"b": 2, "a": 2, "c": 5, "d": 1}
    rank = {"a": ("zed", "a"), "b": ("alpha", "b"), "c": ("mid", "c"), "d": ("alpha", "d")}
    assert by_count(counts, rank) == ["c", "b", "a", "d"]
    assert by_count(counts, rank) == [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], rank[kv[0]]))]
