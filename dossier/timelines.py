"""Timelines: the events for calendar and timeline tools — an RFC 5545 calendar and TimelineJS3 JSON.

``data/events.ics`` has one all-day ``VEVENT`` per event: an event known to the day
lasts that day, one known only to the month spans the month and one known only to the
year the year (``DTEND`` is the day after the last, as RFC 5545 wants), to its ``end``
if it has one. Its ``UID`` is the event's id at ``dossier`` (or at the site's address
with ``base_url``), the same in every build; its ``DTSTAMP`` is the dossier's as-of date,
so the same content gives the same bytes. Its ``DESCRIPTION`` is the summary as plain
text, with the date as shown, the status and the sources. ``URL`` is the event's page
only with ``base_url``: the property must hold an absolute URI. Text is escaped as the
RFC says, lines end with CRLF and are folded at 75 octets.

``data/timeline.json`` is TimelineJS3's JSON: the dossier as the title slide, each event
a slide with its date's precision kept (year, month or day), its status and actors in the
text, a link to its page and its first quote as the slide's media, credited to its
sources. Every text is HTML-escaped, and a quote is written so that TimelineJS cannot
take it for an embed (its media types are told apart by words such as "iframe" or
".pdf" in the media's address). Pure.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from dossier import markup
from dossier.dates import PartialDate, when
from dossier.exports import address, json_pieces, plain, source_name, wanted
from dossier.model import Site
from dossier.passages import source_anchor, text_html
from dossier.project import DATA, Output, Streamed
from dossier.records import Event
from dossier.registry import STATUS_MEANINGS, page_url

PRODID = "-//dossier//dossier events//EN"
FOLD = 75  # octets per line, CRLF not counted


def calendar(site: Site) -> Iterator[Output]:
    """``data/events.ics``: one all-day event per event."""
    if wanted(site, "events.ics"):
        yield Output(f"{DATA}/events.ics", ics(site))


def ics(site: Site) -> bytes:
    dossier = site.dossier
    stamp = f"{dossier.as_of.latest():%Y%m%d}T000000Z"
    where = urlsplit(dossier.base_url) if dossier.base_url else None
    domain = f"{where.netloc}{where.path.rstrip('/')}" if where else "dossier"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    lines += [f"NAME:{escape_text(dossier.title)}", f"X-WR-CALNAME:{escape_text(dossier.title)}"]
    for event in site.events:
        first = event.date.earliest()
        after_last = (event.end or event.date).latest() + dt.timedelta(days=1)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.id}@{domain}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
            f"DTEND;VALUE=DATE:{after_last:%Y%m%d}",
            f"SUMMARY:{escape_text(event.title)}",
            f"DESCRIPTION:{escape_text(description(site, event))}",
            f"CATEGORIES:{','.join(escape_text(c) for c in (event.kind, event.status, *event.tags))}",
        ]
        if dossier.base_url:
            lines.append(f"URL:{dossier.base_url}{page_url('event', event.id)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) + b"\r\n" for line in lines)


def description(site: Site, event: Event) -> str:
    """An event in plain text: its summary, its date as shown (with its precision), its status and its sources."""
    shown = when(event.date, event.end, event.approximate)
    precision = {"month": " (day not given)", "year": " (month not given)"}.get(event.date.precision, "")
    parts = [plain(event.summary)] if event.summary else []
    parts.append(f"When: {shown}{precision}\nStatus: {event.status} ({STATUS_MEANINGS[event.status]})")
    sources = dict.fromkeys(source_name(site.article[s.article]) for s in event.sources)
    parts.append("Sources: " + "; ".join(sources))
    return "\n\n".join(parts)


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11): backslash, semicolon and comma escaped, line breaks as \\n, no controls."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return re.sub(r"[\x00-\x08\x0a-\x1f\x7f]", "", text)


def fold(line: str) -> bytes:
    """A content line folded at 75 octets (RFC 5545, 3.1): never inside a UTF-8 character; each next line starts
    with a space."""
    data = line.encode("utf-8")
    parts: list[bytes] = []
    limit = FOLD
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # a continuation byte: cut before its character
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
        limit = FOLD - 1  # the leading space counts
    parts.append(data)
    return b"\r\n ".join(parts)


def timelinejs(site: Site) -> Iterator[Output | Streamed]:
    """``data/timeline.json``: the dossier's events as a TimelineJS3 timeline."""
    if wanted(site, "timeline.json"):
        yield Streamed(f"{DATA}/timeline.json", lambda: json_pieces(timeline_data(site), sort_keys=False))


def timeline_data(site: Site) -> dict[str, Any]:
    dossier = site.dossier
    intro = [f"<p>{html.escape(dossier.subtitle)}</p>"] if dossier.subtitle else []
    intro.append(f"<p>Current to {html.escape(dossier.as_of.label())}.</p>")
    intro.append(_html(site, dossier.summary))
    title = {"text": {"headline": html.escape(dossier.title), "text": "".join(intro)}, "unique_id": "title"}
    return {"title": title, "events": (slide(site, event) for event in site.events)}  # made as json_pieces writes them


def slide(site: Site, event: Event) -> dict[str, Any]:
    """An event as a TimelineJS slide."""
    e = html.escape
    text = [_html(site, event.summary, event)] if event.summary else []
    text.append(f"<p><strong>Status:</strong> {e(event.status)} — {e(STATUS_MEANINGS[event.status])}.</p>")
    for label, actors in (("Actors", site.event_actors[event.id]), ("Where", site.event_places[event.id])):
        if actors:
            text.append(f"<p><strong>{label}:</strong> {e(', '.join(actor.name for actor in actors))}</p>")
    page = address(site, page_url("event", event.id))
    text.append(f'<p><a href="{e(page)}">The event’s page, with every source</a></p>')
    data: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": timeline_date(event.date, event.time),
        "display_date": when(event.date, event.end, event.approximate),
        "text": {"headline": e(event.title), "text": "".join(text)},
    }
    if event.end is not None and event.end != event.date:
        data["end_date"] = timeline_date(event.end)
    if not event.sources:  # a draft, in the preview, may have none yet
        return data
    credits = []
    for group in site.event_sources[event.id]:  # each article once, linked to its first passage the event cites
        href = address(site, f"{page_url('article', group.article.id)}#{source_anchor(event.id, group.sources[0].number)}")
        credits.append(f'<a href="{e(href)}">{e(source_name(group.article))}</a>')
    data["media"] = {"url": f"<blockquote>{_inert(e(event.sources[0].quote))}</blockquote>", "credit": "; ".join(credits)}
    return data


def timeline_date(date: PartialDate, time: str | None = None) -> dict[str, str]:
    """A date as TimelineJS takes it: only the parts the date has, so TimelineJS shows its precision."""
    parts = {"year": str(date.year)}
    if date.month:
        parts["month"] = str(date.month)
    if date.day:
        parts["day"] = str(date.day)
        if time:
            parts["hour"], parts["minute"] = (str(int(x)) for x in time.split(":"))
    return parts


_EMBED_WORDS = re.compile(r"iframe|spotify|[./:]", re.IGNORECASE)


def _inert(text: str) -> str:
    """Escaped text in which TimelineJS finds none of the words it tells embeds by: each one's first character
    written as a character reference (shown the same)."""
    return _EMBED_WORDS.sub(lambda m: f"&#{ord(m.group()[0])};{m.group()[1:]}", text)


def _html(site: Site, text: str, event: Event | None = None) -> str:
    rendered = text_html(text, 2, event)
    return rendered.replace(markup.ROOT, site.dossier.base_url or "")
