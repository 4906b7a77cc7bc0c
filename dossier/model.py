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
from typing import Any

from dossier import i18n, markup
from dossier.chronology import Year, timeline, when
from dossier.facets import Facets, by_count, facets
from dossier.i18n import Labels
from dossier.memo import Memo, Once
from dossier.mentions import find_mentions
from dossier.overview import Overview, layout, relabelled
from dossier.passages import CitedRange, Passage, collect, ranges
from dossier.records import Actor, Article, Citation, Dossier, Event, Records
from dossier.registry import ACTOR_KINDS
from dossier.reuse import chronological_order, neighbours_of, same_shape, timeline_of, whole_facets
from dossier.search_entries import SearchEntry, search_entries

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

    With a ``memo`` (a session keeps one), what depends only on unchanged records is not computed again: a save that
    changes one event costs about what that event's parts cost (see :meth:`Memo.by_record`)."""
    memo = memo if memo is not None else Once()
    memo.begin()
    words = i18n.labels(records.dossier.language)
    same_words = memo.same("words", {"": words})
    events, same_order = chronological_order(records.events, memo)
    actors = tuple(sorted(records.actors, key=lambda a: (ACTOR_KINDS.index(a.kind), a.name.casefold(), a.id)))
    articles = tuple(
        sorted(records.articles, key=lambda a: (a.published is None, a.published.sort_key() if a.published else (), a.id))
    )
    new_events, new_actors, new_articles = (
        memo.fresh("event", events),
        memo.fresh("actor", actors),
        memo.fresh("article", articles),
    )
    actor_by_id, article_by_id = new_actors.now, new_articles.now
    same_actors = new_actors.same_ids and not new_actors.changed  # no actor changed since the last build (the usual save)

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
    by_actor = memo.stable("actor_events", {a.id: tuple(actor_events[a.id]) for a in actors})
    moved = memo.moved.get("actor_events", set())  # the actors whose events are not the last build's
    passages = memo.stable("passages", _passages(collect(records, words, memo), articles))
    mentions = memo.stable("mentions", find_mentions(actors, articles, memo))
    rank = {a.id: (a.name.casefold(), a.id) for a in actors}  # how actors with as many events are ordered
    mentioned_in: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for actor in mentions[article.id]:
            mentioned_in[actor.id].append(article)

    # after a save that changed actors (a name) or articles (a quote's text), what shows them is made again: the
    # events naming or citing them, the actors they appear with; the rest holds none of them
    near = moved | {other for actor_id in new_actors.edited for e in by_actor.get(actor_id, ()) for other in e.actors}
    naming = {e.id for actor_id in new_actors.edited for e in by_actor.get(actor_id, ())}
    citing_edited = {e.id for article_id in new_articles.edited for e in citing.get(article_id, ())}

    def per_actor(name: str, function: Any, *args: Any, still: bool = True) -> dict[str, Any]:
        """A value for each actor from its events (and ``args``): made again for the actors whose events changed, and
        those who appear with an edited actor."""
        return memo.by_record(name, function, new_actors, by_actor, *args, still=still, also=near)

    lookup = (actor_by_id, rank)
    # the whole dossier's facets and overview read the events' dates, actors, tags, status and kind, not their titles
    # or texts: after the usual save they are last build's (the overview's marks relabelled)
    labels = memo.by_record("mark labels", _mark_label, new_events, words, still=same_words)
    shaped = same_actors and same_words and same_shape(memo.results.get("events"), events)
    all_facets = whole_facets(memo, new_events, actor_by_id, rank, shaped)
    overview = relabelled(memo.results["overview"], labels) if shaped else layout(events, actor_by_id, labels, labels=words)
    memo.results.update(events=events, overview=overview)

    ordered = {**records.by_type, "event": events, "actor": actors, "article": articles}
    lookup_of = {"event": new_events.now, "actor": actor_by_id, "article": article_by_id}
    site = Site(
        dossier=records.dossier,
        records=ordered,
        lookup={kind: lookup_of[kind] if kind in lookup_of else {r.id: r for r in items} for kind, items in ordered.items()},
        actor_events=by_actor,
        event_actors=memo.by_record("event actors", _event_actors, new_events, actor_by_id, also=naming),
        event_places=memo.by_record("event places", _event_places, new_events, actor_by_id, also=naming),
        co_actors=per_actor("co actors", _co, False, lookup),
        co_places=per_actor("co places", _co, True, lookup),
        mentions=mentions,
        mentioned_in=memo.stable("mentioned_in", {a.id: tuple(mentioned_in[a.id]) for a in actors}),
        event_sources=memo.by_record("event sources", _source_groups, new_events, article_by_id, also=citing_edited),
        disputes={e.id: memo.each(_disputes, e) for e in events if e.status == "disputed"},
        passages=passages,
        cited=memo.by_record("cited", _cited, new_articles, passages, also=memo.moved.get("passages", set())),
        citing_events=memo.stable("citing_events", {a.id: tuple(citing[a.id]) for a in articles}),
        tags=memo.stable("tags", {tag: tuple(tags[tag]) for tag in sorted(tags)}),
        timeline=timeline_of(events, words, memo, new_events, same_order and same_words),
        facets=all_facets,
        overview=overview,
        one_line=memo.by_record("one line", _one_line, new_events),
        actor_timeline=per_actor("actor timeline", _actor_timeline, words, still=same_words),
        actor_facets=per_actor("actor facets", _actor_facets, lookup),
        search=search_entries(new_events, new_actors, new_articles, by_actor, mentions, words, memo, moved),
        neighbours=neighbours_of(events, memo, new_events),
        page_links=tuple(
            PageLink(p.id, p.title, bool(getattr(p, "draft", False)))
            for p in sorted(records.of("page"), key=lambda p: (p.title, p.id))
        ),
        eventless=tuple(sorted((a for a in actors if not actor_events[a.id]), key=lambda a: (a.name.casefold(), a.id))),
        key_actors=tuple(sorted(actors, key=lambda a: (-len(actor_events[a.id]), a.name.casefold(), a.id))[:KEY_ACTORS]),
        latest=events[::-1][:LATEST],
        changed=records.changed,
    )
    memo.end()
    return site


