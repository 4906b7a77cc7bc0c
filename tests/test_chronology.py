"""Chronology: the one order of events (coarse dates close their period, times, after:) and the timeline's groups."""

from __future__ import annotations

import dataclasses
import random

from dossier import chronology
from dossier.chronology import chronological, contradicts, cycle, ordered, placed, timeline, when, with_events
from dossier.dates import PartialDate
from dossier.records import Citation, Event


def event(event_id: str, date: PartialDate, time: str | None = None, after: tuple[str, ...] = (), **more: object) -> Event:
    return Event(event_id, event_id, date, "other", "confirmed", (Citation("a", "b c"),), time=time, after=after, **more)  # type: ignore[arg-type]


def ids(events: tuple[Event, ...]) -> list[str]:
    return [e.id for e in events]


FEB = PartialDate(2022, 2)


def test_day_dated_events_by_day_then_time_untimed_last_then_id() -> None:
    events = [
        event("c", PartialDate(2022, 2, 27)),
        event("b-noon", PartialDate(2022, 2, 27), "12:00"),
        event("a-evening", PartialDate(2022, 2, 27), "20:00"),
        event("a", PartialDate(2022, 2, 27)),
        event("first", PartialDate(2022, 2, 24)),
    ]
    assert ids(chronological(events)) == ["first", "b-noon", "a-evening", "a", "c"]


def test_a_month_only_event_closes_its_month_and_a_year_only_event_its_year() -> None:
    events = [
        event("feb", FEB),
        event("invasion", PartialDate(2022, 2, 24)),
        event("year", PartialDate(2022)),
        event("march", PartialDate(2022, 3, 1)),
        event("jan", PartialDate(2022, 1, 31)),
    ]
    assert ids(chronological(events)) == ["jan", "invasion", "feb", "march", "year"]


def test_after_is_honoured_within_a_day_and_across_precisions() -> None:
    events = [
        event("agrees", PartialDate(2022, 2, 27), after=("rejects",)),
        event("rejects", PartialDate(2022, 2, 27)),
        event("call", PartialDate(2022, 2, 27), "12:00", after=("agrees",)),
    ]
    assert ids(chronological(events)) == ["rejects", "agrees", "call"]


def test_an_event_others_come_after_moves_up_to_just_before_them() -> None:
    # A month-only event that a day-dated one follows is placed right before it, not at the end of the month.
    events = [
        event("early", PartialDate(2022, 2, 1)),
        event("request", FEB),
        event("answer", PartialDate(2022, 2, 10), after=("request",)),
        event("late", PartialDate(2022, 2, 20)),
    ]
    assert ids(chronological(events)) == ["early", "request", "answer", "late"]


def test_the_order_is_total_stable_and_keeps_every_event_even_in_a_cycle() -> None:
    events = [event("a", FEB, after=("b",)), event("b", FEB, after=("a",)), event("c", PartialDate(2022, 2, 3))]
    assert sorted(ids(chronological(events))) == ["a", "b", "c"]
    assert ids(chronological(events)) == ids(chronological(list(reversed(events))))


def test_timeline_groups_coarse_dates_under_day_or_month_not_given() -> None:
    events = chronological(
        [
            event("invasion", PartialDate(2022, 2, 24)),
            event("criticised", FEB, after=("invasion",)),
            event("all-feb", FEB),
            event("april", PartialDate(2021, 4)),
            event("y2021", PartialDate(2021)),
        ]
    )
    years = timeline(events)
    shown = [
        (month.label, [e.id for e in month.events], month.undated_label, [e.id for e in month.undated])
        for year in years
        for month in year.months
    ]
    assert shown == [
        ("April 2021", [], "April 2021 — day not given", ["april"]),
        ("2021", [], "2021 — month not given", ["y2021"]),
        ("February 2022", ["invasion"], "February 2022 — day not given", ["all-feb", "criticised"]),
    ]
    assert [month.anchor for year in years for month in year.months] == ["m2021-04", "y2021-undated", "m2022-02"]


def test_a_year_only_event_moved_up_by_after_is_listed_in_the_month_it_precedes() -> None:
    events = chronological([event("y", PartialDate(2022)), event("d", PartialDate(2022, 3, 5), after=("y",))])
    assert ids(events) == ["y", "d"]
    (year,) = timeline(events)
    assert [(m.label, ids(m.events), ids(m.undated)) for m in year.months] == [("March 2022", ["y", "d"], [])]


