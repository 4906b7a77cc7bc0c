"""Registry: one declaration per record type — its keys, folder, file suffixes, URL section, link scheme,
page template and dataclass.

Everything that differs between events, actors and articles is said here once; load,
check, model, render, the editor tools and the JSON Schemas read it from here. A new
record type is one :class:`RecordType` added to :data:`TYPES` (and, for a page per
record, a template of that name): its files are loaded from ``content/<folder>/``,
checked against its fields, linked as ``<name>:ID`` from Markdown and rendered to
``<folder>/ID/``; with :data:`DRAFT` among its fields, a record of it can be a draft.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from dossier.records import Actor, Article, Citation, Dossier, Event, KeyPoint, Role
from dossier.schema import Field, ids

EVENT_KINDS = ("meeting", "call", "statement", "offer", "report", "military", "sanction", "aid", "other")
ACTOR_KIND_LABELS = {"person": "People", "organization": "Organisations", "state": "States", "place": "Places"}
ACTOR_KINDS = tuple(ACTOR_KIND_LABELS)  # in the order actor lists group them
STATUS_MEANINGS = {
    "confirmed": "on the record from the actor or officially confirmed, or reported by several independent sources",
    "reported": "one outlet's account, or an unnamed source's",
    "disputed": "the sources contradict each other on a fact of the event; its page sets their accounts side by side",
    "planned": "announced, not (yet) reported as done",
}
STATUSES = tuple(STATUS_MEANINGS)
TAG = "tag"  # tags are not records, but have pages: tags/ID/
TAG_SECTION = "tags"
# Tags on one event. Each tag page lists the event with all its tags, so an event's tags cost their
# number squared in output: 1,000 tags on one event made 58 MB. A real event has a handful.
MAX_TAGS = 20


@dataclass(frozen=True)
class RecordType:
    """What a kind of record is: where its files are, what keys they hold, what they become."""

    name: str  # "event": the type's name in messages, its link scheme (event:ID) and its template variable
    folder: str  # "events": content/events/ holds the files; events/ID/ is each record's page
    fields: tuple[Field, ...]
    cls: type | None = None  # the record's frozen dataclass; made from the fields when not given
    suffixes: tuple[str, ...] = (".yaml", ".yml")
    body: bool = False  # Markdown with YAML front matter: the text after it is the record's ``body``
    template: str | None = None  # the page of each record (None: no page)
    nav: str = ""  # the navigation entry its pages sit under ("timeline" for events)
    title: str = "title"  # the key that names a record in lists and links
    body_help: str = ""  # with ``body``: what the text after the front matter holds

    @property
    def record_class(self) -> type:
        return self.cls or _made(self.name, self.fields, self.body)

    @property
    def section(self) -> str:
        """The URL section of its pages."""
        return self.folder


_MADE: dict[tuple[str, tuple[Field, ...], bool], type] = {}


def _made(name: str, fields: tuple[Field, ...], body: bool) -> type:
    """A frozen dataclass with an attribute per key (optional ones default to None), plus ``id``, ``path`` and ``body``."""
    key = (name, fields, body)
    if key not in _MADE:
        required = [(f.attribute, Any) for f in fields if f.required]
        optional = [(f.attribute, Any, dataclasses.field(default=None)) for f in fields if not f.required]
        extra: list[tuple[str, Any, Any]] = [
            ("path", str, dataclasses.field(default="")),
            ("body", str, dataclasses.field(default="")),
        ]
        extra += [("body_line", int, dataclasses.field(default=1))] if body else []
        made = dataclasses.make_dataclass(name.title(), [("id", str), *required, *optional, *extra], frozen=True)
        made.__module__, made.__qualname__ = __name__, _made_name(name)  # picklable: workers get records by value
        _MADE[key] = made
    return _MADE[key]


def _made_name(name: str) -> str:
    return f"_Made{name.title().replace('-', '_')}"


def __getattr__(attribute: str) -> type:
    """The record class of a record type declared without one, by the name pickle stored it under."""
    for record_type in TYPES.values():
        if record_type.cls is None and _made_name(record_type.name) == attribute:
            return record_type.record_class
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")


PLACEHOLDER = "TODO:"  # a paragraph starting with it is still to be written: dossier new writes them, check warns of them
DRAFT = Field(
    "draft",
    "bool",
    "true while the record is unfinished: dossier build and check leave it out, dossier serve shows it marked as a draft",
    example="true",
)  # a key of every record type: see published() and check's drafts

SOURCE_FIELDS = (
    Field(
        "article",
        "id",
        "id of the cited article (its file name in content/articles/)",
        True,
        ref="article",
        example="toi-2022-02-27-liveblog",
    ),
    Field(
        "quote",
        "text",
        "the exact words of the article that support the claim",
        True,
        example='"Bennett proposes that Israel serve as a mediator"',
    ),
    Field(
        "note",
        "markdown",
        "optional remark, e.g. how this source differs from another in detail",
        example='The blog says "around noon"; [the report](source:2) says "afternoon".',
    ),
    Field(
        "aspect",
        "text",
        'on a disputed event: the fact in dispute this source speaks to, e.g. "Putin\'s answer"',
        example="Putin's answer",
    ),
    Field(
        "says",
        "markdown",
        "on a disputed event: what this source says of that fact, in a few words",
        example="Putin was open to the offer.",
    ),
)
SOURCE = Field("", "record", "a source", fields=SOURCE_FIELDS, cls=Citation)

DOSSIER = RecordType(
    "dossier",
    "",
    (
        Field("title", "text", "title of the dossier", True, example='"Israel as mediator: Russia and Ukraine, 2021–2022"'),
        Field("subtitle", "text", "one line under the title", example="What five news reports say"),
        Field("as_of", "date", "date the dossier is current to", True, example='"2022-04"'),
        Field(
            "language",
            "lang",
            "language of the content and of the interface around it (built in: en, he; any other gets it in English)",
            example="en",
        ),
        Field(
            "base_url",
            "base_url",
            "public address of the site, for the sitemap, the feed and the 404 page",
            example="https://example.org/dossier/",
        ),
        Field("summary", "markdown", "the bottom line up front", True, example="Israel offered to mediate … (Markdown)"),
        Field(
            "key_points",
            "list",
            "judgements, each backed by events",
            item=Field(
                "",
                "record",
                "a key point",
                fields=(
                    Field(
                        "text",
                        "markdown",
                        "the judgement, one sentence",
                        True,
                        example="Israel kept its criticism of Russia low-key.",
                    ),
                    ids("events", "event", "events that back the judgement", True, 1, example="[2022-02-27-bennett-putin-call]"),
                ),
                cls=KeyPoint,
            ),
        ),
    ),
    Dossier,
)

EVENT = RecordType(
    "event",
    "events",
    (
        Field("title", "text", "what happened, in one line", True, example="Bennett offers Putin mediation in a phone call"),
        Field("date", "date", "when it happened", True, example='"2022-02-27"'),
        Field("end", "date", "when it ended, for events that lasted", not_before="date", example='"2022-03"'),
        Field("approximate", "bool", "true when the source gives the date vaguely", example="true"),
        Field("time", "time", "time of day as HH:MM, where a source gives it: orders the events of one day", example='"12:00"'),
        ids(
            "after",
            "event",
            "events the sources place this one after (orders events without inventing a date)",
            example="[2022-02-27-zelensky-rejects-talks-in-belarus]",
        ),
        Field("kind", "choice", "what sort of event", True, choices=EVENT_KINDS),
        ids("actors", "actor", "who took part or was concerned", example="[naftali-bennett, vladimir-putin]"),
        Field(
            "tags",
            "list",
            "topics",
            item=Field("", "slug", "a tag"),
            max_items=MAX_TAGS,
            too_many="each tag's page lists the event with every tag it has: keep the few topics it is about",
            example="[mediation]",
        ),
        Field("status", "choice", "how well the event is established", True, choices=STATUSES),
        Field(
            "summary",
            "markdown",
            "what happened, in a few sentences",
            example="[Bennett](actor:naftali-bennett) called … (Markdown)",
        ),
        Field("sources", "list", "passages that report the event", True, item=SOURCE, min_items=1),
        DRAFT,
    ),
    Event,
    template="event.html",
    nav="timeline",
)

ACTOR = RecordType(
    "actor",
    "actors",
    (
        Field("name", "text", "name as the sources most often write it", True, example="Naftali Bennett"),
        Field("kind", "choice", "what the actor is", True, choices=ACTOR_KINDS),
        Field("aliases", "list", "other names used in the sources", item=Field("", "text", "a name"), example="[Bennett]"),
        Field("summary", "markdown", "who the actor is, from the sources", example="Prime Minister of Israel from June 2021."),
        Field(
            "roles",
            "list",
            "titles the actor held",
            item=Field(
                "",
                "record",
                "a role",
                fields=(
                    Field("title", "text", "the title as the sources give it", True, example="Prime Minister of Israel"),
                    Field("from", "date", "when the role began", attr="start", example='"2021-06"'),
                    Field("to", "date", "when the role ended", attr="end", not_before="from", example='"2022-06"'),
                    Field("source", "record", "the passage that gives the title", fields=SOURCE_FIELDS[:2], cls=Citation),
                ),
                cls=Role,
            ),
        ),
        ids("affiliations", "actor", "actors this one belongs to", example="[israel]"),
        DRAFT,
    ),
    Actor,
    template="actor.html",
    nav="actors",
    title="name",
)

ARTICLE = RecordType(
    "article",
    "articles",
    (
        Field("title", "text", "the headline", True, example='"Ukraine president asked Bennett to mediate"'),
        Field("subtitle", "text", "the dek", example="Putin said no, an Israeli official confirmed"),
        Field("outlet", "text", "who published it", example="The Jerusalem Post"),
        Field("author", "text", "the byline", example="Lahav Harkov"),
        Field("published", "datetime", "publication date, optionally with HH:MM", example='"2022-01-19 14:05"'),
        Field("approximate", "bool", "true when the capture prints no date and 'published' is the editor's inference"),
        Field("updated", "datetime", "date of the last update", example='"2022-01-20"'),
        Field("url", "url", "where it was published", example="https://www.example.org/article"),
        Field("raw", "capture", "file name of the original capture in content/raw/", example="002_9f4127f4181aa6fb.txt"),
        Field(
            "notes", "markdown", "editor's notes, e.g. how a missing date was inferred", example="The capture prints no date; …"
        ),
        Field("headline", "bool", "false when the capture prints no headline and the title is the editor's description"),
        DRAFT,
    ),
    Article,
    suffixes=(".md",),
    body=True,
    template="article.html",
    body_help="the article's own text, word for word: one paragraph per block, a blank line between paragraphs",
    nav="articles",
)

# Free pages (About, Methodology): Markdown rendered with the theme, listed in every page's footer. Their section is
# pages/, so no page id can take the address of one of the site's own sections (timeline/, search/, ...).
PAGE = RecordType(
    "page",
    "pages",
    (Field("title", "text", "the page's title, also its link in the footer", True, example="About this dossier"), DRAFT),
    suffixes=(".md",),
    body=True,
    template="page.html",
    body_help="the page's text, in Markdown",
)

TYPES: dict[str, RecordType] = {t.name: t for t in (EVENT, ACTOR, ARTICLE, PAGE)}


def published(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """A record type's keys as the exports write them: without ``draft``, since only published records are exported."""
    return tuple(f for f in fields if f is not DRAFT)


