"""Structured data: what each page says about itself to search engines and link previews.

:func:`page_meta` gives a page its meta description, its Open Graph type, its canonical
address (only with ``base_url``: a canonical link must be absolute) and its schema.org
JSON-LD: an event is an ``Event`` with its actors as attendees and its places as its
location, an actor a ``Person``, ``Organization``, ``Country`` or ``Place``, an article a
``NewsArticle``, and the overview a ``Dataset`` whose downloads are the exports. The
theme's ``partials/meta.html`` writes them into every page's head.

The JSON-LD is escaped for the ``<script>`` element it goes in: ``<``, ``>`` and ``&``
become ``\\u003c``, ``\\u003e`` and ``\\u0026``, so no text can close the element. Without
``base_url`` its addresses are relative to the page, which JSON-LD resolves against the
page's own address. Pure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from dossier import markup
from dossier.dates import PartialDate, when
from dossier.model import Site
from dossier.project import DATA
from dossier.records import Actor, Article, Event
from dossier.registry import kind_of, page_url

SCHEMA_TYPES = {"person": "Person", "organization": "Organization", "state": "Country", "place": "Place"}
DESCRIPTION = 200  # characters of a meta description, at most
DOWNLOADS = (  # the exports the overview's Dataset lists: file, media type
    ("dossier.json", "application/json"),
    ("events.csv", "text/csv"),
    ("actors.csv", "text/csv"),
    ("events.ics", "text/calendar"),
    ("timeline.json", "application/json"),
)
_SECTIONS = {  # fixed pages: what they hold, for their description
    "timeline/index.html": "Every event in order",
    "actors/index.html": "Every actor, grouped by kind",
    "articles/index.html": "The source articles",
    "tags/index.html": "The events by topic",
    "search/index.html": "Search the events, actors and source articles",
    "brief/index.html": "A printable brief: the bottom line, the key points and the whole chronology with its sources",
}


@dataclass(frozen=True)
class Meta:
    """What a page says about itself: its description, Open Graph type, canonical address and JSON-LD."""

    description: str
    og_type: str  # "website", "article" or "profile"
    url: str | None  # absolute, only with base_url
    json_ld: Markup | None


def page_meta(site: Site, path: str, record: Any = None) -> Meta:
    """The structured data of the page at ``path`` (under the output folder), showing ``record`` if it is a record's."""
    at = _Addresses(site, path)
    words = site.labels
    kind = kind_of(record) if record is not None else ""
    data: dict[str, Any] | None = None
    og_type = "website"
    if kind == "event":
        data, og_type = event_data(site, record, at), "article"
        shown = when(record.date, record.end, record.approximate, labels=words)
        description = words("{date}: {title}", date=shown, title=plain(record.summary) or record.title)
    elif kind == "actor":
        data = actor_data(site, record, at)
        og_type = "profile" if record.kind == "person" else "website"
        description = plain(record.summary) or words("{name}, in {title}", name=record.name, title=site.dossier.title)
    elif kind == "article":
        data, og_type = article_data(site, record, at), "article"
        source = ", ".join(x for x in (record.outlet, record.published.label(words) if record.published else None) if x)
        text = record.subtitle or plain(record.body)
        description = f"{source}: {text}" if source else text
    elif kind == "page":
        description = plain(record.body) or record.title
    elif path == "index.html":
        data = dataset_data(site, at)
        description = plain(site.dossier.summary)
    elif path.startswith("tags/") and path.count("/") == 2:
        tag = path.split("/")[1]
        description = words("Events tagged {tag}, in {title}", tag=tag, title=site.dossier.title)
    elif path in _SECTIONS:
        description = words("{name}, in {title}", name=words(_SECTIONS[path]), title=site.dossier.title)
    else:
        description = site.dossier.title
    canonical = at.absolute(_page_of(path)) if path != "404.html" else None
    return Meta(shorten(description), og_type, canonical, script_json(data) if data else None)


def plain(text: str | None) -> str:
    """The words of a Markdown text on one line."""
    return " ".join(markup.plain_text(text).split()) if text else ""


def shorten(text: str, limit: int = DESCRIPTION) -> str:
    """``text`` on one line, cut at a word to at most ``limit`` characters (an ellipsis says it was cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:.–- ") + "…"


def script_json(data: Any) -> Markup:
    """JSON for a ``<script>`` element: no ``<``, ``>`` or ``&`` in it, so nothing in it can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return Markup(text)