def test_contradictions_and_cycles() -> None:
    later, earlier = event("later", PartialDate(2022, 3, 1)), event("earlier", FEB)
    assert contradicts(earlier, later)  # Feb cannot be after 1 March
    assert not contradicts(later, earlier)
    assert not contradicts(event("m", FEB), event("d", PartialDate(2022, 2, 27)))  # a Feb event may follow 27 Feb
    noon, evening = event("noon", PartialDate(2022, 2, 27), "12:00"), event("evening", PartialDate(2022, 2, 27), "20:00")
    assert contradicts(noon, evening) and not contradicts(evening, noon)
    assert cycle({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == ["a", "b", "c", "a"]
    assert cycle({"a": ["b"], "b": [], "c": ["a", "b"]}) is None


def test_when_shows_precision_time_span_and_approximation() -> None:
    assert when(event("a", PartialDate(2022, 2, 27), "12:00")) == "27 Feb 2022, 12:00"
    assert when(event("b", FEB, approximate=True)) == "c. Feb 2022"
    assert when(event("c", PartialDate(2021), end=PartialDate(2022, 1))) == "2021 – Jan 2022"


def test_a_timeline_with_an_event_replaced_is_the_timeline_of_the_new_events_sharing_what_did_not_change() -> None:
    events = chronological([event("a", PartialDate(2021, 5, 1)), event("b", FEB), event("c", PartialDate(2022, 3, 2))])
    before = timeline(events)
    renamed = dataclasses.replace(events[1], title="Renamed")
    after = with_events(before, {"b": renamed})
    assert after == timeline(tuple(renamed if e.id == "b" else e for e in events)) != before
    assert after[0] is before[0]  # 2021 has none of them
    assert after[1].months[1] is before[1].months[1] and after[1].months[0].undated == (renamed,)


def test_placing_events_that_no_event_comes_after_gives_the_order_found_from_scratch_or_declines() -> None:
    rng = random.Random(7)
    days = [PartialDate(2022, rng.randint(1, 3), rng.choice([None, *range(1, 29)])) for _ in range(60)]
    placed_count, with_after = 0, 0
    for round_ in range(400):
        events = [event(f"e{i:02d}", days[(i * 7 + round_) % 60], rng.choice([None, "09:00", "18:30"])) for i in range(40)]
        tied = rng.sample(range(40), 8)
        for i in tied:  # after an event known only to the month: it moves up to just before this one
            j = rng.choice([k for k in range(40) if k not in tied])
            month = events[j].date.month or 1
            events[j] = dataclasses.replace(events[j], date=PartialDate(2022, month))
            events[i] = dataclasses.replace(events[i], date=PartialDate(2022, month, rng.randint(1, 28)), after=(events[j].id,))
        order, keys = ordered(events)
        assert keys is not None
        named = {b for e in events for b in e.after}
        leaves = [e for e in events if e.id not in named]  # no event comes after these: they may be moved
        removed = rng.sample(leaves, 3)
        moved_from = rng.sample([e for e in leaves if e not in removed], 3)
        moved = [dataclasses.replace(e, date=rng.choice(days)) for e in moved_from]
        untouched = [e for e in events if e not in removed and e not in moved_from]
        added = [
            event(f"new{round_}-{k}", day, after=(rng.choice(untouched).id,) if rng.random() < 0.5 else ())
            for k, day in enumerate(rng.sample(days, 3))
        ]
        added = [
            e for e in added if not e.after or not chronology.contradicts(e, next(u for u in untouched if u.id == e.after[0]))
        ]
        now = untouched + moved + added
        result = placed([e.id for e in order], keys, removed + moved_from, moved + added)
        if result is not None:
            placed_count += 1
            with_after += any(e.after for e in moved + added)
            fresh, fresh_keys = ordered(now)
            assert (result[0], result[1]) == (ids(fresh), fresh_keys), round_
    assert placed_count > 50 and with_after > 20  # the rest decline (a moved event that moves another up)


def test_an_added_event_is_placed_after_the_event_it_comes_after_even_one_moved_up_past_a_later_key() -> None:
    month_only = event("r", FEB)  # moved up to just before b, which comes after it: ordered by b's date, id "r"
    day = event("b", PartialDate(2022, 2, 10), after=("r",))
    order, keys = ordered([month_only, day])
    assert ids(order) == ["r", "b"] and keys is not None
    added = event("c", PartialDate(2022, 2, 10), after=("b",))  # its key falls between b's and r's
    assert placed(ids(order), keys, [], [added]) == (["r", "b", "c"], ordered([month_only, day, added])[1])
    earlier = event("a", PartialDate(2022, 2, 9), after=("r",))  # would move r up again: declined
    assert placed(ids(order), keys, [], [earlier]) is None