def record_types() -> list[RecordType]:
    """The record types kept in ``content/<folder>/``, in the order they are loaded and listed."""
    return list(TYPES.values())


def every_type() -> list[RecordType]:
    """The dossier itself, then every record type."""
    return [DOSSIER, *TYPES.values()]


def by_name(name: str) -> RecordType:
    return DOSSIER if name == DOSSIER.name else TYPES[name]


def schemes() -> tuple[str, ...]:
    """The link schemes of Markdown links to records: ``[text](event:ID)``."""
    return tuple(TYPES)


def page_url(kind: str, record_id: str) -> str:
    """The page of a record (the overview for the dossier itself, a tag's page for a tag), relative to the site root."""
    if kind == DOSSIER.name:
        return ""
    section = TAG_SECTION if kind == TAG else TYPES[kind].section
    return f"{section}/{record_id}/"


def title_of(record: Any) -> str:
    """What a record is called in lists and links."""
    for record_type in TYPES.values():
        if isinstance(record, record_type.record_class):
            return str(getattr(record, record_type.title))
    return str(getattr(record, "title", getattr(record, "id", "")))


def kind_of(record: Any) -> str:
    """The record type's name of a record."""
    for record_type in TYPES.values():
        if isinstance(record, record_type.record_class):
            return record_type.name
    raise TypeError(f"not a record: {type(record).__name__}")
