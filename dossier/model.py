"""Model: the cross-linked view of the records that every page is rendered from.

Pure and deterministic: events in chronological order (see ``chronology``); for
each event its actors and, apart from them,
its places (actors of kind ``place``); for each actor their events, the actors and
the places they appear with and the articles that mention them; for each article
the passages cited from it (see ``passages``) and the events citing it; events by tag.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, TypeVar

from dossier import i18n, markup
from dossier.chronology import Year, chronological, timeline, when
from dossier.i18n import Labels
from dossier.memo import ByValue, Memo, Once, Unkeyed
from dossier.mentions import find_mentions
from dossier.overview import Overview, layout, relabelled
from dossier.passages import CitedRange, Passage, collect, ranges
from dossier.records import Actor, Article, Citation, Dossier, Event, Records
from dossier.registry import ACTOR_KINDS, EVENT_KINDS, STATUSES
from dossier.search_entries import SearchEntry, search_entries

T = TypeVar("T")
KEY_ACTORS = 8
LATEST = 5


@dataclass(frozen=True)
class Cited:
    """One of an event's sources, with its number on the event page (1-based, in the order of ``sources``)."""

    number: int
    source: Citation


@dataclass(frozen=True)
class SourceGroup:
    """An event's sources from one article, in the order the event lists them."""

    article: Article
    sources: tuple[Cited, ...]


@dataclass(frozen=True)
class Dispute:
    """One fact a disputed event's sources contradict each other on, and each source's account of it."""

    aspect: str
    accounts: tuple[Cited, ...]


@dataclass(frozen=True)
class Facets:
    """What a list of events can be narrowed by: its actors, tags, statuses and kinds, each with its count."""

    actors: tuple[tuple[Actor, int], ...]  # most events first (places included: an event's place narrows too)
    tags: tuple[tuple[str, int], ...]
    statuses: tuple[tuple[str, int], ...]  # in the registry's order
    kinds: tuple[tuple[str, int], ...]  # in the registry's order


@dataclass(frozen=True)
class PageLink:
    """A free page as the footer links it: not the whole record, so that editing a page's text re-renders that page
    alone."""

    id: str
    title: str
    draft: bool


