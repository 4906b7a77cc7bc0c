"""Records: the typed, immutable form of every content file once it has passed its checks.

Each dataclass's attributes are its record type's keys (``registry`` declares them), so
``schema.construct`` builds them by name; ``id`` and ``path`` come from the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dossier.dates import PartialDate


@dataclass(frozen=True)
class Citation:
    """A passage of an article that supports a claim."""

    article: str
    quote: str
    note: str | None = None
    aspect: str | None = None  # on a disputed event: the fact in dispute this source speaks to
    says: str | None = None  # ... and what it says of it


@dataclass(frozen=True)
class Role:
    title: str
    start: PartialDate | None = None
    end: PartialDate | None = None
    source: Citation | None = None


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    roles: tuple[Role, ...] = ()
    affiliations: tuple[str, ...] = ()
    draft: bool = False  # shown only in the preview (see check_project)
    path: str = ""


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    date: PartialDate
    kind: str
    status: str
    sources: tuple[Citation, ...]
    end: PartialDate | None = None
    approximate: bool = False
    time: str | None = None  # "HH:MM", for the order of same-day events
    after: tuple[str, ...] = ()  # events the sources place this one after
    actors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
    draft: bool = False  # shown only in the preview (see check_project)
    path: str = ""


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    body: str
    subtitle: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: PartialDate | None = None
    updated: PartialDate | None = None
    url: str | None = None
    raw: str | None = None
    notes: str | None = None
    headline: bool = True  # False: the capture prints no headline, the title is the editor's description
    approximate: bool = False  # True: the capture prints no date, ``published`` is the editor's inference
    draft: bool = False  # shown only in the preview (see check_project)
    path: str = ""
    body_line: int = 1


@dataclass(frozen=True)
class KeyPoint:
    text: str
    events: tuple[str, ...]


@dataclass(frozen=True)
class Dossier:
    title: str
    as_of: PartialDate
    summary: str
    subtitle: str | None = None
    language: str = "en"
    base_url: str | None = None  # ends with "/"
    key_points: tuple[KeyPoint, ...] = ()
    path: str = "content/dossier.yaml"


@dataclass(frozen=True)
class Records:
    """Every record of a project that passed its checks: the dossier, and each record type's records by id."""

    dossier: Dossier
    by_type: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    changed: Mapping[str, int] = field(default_factory=dict)  # record file path -> when it last changed (seconds, UTC)
    drafts_left_out: tuple[str, ...] = ()  # the files of the drafts these records leave out (all of them, but in a preview)

    def of(self, kind: str) -> tuple[Any, ...]:
        return self.by_type.get(kind, ())

    @property
    def events(self) -> tuple[Event, ...]:
        return self.of("event")

    @property
    def actors(self) -> tuple[Actor, ...]:
        return self.of("actor")

    @property
    def articles(self) -> tuple[Article, ...]:
        return self.of("article")
