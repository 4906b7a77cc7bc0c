"""Exports: the dossier as data for other tools, written beside the pages under ``data/``.

Every record as JSON (``dossier.json``, described by ``dossier.schema.json``) and the
events and actors as spreadsheet rows (``events.csv``, ``actors.csv``); ``timelines``
adds the calendar and the TimelineJS timeline. Each format is a producer of finished
files listed in ``pages.OUTPUTS``; a format can also be a template: every
``templates/exports/NAME`` of the project or the theme is rendered to ``data/NAME``
with the site model, and replaces a built-in export of the same name.

Pure: the site model in, bytes out, the same bytes for the same model (keys sorted,
records in the site's order, one record per line, no timestamps). Page addresses are absolute with
``base_url``, else relative to the site root (``events/ID/``).

CSV files are UTF-8 with a byte order mark, because Excel reads a CSV without one in the
local code page and garbles every character outside ASCII (the dossier's dashes, quote
marks and names in other scripts); LibreOffice, Google Sheets and Numbers read the mark
too. Fields are quoted as RFC 4180 says, lines end with CRLF, and a cell that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) starts with an apostrophe instead, which shows it as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from dossier import markup
from dossier.dates import PartialDate, when
from dossier.export_schema import FORMAT_VERSION, dossier_schema
from dossier.model import Site
from dossier.passages import resolver, role_anchor, source_anchor
from dossier.project import DATA, Output, Streamed
from dossier.records import Actor, Event
from dossier.registry import DOSSIER, TAG, by_name, page_url, published
from dossier.schema import Field

BOM = "\ufeff"
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula at the start of a cell
JOIN = "; "  # lists in one cell


def wanted(site: Site, name: str) -> bool:
    """Whether the built-in export ``data/NAME`` is made: a project's template of that name replaces it."""
    return name not in site.export_templates


def address(site: Site, target: str) -> str:
    """A page's address in an export: absolute with ``base_url``, else relative to the site root ("./" for the root)."""
    return (site.dossier.base_url or "") + target or "./"


def json_bytes(data: Any) -> bytes:
    """Indented JSON with sorted keys, UTF-8, ending with a newline (for small documents: indenting is slow)."""
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def json_lines(data: dict[str, Any], sort_keys: bool = True) -> bytes:
    """A JSON object with each of its keys on a line and each item of a list value on a line of its own, UTF-8.

    One record per line keeps a diff of two exports readable, and lets Python's C encoder write
    each line (``indent`` would take the pure-Python one, several times slower on a large dossier).
    """
    return b"".join(json_pieces(data, sort_keys))


def json_pieces(data: dict[str, Any], sort_keys: bool = True) -> Iterator[bytes]:
    """The bytes of :func:`json_lines`, a line at a time. A list value may be an iterator: its items are then made
    one at a time, each encoded as soon as it is made, so that a large dossier's export (written as a
    :class:`~dossier.project.Streamed` file) never holds every record at once, as dicts or as bytes."""

    def dump(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys).encode("utf-8")

    yield b"{\n"
    for number, key in enumerate(sorted(data) if sort_keys else data):
        value = data[key]
        yield b"%s%s: " % (b",\n" if number else b"", dump(key))
        if isinstance(value, Iterator | list):
            separator = b"[\n"
            for item in value:
                yield separator + dump(item)
                separator = b",\n"
            yield b"[]" if separator == b"[\n" else b"\n]"
        else:
            yield dump(value)
    yield b"\n}\n"


# --- dossier.json -----------------------------------------------------------------------------------------------


def data_json(site: Site) -> Iterator[Output | Streamed]:
    """``data/dossier.json``, every record, and ``data/dossier.schema.json``, its JSON Schema."""
    if wanted(site, "dossier.json"):
        yield Streamed(f"{DATA}/dossier.json", lambda: json_pieces(dossier_data(site)))
    if wanted(site, "dossier.schema.json"):
        yield Output(f"{DATA}/dossier.schema.json", json_bytes(dossier_schema(site.dossier.base_url)))