@dataclass(frozen=True)
class Site:
    """Everything the templates need, computed once."""

    dossier: Dossier
    records: Mapping[str, tuple[Any, ...]]  # record type -> its records in page order (events chronological, ...)
    lookup: Mapping[str, Mapping[str, Any]]  # record type -> id -> record
    actor_events: dict[str, tuple[Event, ...]]
    event_actors: dict[str, tuple[Actor, ...]]  # event id -> its actors other than places, as listed
    event_places: dict[str, tuple[Actor, ...]]  # event id -> the places among its actors, as listed
    co_actors: dict[str, tuple[tuple[Actor, int], ...]]  # actor id -> other actors (not places) in its events, with counts
    co_places: dict[str, tuple[tuple[Actor, int], ...]]  # actor id -> other places in its events, with counts
    mentions: dict[str, tuple[Actor, ...]]  # article id -> actors it names
    mentioned_in: dict[str, tuple[Article, ...]]  # actor id -> articles naming it
    event_sources: dict[str, tuple[SourceGroup, ...]]  # event id -> its sources, grouped by article
    disputes: dict[str, tuple[Dispute, ...]]  # event id -> what its sources contradict each other on (disputed events)
    passages: dict[str, tuple[Passage, ...]]  # article id -> its citations, in text order
    cited: dict[str, tuple[CitedRange, ...]]  # article id -> its cited ranges (citations of the same words together)
    citing_events: dict[str, tuple[Event, ...]]  # article id -> events citing it
    tags: dict[str, tuple[Event, ...]]
    timeline: tuple[Year, ...]
    facets: Facets  # of every event: the timeline's filters
    overview: Overview | None  # the timeline's picture of the whole story
    one_line: dict[str, str]  # event id -> its summary in one line of plain text
    actor_timeline: dict[str, tuple[Year, ...]]  # actor id -> its events grouped like the timeline
    actor_facets: dict[str, Facets]  # actor id -> the filters of its events
    search: dict[str, dict[str, SearchEntry]]  # record type -> id -> what its page tells the search index
    neighbours: dict[str, tuple[Event | None, Event | None]]  # event id -> the events before and after it
    key_actors: tuple[Actor, ...]  # the actors in most events
    eventless: tuple[Actor, ...]  # actors named in the sources but in no event, by name
    latest: tuple[Event, ...]  # the last events, newest first
    page_links: tuple[PageLink, ...] = ()  # the free pages (About, Methodology) by title: every page's footer lists them
    changed: Mapping[str, int] = field(default_factory=dict)  # record file path -> when it last changed (seconds, UTC)
    export_templates: tuple[str, ...] = ()  # names under templates/exports/, each rendered to data/NAME (see pages)

    @cached_property
    def labels(self) -> Labels:
        """The interface in the dossier's language (see ``dossier.i18n``): the templates' ``_`` and date filters use it."""
        return i18n.labels(self.dossier.language)

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event, in chronological order."""
        return self.records.get("event", ())

    @property
    def actors(self) -> tuple[Actor, ...]:
        """Every actor, by kind (people, organisations, states, places), then name."""
        return self.records.get("actor", ())

    @property
    def articles(self) -> tuple[Article, ...]:
        """Every article, by publication date (undated last), then id."""
        return self.records.get("article", ())

    @property
    def event(self) -> Mapping[str, Event]:
        return self.lookup.get("event", {})

    @property
    def actor(self) -> Mapping[str, Actor]:
        return self.lookup.get("actor", {})

    @property
    def article(self) -> Mapping[str, Article]:
        return self.lookup.get("article", {})


def is_place(actor: Actor) -> bool:
    """Places are actors too (an event may name where it happened), but pages list them apart from people."""
    return actor.kind == "place"


def link_records(records: Records, memo: Memo | None = None) -> Site:
    """Cross-link checked records into a :class:`Site`, its labels (dates, headings) in the dossier's language.

    With a ``memo`` (a session keeps one), what depends only on unchanged records is not computed again."""
    memo = memo if memo is not None else Once()
    words = i18n.labels(records.dossier.language)
    events = _chronological(records.events, memo)
    actors = tuple(sorted(records.actors, key=lambda a: (ACTOR_KINDS.index(a.kind), a.name.casefold(), a.id)))
    articles = tuple(
        sorted(records.articles, key=lambda a: (a.published is None, a.published.sort_key() if a.published else (), a.id))
    )
    actor_by_id = {a.id: a for a in actors}
    article_by_id = {a.id: a for a in articles}

    actor_events: dict[str, list[Event]] = defaultdict(list)
    tags: dict[str, list[Event]] = defaultdict(list)
    citing: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        for actor_id in dict.fromkeys(event.actors):
            actor_events[actor_id].append(event)
        for tag in dict.fromkeys(event.tags):
            tags[tag].append(event)
        for article_id in dict.fromkeys(citation.article for citation in event.sources):
            citing[article_id].append(event)
    passages = collect(records, words, memo)

    mentions = find_mentions(actors, articles, memo)
    rank = {a.id: (a.name.casefold(), a.id) for a in actors}  # how actors with as many events are ordered
    mentioned_in: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for actor in mentions[article.id]:
            mentioned_in[actor.id].append(article)

    same_actors = memo.same("actors", actor_by_id)  # no actor changed since the last build (the usual save)
    same_articles = memo.same("articles", article_by_id)
    same_words = memo.same("words", {"": words})

    def current(pairs: tuple[tuple[Actor, int], ...]) -> bool:
        return same_actors or all(actor_by_id.get(actor.id) is actor for actor, _ in pairs)

    def co(actor_id: str, places: bool) -> tuple[tuple[Actor, int], ...]:
        """The actors (or places) in the events of ``actor_id``: the same while its events and those actors are."""
        events, lookup = tuple(actor_events[actor_id]), Unkeyed((actor_by_id, rank))
        return memo(_co, events, ByValue(actor_id), ByValue(places), lookup, still=current)

    def actor_facets(actor_id: str) -> Facets:
        events, lookup = tuple(actor_events[actor_id]), Unkeyed((actor_by_id, rank))
        return memo(_facets_of, events, ByValue(actor_id), lookup, still=lambda f: current(f.actors))

    # the whole dossier's facets and overview read the events' dates, actors, tags, status and kind, not their titles
    # or texts: after the usual save they are last build's (the overview's marks relabelled)
    labels = {e.id: memo.each(_mark_label, e, words, still=same_words) for e in events}
    shaped = same_actors and same_words and _same_shape(memo.results.get("events"), events)
    whole_facets = memo.results["facets"] if shaped else facets(events, actor_by_id, rank=rank)
    overview = relabelled(memo.results["overview"], labels) if shaped else layout(events, actor_by_id, labels, labels=words)
    memo.results.update(events=events, facets=whole_facets, overview=overview)

    ordered = {**records.by_type, "event": events, "actor": actors, "article": articles}
    return Site(
        dossier=records.dossier,
        records=ordered,
        lookup={kind: {r.id: r for r in items} for kind, items in ordered.items()},
        actor_events=memo.stable("actor_events", {a.id: tuple(actor_events[a.id]) for a in actors}),
        event_actors={e.id: memo.each(_event_actors, e, actor_by_id, still=same_actors) for e in events},
        event_places={e.id: memo.each(_event_places, e, actor_by_id, still=same_actors) for e in events},
        co_actors={a.id: co(a.id, places=False) for a in actors},
        co_places={a.id: co(a.id, places=True) for a in actors},
        mentions=memo.stable("mentions", mentions),
        mentioned_in=memo.stable("mentioned_in", {a.id: tuple(mentioned_in[a.id]) for a in actors}),
        event_sources={e.id: memo.each(_source_groups, e, article_by_id, still=same_articles) for e in events},
        disputes={e.id: memo.each(_disputes, e) for e in events if e.status == "disputed"},
        passages={a.id: passages.get(a.id, ()) for a in articles},
        cited={a.id: memo(ranges, passages.get(a.id, ()), a.body) for a in articles},
        citing_events=memo.stable("citing_events", {a.id: tuple(citing[a.id]) for a in articles}),
        tags=memo.stable("tags", {tag: tuple(tags[tag]) for tag in sorted(tags)}),
        timeline=timeline(events, words),
        facets=whole_facets,
        overview=overview,
        one_line={e.id: one_line(e.summary) for e in events},
        actor_timeline={a.id: memo(timeline, tuple(actor_events[a.id]), words) for a in actors},
        actor_facets={a.id: actor_facets(a.id) for a in actors},
        search=search_entries(events, actors, articles, actor_events, mentions, words, memo),
        neighbours=memo.stable(
            "neighbours",
            {e.id: (events[i - 1] if i else None, events[i + 1] if i + 1 < len(events) else None) for i, e in enumerate(events)},
        ),
        page_links=tuple(
            PageLink(p.id, p.title, bool(getattr(p, "draft", False)))
            for p in sorted(records.of("page"), key=lambda p: (p.title, p.id))
        ),
        eventless=tuple(sorted((a for a in actors if not actor_events[a.id]), key=lambda a: (a.name.casefold(), a.id))),
        key_actors=tuple(sorted(actors, key=lambda a: (-len(actor_events[a.id]), a.name.casefold(), a.id))[:KEY_ACTORS]),
        latest=events[::-1][:LATEST],
        changed=records.changed,
    )


def _shape(event: Event) -> tuple[Any, ...]:
    """What the facets and the overview's layout read of an event."""
    return (event.id, event.date, event.end, event.actors, event.tags, event.status, event.kind)


