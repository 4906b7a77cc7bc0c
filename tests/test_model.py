"""Model: chronological order, cross-links between actors, events and articles, cited passages."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier import model, reuse
from dossier.build import BuildReport, Session
from dossier.dates import PartialDate
from dossier.model import link_records
from dossier.records import Actor, Article, Citation, Dossier, Event, Records, Role
from tests.helpers import sample_copy


def event(
    event_id: str, date: PartialDate, actors: tuple[str, ...] = (), quote: str = "Alpha met Beta", tags: tuple[str, ...] = ()
) -> Event:
    return Event(event_id, event_id.title(), date, "meeting", "confirmed", (Citation("art", quote),), actors=actors, tags=tags)


ACTORS = (
    Actor("alpha", "Alpha Person", "person", aliases=("Alpha",)),
    Actor("beta", "Beta", "state", roles=(Role("Chief", source=Citation("art", "Beta met Gamma")),)),
    Actor("gamma", "Gamma Group", "organization"),
    Actor("delta", "Delta", "place"),
)
ARTICLE = Article(
    "art",
    "A report",
    "Alpha met Beta. Beta met Gamma *again* later.\n\nNothing about Delta Force? No: Deltas.",
    published=PartialDate(2022, 3, 1),
)


def site_of(*events: Event):
    return link_records(Records(Dossier("T", PartialDate(2022), "S"), {"event": events, "actor": ACTORS, "article": (ARTICLE,)}))


def test_events_come_in_chronological_order_with_coarse_dates_closing_their_period() -> None:
    site = site_of(
        event("b-day", PartialDate(2022, 1, 1)),
        event("a-day", PartialDate(2022, 1, 1)),
        event("month", PartialDate(2022, 1)),
        event("year", PartialDate(2022)),
        event("earlier", PartialDate(2021, 12, 31)),
    )
    assert [e.id for e in site.events] == ["earlier", "a-day", "b-day", "month", "year"]
    assert [
        (y.year, [(m.label, [e.id for e in m.events], [e.id for e in m.undated]) for m in y.months]) for y in site.timeline
    ] == [
        (2021, [("December 2021", ["earlier"], [])]),
        (2022, [("January 2022", ["a-day", "b-day"], ["month"]), ("2022", [], ["year"])]),
    ]


def test_actor_events_and_who_they_appear_with_counted() -> None:
    site = site_of(
        event("one", PartialDate(2022, 1, 2), ("alpha", "beta")),
        event("two", PartialDate(2022, 1, 1), ("alpha", "beta", "gamma")),
        event("three", PartialDate(2022, 1, 3), ("gamma",), tags=("x",)),
    )
    assert [e.id for e in site.actor_events["alpha"]] == ["two", "one"]
    assert [(a.id, n) for a, n in site.co_actors["alpha"]] == [("beta", 2), ("gamma", 1)]
    assert [(a.id, n) for a, n in site.co_actors["gamma"]] == [("alpha", 1), ("beta", 1)]
    assert [e.id for e in site.tags["x"]] == ["three"]
    assert [a.id for a in site.key_actors[:2]] == ["alpha", "beta"]


def test_mentions_by_name_or_alias_as_whole_words() -> None:
    site = site_of(event("one", PartialDate(2022)))
    assert [a.id for a in site.mentions["art"]] == [
        "alpha",
        "beta",
        "delta",
    ]  # "Delta Force" names Delta; "Gamma" alone is not "Gamma Group"
    assert [a.id for a in site.mentioned_in["alpha"]] == ["art"]


def test_a_name_inside_a_longer_word_is_not_a_mention() -> None:
    article = Article("art", "A report", "The Deltas and Betamax and Alphabet.")
    actors = tuple(Actor(a.id, a.name, a.kind, a.aliases) for a in ACTORS)
    site = link_records(Records(Dossier("T", PartialDate(2022), "S"), {"actor": actors, "article": (article,)}))
    assert site.mentions["art"] == ()


def test_cited_passages_know_their_span_and_who_cites_them() -> None:
    site = site_of(event("one", PartialDate(2022), quote="Beta met Gamma again"))
    passages = site.passages["art"]
    assert [(p.anchor, p.block, p.start, p.end, p.cited_by, p.how) for p in passages] == [
        ("role-beta-1", 0, 16, 30, "actor", "role"),
        ("cite-one-1", 0, 16, 36, "event", "source"),
    ]
    assert [e.id for e in site.citing_events["art"]] == ["one"]
    assert [(r.number, r.key, r.text, [p.anchor for p in r.passages]) for r in site.cited["art"]] == [
        (1, "c1", "Beta met Gamma", ["role-beta-1"]),
        (2, "c2", "Beta met Gamma again", ["cite-one-1"]),
    ]


def test_places_are_grouped_apart_from_the_other_actors() -> None:
    site = site_of(
        event("one", PartialDate(2022, 1, 1), ("delta", "alpha", "beta")),
        event("two", PartialDate(2022, 1, 2), ("alpha", "delta")),
        event("three", PartialDate(2022, 1, 3), ("gamma",)),
    )
    assert [a.id for a in site.event_actors["one"]] == ["alpha", "beta"]
    assert [a.id for a in site.event_places["one"]] == ["delta"]
    assert site.event_places["three"] == ()
    assert [(a.id, n) for a, n in site.co_actors["alpha"]] == [("beta", 1)]
    assert [(a.id, n) for a, n in site.co_places["alpha"]] == [("delta", 2)]
    assert [(a.id, n) for a, n in site.co_actors["delta"]] == [("alpha", 2), ("beta", 1)]
    assert site.co_places["delta"] == ()


def test_a_title_save_keeps_the_facets_and_the_overview_layout_with_the_new_name(tmp_path: Path) -> None:
    project = sample_copy(tmp_path)
    session = Session(project)
    first = link_records(session.check(BuildReport()), session.memo)
    session.memo.next_build()
    event = project / "content/events/2021-aid.yaml"
    event.write_text(event.read_text().replace("title: ", "title: Renamed ", 1))
    second = link_records(session.check(BuildReport()), session.memo)
    fresh = link_records(Session(project).check(BuildReport()))
    assert second.facets is first.facets  # nothing it counts changed
    assert second.overview == fresh.overview != first.overview  # the same layout, the event's mark renamed
    session.memo.next_build()
    event.write_text(event.read_text().replace("date: 2021", "date: 2020", 1))  # a date moves the mark: laid out again
    third = link_records(session.check(BuildReport()), session.memo)
    assert third.overview == link_records(Session(project).check(BuildReport())).overview != second.overview


def test_a_save_makes_again_only_the_parts_of_the_records_it_changed(tmp_path: Path, monkeypatch) -> None:
    project = sample_copy(tmp_path)
    session = Session(project)
    link_records(session.check(BuildReport()), session.memo)
    session.memo.next_build()
    made: list[str] = []
    real = model._event_actors
    monkeypatch.setattr(model, "_event_actors", lambda e, actors: made.append(e.id) or real(e, actors))
    timelines: list[int] = []  # how many events each timeline made has (an actor's, or the whole dossier's)
    whole = model.timeline
    counted = lambda events, words: timelines.append(len(events)) or whole(events, words)  # noqa: E731
    monkeypatch.setattr(model, "timeline", counted)
    monkeypatch.setattr(reuse, "timeline", counted)
    event = project / "content/events/2021-aid.yaml"
    event.write_text(event.read_text().replace("title: ", "title: Renamed ", 1))
    second = link_records(session.check(BuildReport()), session.memo)
    assert made == ["2021-aid"]
    monkeypatch.undo()
    fresh = link_records(Session(project).check(BuildReport()))
    assert timelines and max(timelines) < len(fresh.events)  # its actors' timelines, not the dossier's
    assert second == fresh
    renamed = fresh.event["2021-aid"]
    assert renamed in second.neighbours[second.neighbours["2021-aid"][1].id]  # its neighbour links the new record
    assert renamed in [e for year in second.timeline for month in year.months for e in (*month.events, *month.undated)]


def test_a_link_that_fails_halfway_leaves_the_next_one_as_a_fresh_link(tmp_path: Path, monkeypatch) -> None:
    project = sample_copy(tmp_path)
    session = Session(project)
    link_records(session.check(BuildReport()), session.memo)
    session.memo.next_build()
    actor = project / "content/actors/examplia.yaml"
    actor.write_text(actor.read_text().replace("name: Examplia", "name: Zed Land"))  # a lane of the overview
    records = session.check(BuildReport())

    def fails(*args: object) -> None:
        raise RuntimeError("halfway")

    monkeypatch.setattr(model, "find_mentions", fails)  # after the actors were noted, before the overview was
    with pytest.raises(RuntimeError):
        link_records(records, session.memo)
    monkeypatch.undo()
    again = link_records(session.check(BuildReport()), session.memo)
    fresh = link_records(Session(project).check(BuildReport()))
    assert again == fresh and "Zed Land" in again.overview.lanes