class _Addresses:
    """Addresses of other pages as seen from one page: absolute with base_url, else relative to the page."""

    def __init__(self, site: Site, path: str) -> None:
        self.base = site.dossier.base_url
        self.root = "../" * path.count("/")

    def __call__(self, target: str) -> str:
        return self.base + target if self.base else (self.root + target or "./")

    def absolute(self, target: str) -> str | None:
        return self.base + target if self.base else None


def _page_of(path: str) -> str:
    """The address of the page written to ``path``, from the site root ("events/x/" for "events/x/index.html")."""
    return path.removesuffix("index.html")


def _iso(date: PartialDate) -> str:
    return f"{date.iso()}T{date.time}" if date.time else date.iso()


def _ref(actor: Actor, at: _Addresses) -> dict[str, Any]:
    return {"@type": SCHEMA_TYPES[actor.kind], "name": actor.name, "url": at(page_url("actor", actor.id))}


def event_data(site: Site, event: Event, at: _Addresses) -> dict[str, Any]:
    """An event as a schema.org ``Event``: its actors attend, its places are its location, its sources are about it."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": at(page_url("event", event.id)),
    }
    data["startDate"] = f"{event.date.iso()}T{event.time}" if event.time and event.date.day else _iso(event.date)
    if event.end is not None:
        data["endDate"] = _iso(event.end)
    if event.summary:
        data["description"] = plain(event.summary)
    if event.tags:
        data["keywords"] = ", ".join(event.tags)
    if site.event_actors[event.id]:
        data["attendee"] = [_ref(actor, at) for actor in site.event_actors[event.id]]
    if site.event_places[event.id]:
        data["location"] = [_ref(place, at) for place in site.event_places[event.id]]
    data["subjectOf"] = [
        {"@type": "NewsArticle", "headline": group.article.title, "url": at(page_url("article", group.article.id))}
        for group in site.event_sources[event.id]
    ]
    return data


def actor_data(site: Site, actor: Actor, at: _Addresses) -> dict[str, Any]:
    """An actor as its schema.org type; a person's roles are job titles, its affiliations organisations."""
    data: dict[str, Any] = {"@context": "https://schema.org", **_ref(actor, at)}
    if actor.aliases:
        data["alternateName"] = list(actor.aliases)
    if actor.summary:
        data["description"] = plain(actor.summary)
    others = [_ref(site.actor[other], at) for other in actor.affiliations if other in site.actor]
    if actor.kind == "person":
        if actor.roles:
            data["jobTitle"] = [role.title for role in actor.roles]
        if others:
            data["affiliation"] = others
    elif actor.kind == "organization" and others:
        data["memberOf"] = others
    return data


def article_data(site: Site, article: Article, at: _Addresses) -> dict[str, Any]:
    """An article as a schema.org ``NewsArticle``, based on the original, mentioning its actors, about its events."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title}
    data["url"] = at(page_url("article", article.id))
    if article.subtitle:
        data["alternativeHeadline"] = article.subtitle
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    if article.outlet:
        data["publisher"] = {"@type": "Organization", "name": article.outlet}
    if article.published:
        data["datePublished"] = _iso(article.published)
    if article.updated:
        data["dateModified"] = _iso(article.updated)
    if article.url:
        data["isBasedOn"] = article.url
    if site.mentions[article.id]:
        data["mentions"] = [_ref(actor, at) for actor in site.mentions[article.id]]
    if site.citing_events[article.id]:
        data["about"] = [
            {"@type": "Event", "name": e.title, "startDate": _iso(e.date), "url": at(page_url("event", e.id))}
            for e in site.citing_events[article.id]
        ]
    return data


def dataset_data(site: Site, at: _Addresses) -> dict[str, Any]:
    """The dossier as a schema.org ``Dataset``: its span of time and its exports as downloads."""
    dossier = site.dossier
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Dataset", "name": dossier.title, "url": at("")}
    data["description"] = plain(dossier.summary)
    data["inLanguage"] = dossier.language
    if site.events:
        first = min((e.date for e in site.events), key=PartialDate.sort_key)
        last = max((e.end or e.date for e in site.events), key=PartialDate.latest)
        data["temporalCoverage"] = f"{first.iso()}/{last.iso()}"
    data["distribution"] = [
        {"@type": "DataDownload", "encodingFormat": media, "contentUrl": at(f"{DATA}/{name}")} for name, media in DOWNLOADS
    ]
    return data