def _same_shape(before: Sequence[Event] | None, events: Sequence[Event]) -> bool:
    """Whether ``events`` are, in order, events of the same shape as ``before`` (the same objects, mostly)."""
    return (
        before is not None
        and len(before) == len(events)
        and all(a is b or _shape(a) == _shape(b) for a, b in zip(before, events, strict=True))
    )


def _chronological(events: Sequence[Event], memo: Memo) -> tuple[Event, ...]:
    """The events in the site's order, found again only when an id, date, time or ``after`` changed (not a title)."""
    keys = ByValue(tuple((e.id, e.date.year, e.date.month, e.date.day, e.time, e.after) for e in events))
    order = memo(_order, keys, Unkeyed(events))
    by_id = {e.id: e for e in events}
    return tuple(by_id[event_id] for event_id in order)


def _order(keys: tuple[Any, ...], events: Sequence[Event]) -> tuple[str, ...]:
    return tuple(e.id for e in chronological(events))


def _event_actors(event: Event, actors: Mapping[str, Actor]) -> tuple[Actor, ...]:
    return tuple(actors[a] for a in dict.fromkeys(event.actors) if not is_place(actors[a]))


def _event_places(event: Event, actors: Mapping[str, Actor]) -> tuple[Actor, ...]:
    return tuple(actors[a] for a in dict.fromkeys(event.actors) if is_place(actors[a]))