def dossier_data(site: Site) -> dict[str, Any]:
    """Every record with its page, its Markdown resolved, and the passages cited from each article (the lists of
    records as iterators, made as :func:`json_pieces` writes them)."""
    dossier = site.dossier
    overview = record_data(site, DOSSIER.fields, dossier)
    overview.update(file=dossier.path, page=address(site, ""))
    return {
        "$schema": address(site, f"{DATA}/dossier.schema.json") if dossier.base_url else "dossier.schema.json",
        "format": FORMAT_VERSION,
        "dossier": overview,
        "events": (event_data(site, event) for event in site.events),
        "actors": (actor_data(site, actor) for actor in site.actors),
        "articles": (article_data(site, article) for article in site.articles),
        "tags": (
            {"id": tag, "page": address(site, page_url(TAG, tag)), "events": [e.id for e in events]}
            for tag, events in site.tags.items()
        ),
    }


def _common(site: Site, kind: str, record: Any) -> dict[str, Any]:
    data = record_data(site, published(by_name(kind).fields), record, event=record if kind == "event" else None)
    data.update(id=record.id, file=record.path, page=address(site, page_url(kind, record.id)))
    return data


def event_data(site: Site, event: Event) -> dict[str, Any]:
    data = _common(site, "event", event)
    data["when"] = when(event.date, event.end, event.approximate)
    for number, source in enumerate(data["sources"], start=1):
        anchor = source_anchor(event.id, number)
        source.update(number=number, passage=anchor, url=address(site, f"{page_url('article', source['article'])}#{anchor}"))
    data["disputes"] = [
        {"aspect": d.aspect, "sources": [cited.number for cited in d.accounts]} for d in site.disputes.get(event.id, ())
    ]
    return data


def actor_data(site: Site, actor: Actor) -> dict[str, Any]:
    data = _common(site, "actor", actor)
    for number, role in enumerate(data["roles"], start=1):
        if role["source"] is not None:
            anchor = role_anchor(actor.id, number)
            role["source"].update(passage=anchor, url=address(site, f"{page_url('article', role['source']['article'])}#{anchor}"))
    data["events"] = [e.id for e in site.actor_events[actor.id]]
    return data


def article_data(site: Site, article: Any) -> dict[str, Any]:
    data = _common(site, "article", article)
    data["body"] = text_data(site, article.body)
    data["passages"] = [
        {
            "number": cited.number,
            "text": cited.text,
            "anchor": cited.anchor,
            "cited_by": [
                {
                    "type": p.cited_by,
                    "id": p.record_id,
                    "how": p.how,
                    "label": p.label,
                    "anchor": p.anchor,
                    "url": address(site, page_url(p.cited_by, p.record_id) + p.fragment),
                }
                for p in cited.passages
            ],
        }
        for cited in site.cited[article.id]
    ]
    data["events"] = [e.id for e in site.citing_events[article.id]]
    data["mentions"] = [a.id for a in site.mentions[article.id]]
    return data


def record_data(site: Site, fields: tuple[Field, ...], record: Any, event: Event | None = None) -> dict[str, Any]:
    """A record's keys as their declarations say (``export_schema`` describes them from the same declarations)."""
    return {spec.name: field_data(site, spec, getattr(record, spec.attribute, None), event) for spec in fields}


def field_data(site: Site, spec: Field, value: Any, event: Event | None = None) -> Any:
    if value is None:
        return [] if spec.type == "list" else None
    if spec.type == "list":
        assert spec.item is not None
        return [field_data(site, spec.item, item, event) for item in value]
    if spec.type == "record":
        return record_data(site, spec.fields, value, event) if spec.cls else dict(value)
    if spec.type in ("date", "datetime"):
        return date_data(value)
    if spec.type == "markdown":
        return text_data(site, value, event)
    return value


def date_data(date: PartialDate | None) -> dict[str, Any] | None:
    """A date as written, as shown, its precision and the first and last day it can mean."""
    if date is None:
        return None
    return {
        "written": f"{date.iso()} {date.time}" if date.time else date.iso(),
        "label": date.label(),
        "precision": date.precision,
        "time": date.time,
        "start": date.earliest().isoformat(),
        "end": date.latest().isoformat(),
    }


