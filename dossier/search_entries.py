"""Search entries: what each page tells Pagefind — its type, its date to sort by and to show, its status, and the
values it can be filtered by (years, months, actors, tags). Pure: computed from the records, written into each
page by ``partials/search_data.html``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from dossier.chronology import when
from dossier.dates import PartialDate
from dossier.dates import when as date_when
from dossier.i18n import ENGLISH, Labels
from dossier.memo import Fresh, Memo, Once
from dossier.records import Actor, Article, Event
from dossier.registry import page_url


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
PART_PAGES = 5000  # pages per part of a split search index: Pagefind's memory grows with what it indexes at once
PARTS_AT_ONCE = 2  # Pagefinds indexing parts at the same time: one keeps about one core busy


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
    events: Fresh,
    actors: Fresh,
    articles: Fresh,
    actor_events: Mapping[str, Sequence[Event]],
    mentions: Mapping[str, Sequence[Actor]],
    labels: Labels = ENGLISH,
    memo: Memo | None = None,
    moved: Collection[str] = (),
) -> dict[str, dict[str, SearchEntry]]:
    """What each event, actor and article page tells the search index (dates shown in the language of ``labels``);
    with a ``memo``, an entry whose record is unchanged is not made again, nor an actor's whose events are not in
    ``moved``, nor an article's whose mentions are the last build's."""
    memo = memo if memo is not None else Once()
    same = memo.same("search labels", {"": labels})
    return {
        "event": memo.by_record("event entries", event_entry, events, labels, still=same),
        "actor": memo.by_record("actor entries", _actor_entry, actors, actor_events, labels, still=same, also=moved),
        "article": memo.by_record(
            "article entries", _article_entry, articles, mentions, labels, still=same, also=memo.moved.get("mentions", ())
        ),
    }


def _actor_entry(a: Actor, actor_events: Mapping[str, Sequence[Event]], labels: Labels) -> SearchEntry:
    return actor_entry(a, tuple(actor_events.get(a.id, ())), labels)


def _article_entry(r: Article, mentions: Mapping[str, Sequence[Actor]], labels: Labels) -> SearchEntry:
    return article_entry(r, tuple(mentions.get(r.id, ())), labels)


def _years(items: Sequence[Event]) -> tuple[int, ...]:
    return tuple(sorted({y for e in items for y in range(e.date.year, (e.end or e.date).year + 1)}))


def _all_months(items: Sequence[Event]) -> tuple[str, ...]:
    return tuple(sorted({m for e in items for m in _months(e.date, e.end)}))


def event_entry(e: Event, labels: Labels) -> SearchEntry:
    return SearchEntry(
        "event",
        e.date.earliest().isoformat(),
        when(e, labels),
        e.status,
        _years([e]),
        _all_months([e]),
        tuple(dict.fromkeys(e.actors)),
        e.tags,
    )


def actor_entry(a: Actor, mine: tuple[Event, ...], labels: Labels) -> SearchEntry:
    first = min((e.date.earliest() for e in mine), default=None)
    return SearchEntry(
        "actor",
        first.isoformat() if first else "0000-00-00",
        span(mine, labels),
        "",
        _years(mine),
        _all_months(mine),
        (a.id,),
        (),
    )


def article_entry(r: Article, mentioned: tuple[Actor, ...], labels: Labels) -> SearchEntry:
    date = r.published
    return SearchEntry(
        "article",
        date.earliest().isoformat() if date else "0000-00-00",
        date_when(date, approximate=r.approximate, labels=labels) if date else "",
        "",
        (date.year,) if date else (),
        tuple(_months(date, None)) if date else (),
        tuple(a.id for a in mentioned),
        (),
    )


def span(events: Sequence[Event], labels: Labels = ENGLISH) -> str:
    """The dates a set of events covers, from the earliest start to the latest end ("" for none)."""
    if not events:
        return ""
    first = min((event.date for event in events), key=PartialDate.sort_key)
    last = max((event.end or event.date for event in events), key=PartialDate.latest)
    return date_when(first, last, labels=labels)


def index_parts(search: Mapping[str, Mapping[str, SearchEntry]], size: int | None = None) -> tuple[tuple[str, ...], ...]:
    """The pages of each part of the search index, oldest first, as paths under the site (``events/ID/index.html``):
    none when the pages fit in one index. Pagefind holds everything it indexes in memory until it writes the index
    (about 1 GB for 8,000 pages), so a larger dossier is indexed in parts of at most ``size`` pages, each by its own
    Pagefind. The parts follow the date the search sorts by, so the search page puts their results sorted by date
    one after the other, in the order of the parts (``size`` defaults to ``PART_PAGES``). Their number is a multiple
    of ``PARTS_AT_ONCE``, so the Pagefinds that run at the same time finish together."""
    size = size or PART_PAGES
    pages = sorted(
        (entry.sort_date, page_url(kind, record_id) + "index.html")
        for kind, entries in search.items()
        for record_id, entry in entries.items()
    )
    if len(pages) <= size:
        return ()
    count = -(-len(pages) // size)
    count += -count % PARTS_AT_ONCE  # parts as even as they can be, so the last is not a remnant
    cuts = [len(pages) * i // count for i in range(count + 1)]
    return tuple(tuple(path for _, path in pages[a:b]) for a, b in pairwise(cuts))