def _mark_label(event: Event, words: Labels) -> str:
    """An event's name on the overview: its date, title and status."""
    return words("{date}: {title} ({status})", date=when(event, words), title=event.title, status=words(event.status))


Lookup = tuple[Mapping[str, Actor], Mapping[str, Any]]  # actors by id, and the order of actors with as many events


def _facets_of(events: Sequence[Event], exclude: str, lookup: Lookup) -> Facets:
    return facets(events, lookup[0], exclude, lookup[1])


def _co(events: Sequence[Event], actor_id: str, places: bool, lookup: Lookup) -> tuple[tuple[Actor, int], ...]:
    """The other actors (or the places) of the events of ``actor_id``, with how many of them each is in."""
    actors, rank = lookup
    together = Counter(other for e in events for other in dict.fromkeys(e.actors) if other != actor_id)
    pairs = sorted(together.items(), key=lambda kv: (-kv[1], rank[kv[0]]))
    return tuple((actors[other], count) for other, count in pairs if is_place(actors[other]) == places)


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


ONE_LINE = 160  # characters of a summary shown in event lists


@lru_cache(maxsize=1 << 16)
def one_line(summary: str) -> str:
    """The first sentence of a Markdown summary as plain text, cut at a word near ``ONE_LINE`` characters."""
    text = " ".join(markup.plain_text(summary).split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    if len(sentence) <= ONE_LINE:
        return sentence
    return sentence[: ONE_LINE - 1].rsplit(" ", 1)[0].rstrip(",;:—–-") + "…"


def _source_groups(event: Event, articles: Mapping[str, Article]) -> tuple[SourceGroup, ...]:
    groups: dict[str, list[Cited]] = defaultdict(list)
    for number, source in enumerate(event.sources, start=1):
        groups[source.article].append(Cited(number, source))
    return tuple(SourceGroup(articles[article], tuple(items)) for article, items in groups.items())


def _disputes(event: Event) -> tuple[Dispute, ...]:
    """The aspects a disputed event's sources name, in the order they first appear, each with its accounts."""
    aspects: dict[str, list[Cited]] = defaultdict(list)
    for number, source in enumerate(event.sources, start=1):
        if source.aspect:
            aspects[source.aspect].append(Cited(number, source))
    return tuple(Dispute(aspect, tuple(accounts)) for aspect, accounts in aspects.items())