def text_data(site: Site, text: str | None, event: Event | None = None) -> dict[str, Any] | None:
    """A Markdown text as written, as HTML (links resolved), as plain text, and every link in it resolved."""
    if not text:
        return None
    base = site.dossier.base_url or ""
    resolve = resolver(event)
    links = []
    for href, _, title in markup.links(text):
        target = markup.link_target(href)
        if href.startswith("image:") or target is None:
            continue
        if target[0] == "web":
            links.append({"href": href, "kind": "web", "target": None, "words": None, "url": href})
            continue
        resolved = resolve(*target, title)
        url = (base + resolved or "./") if resolved is not None else None
        links.append({"href": href, "kind": target[0], "target": target[1], "words": title or None, "url": url})
    html = markup.render(text, resolve, shift=0).replace(markup.ROOT, base)  # once: not kept (see passages.text_html)
    return {"markdown": text, "html": html, "text": plain(text), "links": links}


# --- events.csv, actors.csv -------------------------------------------------------------------------------------


def spreadsheets(site: Site) -> Iterator[Output]:
    """``data/events.csv`` and ``data/actors.csv``: one row per record, ``id`` first."""
    if wanted(site, "events.csv"):
        yield Output(f"{DATA}/events.csv", csv_bytes(EVENT_COLUMNS, (event_row(site, e) for e in site.events)))
    if wanted(site, "actors.csv"):
        yield Output(f"{DATA}/actors.csv", csv_bytes(ACTOR_COLUMNS, (actor_row(site, a) for a in site.actors)))


EVENT_COLUMNS = (
    "id", "date", "end_date", "time", "approximate", "when", "start", "end", "title", "kind", "status",
    "actors", "places", "actor_ids", "tags", "summary", "sources", "source_ids", "after", "page",
)  # fmt: skip
ACTOR_COLUMNS = (
    "id", "name", "kind", "aliases", "summary", "roles", "affiliations", "affiliation_ids",
    "events", "start", "end", "page",
)  # fmt: skip


def event_row(site: Site, event: Event) -> list[str]:
    last = event.end or event.date
    articles = [site.article[source.article] for source in event.sources]
    return [
        event.id,
        event.date.iso(),
        event.end.iso() if event.end else "",
        event.time or "",
        "yes" if event.approximate else "no",
        when(event.date, event.end, event.approximate),
        event.date.earliest().isoformat(),
        last.latest().isoformat(),
        event.title,
        event.kind,
        event.status,
        JOIN.join(a.name for a in site.event_actors[event.id]),
        JOIN.join(a.name for a in site.event_places[event.id]),
        JOIN.join(dict.fromkeys(event.actors)),
        JOIN.join(event.tags),
        plain(event.summary),
        JOIN.join(dict.fromkeys(source_name(a) for a in articles)),
        JOIN.join(dict.fromkeys(a.id for a in articles)),
        JOIN.join(event.after),
        address(site, page_url("event", event.id)),
    ]


def actor_row(site: Site, actor: Actor) -> list[str]:
    events = site.actor_events[actor.id]
    roles = [
        role.title + (f" ({_label(role.start)} – {_label(role.end)})" if role.start or role.end else "") for role in actor.roles
    ]
    return [
        actor.id,
        actor.name,
        actor.kind,
        JOIN.join(actor.aliases),
        plain(actor.summary),
        JOIN.join(roles),
        JOIN.join(site.actor[other].name for other in actor.affiliations),
        JOIN.join(actor.affiliations),
        str(len(events)),
        min(e.date.earliest() for e in events).isoformat() if events else "",
        max((e.end or e.date).latest() for e in events).isoformat() if events else "",
        address(site, page_url("actor", actor.id)),
    ]


def _label(date: PartialDate | None) -> str:
    return date.label() if date else "…"


def plain(text: str | None) -> str:
    """The words of a Markdown text: each paragraph on one line, paragraphs apart by a blank line."""
    return "\n\n".join(" ".join(block.text.split()) for block in markup.blocks(text)) if text else ""


def source_name(article: Any) -> str:
    """An article as a source note names it: its outlet and date."""
    return f"{article.outlet or 'outlet not known'}, {article.published.label() if article.published else 'date not given'}"


def inert(cell: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets an apostrophe in front."""
    return "'" + cell if cell.startswith(FORMULA) else cell


def csv_bytes(columns: Iterable[str], rows: Iterable[list[str]]) -> bytes:
    """RFC 4180 CSV (CRLF, fields quoted where needed), UTF-8 with a byte order mark, every cell inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(columns))
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")
