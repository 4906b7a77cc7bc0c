"""Chronology: the one order of events every page shows, and the timeline's grouping by year and month.

The order is total, stable and never misleading. Events dated to the day come by day,
then by ``time`` (untimed ones after the timed ones of their day); an event known only
to the month comes after the day-dated events of its month, and one known only to the
year after its year's months, because nothing says it came first. ``after:`` is
honoured: an event the sources place after others comes after them, and an event that
others come after moves up to just before the earliest of them (never later than its
natural place). Ties go by id. Pure.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dossier import dates
from dossier.i18n import ENGLISH, Labels
from dossier.records import Event

Key = tuple[int, int, int, str, str]
LAST = "~"  # sorts after every "HH:MM": untimed events after the timed ones of their day


def natural_key(event: Event) -> Key:
    """Where an event falls by its own date: coarser dates at the end of their period, then time, then id."""
    date = event.date
    return (date.year, date.month or 13, date.day or 32, event.time or LAST, event.id)


def chronological(events: Iterable[Event]) -> tuple[Event, ...]:
    """Every event in the one order the site shows (see the module's docstring)."""
    return ordered(events)[0]


def ordered(events: Iterable[Event]) -> tuple[tuple[Event, ...], dict[str, Key] | None]:
    """Every event in the site's order, and the key each was ordered by (None when ``after:`` goes round in a circle,
    which check refuses): what :func:`placed` needs to place events in that order later."""
    by_id = {event.id: event for event in events}
    successors: dict[str, list[str]] = defaultdict(list)
    waiting: dict[str, int] = {event_id: 0 for event_id in by_id}
    for event in by_id.values():
        for before in dict.fromkeys(event.after):
            if before in by_id and before != event.id:
                successors[before].append(event.id)
                waiting[event.id] += 1
    key = _effective_keys(by_id, successors)
    ready = [(key[event_id], event_id) for event_id, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[Event] = []
    while ready:
        _, event_id = heapq.heappop(ready)
        order.append(by_id[event_id])
        for after in successors[event_id]:
            waiting[after] -= 1
            if waiting[after] == 0:
                heapq.heappush(ready, (key[after], after))
    if len(order) < len(by_id):  # a cycle, which check refuses; never lose an event
        done = {e.id for e in order}
        order += sorted((e for e in by_id.values() if e.id not in done), key=natural_key)
        return tuple(order), None
    return tuple(order), key


def placed(
    order: Sequence[str], keys: Mapping[str, Key], removed: Iterable[Event], added: Iterable[Event]
) -> tuple[list[str], dict[str, Key]] | None:
    """The ids of ``order`` (ordered by ``keys``, see :func:`ordered`) without the events ``removed`` and with those
    ``added`` in their places, and the keys of that order: the order :func:`chronological` gives, when no other event
    comes ``after:`` a removed or added one. Or None, when a removed or added event moves up one it comes after (an
    event known only to the month, followed by one dated to the day) or comes after another removed or added one.

    An added event comes after the events its ``after:`` names and is ordered by its own key: it is placed before the
    first event past those that was ordered by a later key (the order picks, at each step, the earliest key of the
    events free to come next, and this one is free from there on); the others keep their order and keys."""
    removed, added = list(removed), sorted(added, key=natural_key)
    taken = {e.id for e in removed}
    gone = taken | {e.id for e in added}
    ids = [event_id for event_id in order if event_id not in taken]
    ranked = {event_id: keys[event_id] for event_id in ids}
    for event in removed:  # it may have given one it comes after an earlier key than that one's own
        for before in _before(event):
            if before in gone or before not in ranked or not ranked[before] < (*keys[event.id][:4], before):
                return None
    for event in added:
        key = natural_key(event)
        if any(before in gone or before not in ranked or not ranked[before] <= (*key[:4], before) for before in _before(event)):
            return None
        start = max((ids.index(before) + 1 for before in _before(event)), default=0)
        ids.insert(next((i for i in range(start, len(ids)) if ranked[ids[i]] > key), len(ids)), event.id)
        ranked[event.id] = key
    return ids, ranked


def _before(event: Event) -> list[str]:
    """The events that ``event`` comes ``after:`` (not itself)."""
    return [before for before in dict.fromkeys(event.after) if before != event.id]


def _effective_keys(by_id: Mapping[str, Event], successors: Mapping[str, list[str]]) -> dict[str, Key]:
    """An event's own key, or an earlier one if something placed after it falls earlier."""
    key: dict[str, Key] = {}
    visiting: set[str] = set()
    for event_id in sorted(by_id):
        _effective_key(event_id, by_id, successors, key, visiting)
    return key


def _effective_key(
    event_id: str, by_id: Mapping[str, Event], successors: Mapping[str, list[str]], key: dict[str, Key], visiting: set[str]
) -> Key:
    # a function of the module, not a closure calling itself (a reference cycle per call: see ``heap``)
    if event_id in key:
        return key[event_id]
    if event_id in visiting:  # a cycle: check reports it
        return natural_key(by_id[event_id])
    visiting.add(event_id)
    own = natural_key(by_id[event_id])
    later = (_effective_key(after, by_id, successors, key, visiting) for after in successors.get(event_id, ()))
    key[event_id] = min([own, *((*other[:4], own[4]) for other in later)])
    visiting.discard(event_id)
    return key[event_id]


def when(event: Event, labels: Labels = ENGLISH) -> str:
    """An event's date as shown: precision kept, its time if given, "c." when approximate, ranges joined with an en dash."""
    return dates.when(event.date, event.end, event.approximate, event.time, labels)


def cycle(after: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A cycle among ``after:`` references (event ids in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []
    for node in sorted(after):
        if node not in state:
            found = _cycle_from(node, after, state, path)
            if found:
                return found
    return None


def _cycle_from(node: str, after: Mapping[str, Sequence[str]], state: dict[str, int], path: list[str]) -> list[str] | None:
    # a function of the module, not a closure calling itself (a reference cycle per call: see ``heap``)
    state[node] = 1
    path.append(node)
    for before in after.get(node, ()):
        if state.get(before) == 1:
            return [*path[path.index(before) :], before]
        if before in after and state.get(before) is None:
            found = _cycle_from(before, after, state, path)
            if found:
                return found
    path.pop()
    state[node] = 2
    return None


def contradicts(event: Event, before: Event) -> bool:
    """Whether ``event`` cannot have come after ``before``, by their dates and times."""
    if event.date.latest() < before.date.earliest():
        return True
    same_day = event.date.day and before.date.day and event.date.earliest() == before.date.earliest()
    return bool(same_day and event.time and before.time and event.time < before.time)


@dataclass(frozen=True)
class Month:
    """A month of the timeline: its events in order, then the ones known only to the month."""

    year: int
    month: int  # 0 for a year's events known only to the year
    events: tuple[Event, ...]  # dated to the day, or placed among them by after:
    undated: tuple[Event, ...]  # known only to this month (or year), after all the others
    labels: Labels = ENGLISH  # the language of its headings

    @property
    def anchor(self) -> str:
        return f"m{self.year}-{self.month:02d}" if self.month else f"y{self.year}-undated"

    @property
    def label(self) -> str:
        """Its heading: "February 2022" (the year alone for the events known only to the year)."""
        return (
            self.labels("{month} {year}", month=self.labels.month(self.month), year=self.year) if self.month else f"{self.year}"
        )

    @property
    def short(self) -> str:
        """Its month's short name, for the month index ("Feb")."""
        return self.labels.month_short(self.month) if self.month else f"{self.year}"

    @property
    def undated_label(self) -> str:
        """The heading of the events known only to the month (or year): "February 2022 — day not given"."""
        if self.month:
            return self.labels("{period} — day not given", period=self.label)
        return self.labels("{period} — month not given", period=self.label)


@dataclass(frozen=True)
class Year:
    year: int
    months: tuple[Month, ...]  # in order; a last one with month 0 holds the events known only to the year


def timeline(events: Sequence[Event], labels: Labels = ENGLISH) -> tuple[Year, ...]:
    """Events in chronological order grouped by year and month, coarse dates in their labelled groups (headings in the
    language of ``labels``).

    An event known only to the year that ``after:`` moved up among a month's events is
    listed there, so the timeline never contradicts the order; the rest of a period's
    coarse events close it, under "February 2022 — day not given" (or "2021 — month not given").
    """
    buckets: dict[tuple[int, int], list[Event]] = defaultdict(list)
    following: dict[int, int] = {}  # year -> the month of the next event known to the month, scanning backwards
    placed: list[tuple[int, int]] = []
    for event in reversed(events):
        year, month = event.date.year, event.date.month
        if month:
            following[year] = month
        placed.append((year, month or following.get(year, 0)))
    for event, bucket in zip(events, reversed(placed), strict=True):
        buckets[bucket].append(event)
    years: dict[int, list[Month]] = defaultdict(list)
    for year, month in sorted(buckets, key=lambda p: (p[0], p[1] or 13)):
        items = buckets[(year, month)]
        finer = [i for i, e in enumerate(items) if (e.date.day if month else e.date.month)]
        cut = finer[-1] + 1 if finer else 0
        years[year].append(Month(year, month, tuple(items[:cut]), tuple(items[cut:]), labels))
    return tuple(Year(year, tuple(months)) for year, months in sorted(years.items()))


def with_events(years: tuple[Year, ...], changed: Mapping[str, Event]) -> tuple[Year, ...]:
    """A timeline with the events that ``changed`` holds (by id) put in place of those it has under their ids: the
    timeline of the new events when their order and dates are the old ones'. Years and months with none of them
    are the same objects."""
    return tuple(_replaced(year, changed) for year in years)


def _replaced(year: Year, changed: Mapping[str, Event]) -> Year:
    months = tuple(
        month
        if not any(e.id in changed for e in (*month.events, *month.undated))
        else dataclasses.replace(
            month,
            events=tuple(changed.get(e.id, e) for e in month.events),
            undated=tuple(changed.get(e.id, e) for e in month.undated),
        )
        for month in year.months
    )
    return year if all(a is b for a, b in zip(months, year.months, strict=True)) else Year(year.year, months)
