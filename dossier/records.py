"""Records: the typed, immutable form of every content file once it has passed its checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from dossier.dates import PartialDate
from dossier.errors import Location


@dataclass(frozen=True)
class Citation:
    """A quote from an article that supports a claim."""

    article: str
    quote: str
    note: str | None = None
    location: Location = field(default=Location(""), compare=False, repr=False)


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
    actors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
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


@dataclass(frozen=True)
class Records:
    """Every record of a project that passed its checks."""

    dossier: Dossier
    events: tuple[Event, ...]
    actors: tuple[Actor, ...]
    articles: tuple[Article, ...]
