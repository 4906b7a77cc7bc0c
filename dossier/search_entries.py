"""Search entries: what each page tells Pagefind — its type, its date to sort by and to show, its status, and the
values it can be filtered by (years, months, actors, tags). Pure: computed from the records, written into each
page by ``partials/search_data.html``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dossier.chronology import when
from dossier.dates import PartialDate
from dossier.dates import when as date_when
from dossier.i18n import ENGLISH, Labels
from dossier.records import Actor, Article, Event


@dataclass(frozen=True)
class SearchEntry:
    """What a page tells the search index: its type, date (to sort by and to show), status and filter values."""

    type: str
    sort_date: str  # YYYY-MM-DD, "0000-00-00" when undated
    shown_date: str
    status: str
    years: tuple[int, ...]
    months: tuple[str, ...]  # "2022-02"
    actors: tuple[str, ...]  # ids
    tags: tuple[str, ...]


MONTHS_INDEXED = 36  # months an event's span may cover and still be found by each of them


def _months(date: PartialDate, end: PartialDate | None) -> list[str]:
    """The months a date (or span) covers, for the month filter; none for a date known only to the year."""
    if not date.month:
        return []
    last = end if end is not None and end.month else date
    year, month = date.year, date.month
    months: list[str] = []
    while (year, month) <= (last.year, last.month or 12) and len(months) < MONTHS_INDEXED:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def search_entries(
    events: Sequence[Event],
    actors: Sequence[Actor],
    articles: Sequence[Article],
    actor_events: Mapping[str, Sequence[Event]],
    mentions: Mapping[str, Sequence[Actor]],
    labels: Labels = ENGLISH,
) -> dict[str, dict[str, SearchEntry]]:
    """What each event, actor and article page tells the search index (dates shown in the language of ``labels``)."""

    def years(items: Sequence[Event]) -> tuple[int, ...]:
        return tuple(sorted({y for e in items for y in range(e.date.year, (e.end or e.date).year + 1)}))

    def months(items: Sequence[Event]) -> tuple[str, ...]:
        return tuple(sorted({m for e in items for m in _months(e.date, e.end)}))

    entries: dict[str, dict[str, SearchEntry]] = {"event": {}, "actor": {}, "article": {}}
    for e in events:
        entries["event"][e.id] = SearchEntry(
            "event",
            e.date.earliest().isoformat(),
            when(e, labels),
            e.status,
            years([e]),
            months([e]),
            tuple(dict.fromkeys(e.actors)),
            e.tags,
        )
    for a in actors:
        mine = actor_events.get(a.id, ())
        first = min((e.date.earliest() for e in mine), default=None)
        entries["actor"][a.id] = SearchEntry(
            "actor", first.isoformat() if first else "0000-00-00", span(mine, labels), "", years(mine), months(mine), (a.id,), ()
        )
    for r in articles:
        date = r.published
        entries["article"][r.id] = SearchEntry(
            "article",
            date.earliest().isoformat() if date else "0000-00-00",
            date_when(date, approximate=r.approximate, labels=labels) if date else "",
            "",
            (date.year,) if date else (),
            tuple(_months(date, None)) if date else (),
            tuple(a.id for a in mentions.get(r.id, ())),
            (),
        )
    return entries


def span(events: Sequence[Event], labels: Labels = ENGLISH) -> str:
    """The dates a set of events covers, from the earliest start to the latest end ("" for none)."""
    if not events:
        return ""
    first = min((event.date for event in events), key=PartialDate.sort_key)
    last = max((event.end or event.date for event in events), key=PartialDate.latest)
    return date_when(first, last, labels=labels)