def _passages(found: Mapping[str, tuple[Passage, ...]], articles: Sequence[Article]) -> dict[str, tuple[Passage, ...]]:
    return {a.id: found.get(a.id, ()) for a in articles}


def _cited(article: Article, passages: Mapping[str, tuple[Passage, ...]]) -> tuple[CitedRange, ...]:
    return ranges(passages[article.id], article.body)


def _one_line(event: Event) -> str:
    return one_line(event.summary)


def _actor_timeline(actor: Actor, by_actor: Mapping[str, tuple[Event, ...]], words: Labels) -> tuple[Year, ...]:
    return timeline(by_actor[actor.id], words)


def _event_actors(event: Event, actors: Mapping[str, Actor]) -> tuple[Actor, ...]:
    return tuple(actors[a] for a in dict.fromkeys(event.actors) if not is_place(actors[a]))


def _event_places(event: Event, actors: Mapping[str, Actor]) -> tuple[Actor, ...]:
    return tuple(actors[a] for a in dict.fromkeys(event.actors) if is_place(actors[a]))


def _mark_label(event: Event, words: Labels) -> str:
    """An event's name on the overview: its date, title and status."""
    return words("{date}: {title} ({status})", date=when(event, words), title=event.title, status=words(event.status))


Lookup = tuple[Mapping[str, Actor], Mapping[str, Any]]  # actors by id, and the order of actors with as many events


def _actor_facets(actor: Actor, by_actor: Mapping[str, tuple[Event, ...]], lookup: Lookup) -> Facets:
    """What the events of ``actor`` can be narrowed by (the other actors in them, their tags, statuses, kinds)."""
    return facets(by_actor[actor.id], lookup[0], actor.id, lookup[1])


def _co(actor: Actor, by_actor: Mapping[str, tuple[Event, ...]], places: bool, lookup: Lookup) -> tuple[tuple[Actor, int], ...]:
    """The other actors (or the places) of the events of ``actor``, with how many of them each is in."""
    actors, rank = lookup
    actor_id = actor.id
    together = Counter(other for e in by_actor[actor_id] for other in dict.fromkeys(e.actors) if other != actor_id)
    return tuple((actors[other], together[other]) for other in by_count(together, rank) if is_place(actors[other]) == places)


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
