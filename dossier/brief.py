"""Brief: the printable brief at ``/brief/`` — the bottom line, the key points and the whole chronology, each
event with its summary and numbered source notes, as one document that reads well on paper.

On paper a link cannot be followed, so the brief turns the links of its texts into notes:
a link to a passage of an article (or to one of the event's own sources) keeps its words
and gets a note number, and the note gives the outlet, the date, the article's address
and the words cited; a link to an event leads to that event further on in the brief.
Notes are numbered through the whole document in reading order: the bottom line's, the
key points', then each event's: those its summary links to, where it does, then the rest
of its sources in their order. The events come in
the site's one order, grouped by month as the timeline groups them. Pure: builds the
:class:`Brief` that the ``brief.html`` template shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from dossier import markup
from dossier.model import Site
from dossier.passages import SOURCE_SCHEME, passage_anchor, resolve_link, source_anchor
from dossier.records import Event
from dossier.registry import page_url

PATH = "brief/index.html"
ROOT = "../"  # from the brief's page back to the site root
_NOTE_LINK = re.compile(r'<a href="#note-(\d+)"( title="[^"]*")?>(.*?)</a>', re.S)


@dataclass(frozen=True)
class Note:
    """A numbered source note: the article, the words cited (if any) and the passage on the site."""

    number: int
    article: Any
    quote: str | None
    target: str  # the article page at the passage, relative to the site root


@dataclass(frozen=True)
class Text:
    """A Markdown text as the brief shows it: links to passages followed by their note numbers, and those notes."""

    html: Markup
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Entry:
    """An event in the chronology: its summary and its notes (each of its sources, and the passages it links to)."""

    event: Event
    summary: Markup
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Group:
    """A heading of the chronology (a month, or a period whose day is not given) and its events in order."""

    label: str
    anchor: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Point:
    """A key point, its notes and the events that back it."""

    text: Text
    events: tuple[Event, ...]


@dataclass(frozen=True)
class Brief:
    summary: Text
    key_points: tuple[Point, ...]
    chronology: tuple[Group, ...]
    notes: int  # how many notes in all


def make_brief(site: Site) -> Brief:
    """The brief of ``site``: every text with its notes, numbered in reading order."""
    notes = _Numbering(site)
    summary = notes.text(site.dossier.summary)
    points = tuple(Point(notes.text(point.text), tuple(site.event[e] for e in point.events)) for point in site.dossier.key_points)
    groups: list[Group] = []
    for year in site.timeline:
        for month in year.months:
            for label, anchor, events in (
                (month.label, f"b-{month.anchor}", month.events),
                (month.undated_label, f"b-{month.anchor}-rest", month.undated),
            ):
                if events:
                    groups.append(Group(label, anchor, tuple(notes.entry(event) for event in events)))
    return Brief(summary, points, tuple(groups), notes.count)


class _Numbering:
    """Hands out note numbers in reading order and renders texts with their notes."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.count = 0

    def note(self, article_id: str, quote: str | None, anchor: str) -> Note:
        self.count += 1
        target = page_url("article", article_id) + (f"#{anchor}" if anchor else "")
        return Note(self.count, self.site.article[article_id], quote, target)

    def entry(self, event: Event) -> Entry:
        """An event with its notes: the sources its summary links to, numbered where it links to them, then the rest."""
        cited: dict[int, Note] = {}

        def source(number: int) -> Note:
            if number not in cited:
                item = event.sources[number - 1]
                cited[number] = self.note(item.article, item.quote, source_anchor(event.id, number))
            return cited[number]

        summary = self.text(event.summary, source, len(event.sources))
        for number in range(1, len(event.sources) + 1):
            source(number)
        notes = sorted([*cited.values(), *summary.notes], key=lambda note: note.number)
        return Entry(event, summary.html, tuple(notes))

    def text(self, text: str, source: Callable[[int], Note] | None = None, sources: int = 0) -> Text:
        """``text`` as HTML, each link to a passage followed by its note number (``source:N`` is ``source(N)``, of
        an event's ``sources``); the notes it needed that are not an event's sources."""
        found: dict[tuple[str, str], Note] = {}

        def resolve(scheme: str, record_id: str, title: str) -> str | None:
            if scheme == SOURCE_SCHEME:
                if source is None or not record_id.isdigit() or not 1 <= int(record_id) <= sources:
                    return None
                return f"#note-{source(int(record_id)).number}"
            if scheme == "event" and record_id in self.site.event:
                return f"#event-{record_id}"
            if scheme == "article" and record_id in self.site.article:
                key = (record_id, title)
                if key not in found:
                    found[key] = self.note(record_id, title or None, passage_anchor(record_id, title) if title else "")
                return f"#note-{found[key].number}"
            return resolve_link(scheme, record_id, title)

        html = markup.render(text, resolve, shift=3) if text else ""
        html = html.replace(markup.ROOT + "#", "#").replace(markup.ROOT, ROOT)
        html = _NOTE_LINK.sub(lambda m: f'{m.group(0)}<sup class="note-ref">{m.group(1)}</sup>', html)
        return Text(Markup(html), tuple(found.values()))
