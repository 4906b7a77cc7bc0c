"""Export schema: the JSON Schema (draft 2020-12) of ``data/dossier.json``, published beside it.

The keys a record's files hold are described from the same :class:`~dossier.schema.Field`
declarations that ``exports`` writes them from (and ``check`` checks them against), so
the schema cannot fall behind the records; what the build adds to each record (its page,
its file, resolved links, cited passages) is described here by hand. Every object lists
every key it has (``additionalProperties`` is false), so a test that validates the export
against this schema fails when the two drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dossier.registry import ACTOR, ARTICLE, DOSSIER, EVENT, published
from dossier.schema import Field

FORMAT_VERSION = 1  # raised when a key of dossier.json changes meaning or goes away
DRAFT = "https://json-schema.org/draft/2020-12/schema"
_STRING: dict[str, Any] = {"type": "string"}
_IDS: dict[str, Any] = {"type": "array", "items": _STRING}
PAGE = {"type": "string", "description": "the record's page: absolute with base_url, else relative to the site root"}
FILE = {"type": "string", "description": "the record's file in the project, e.g. content/events/ID.yaml"}
ID = {"type": "string", "description": "the record's id: its file name without the extension"}


def _object(properties: Mapping[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"description": description} if description else {}
    schema.update(type="object", additionalProperties=False, required=sorted(properties), properties=dict(properties))
    return schema


DATE = _object(
    {
        "written": {"type": "string", "description": "as the record has it: YYYY, YYYY-MM or YYYY-MM-DD (then HH:MM)"},
        "label": {"type": "string", "description": 'as the site shows it: "2021", "Oct 2021", "27 Feb 2022"'},
        "precision": {"enum": ["year", "month", "day"]},
        "time": {"type": ["string", "null"], "description": "HH:MM, for an article's publication time"},
        "start": {"type": "string", "format": "date", "description": "the first day the date can mean (sortable)"},
        "end": {"type": "string", "format": "date", "description": "the last day the date can mean (sortable)"},
    },
    "a date, its precision kept",
)
LINK = _object(
    {
        "href": {"type": "string", "description": "as written: event:ID, actor:ID, article:ID, source:N or a web address"},
        "kind": {"type": "string", "description": "web, or the record type (event, actor, article) or source"},
        "target": {"type": ["string", "null"], "description": "the record's id, or the source's number"},
        "words": {"type": ["string", "null"], "description": "for a link to a passage: the article's words it points at"},
        "url": {"type": ["string", "null"], "description": "where it leads (a passage's anchor after #)"},
    },
    "a link in a Markdown text, resolved",
)
TEXT = _object(
    {
        "markdown": {"type": "string", "description": "as written"},
        "html": {"type": "string", "description": "rendered, links resolved, raw HTML never passed through"},
        "text": {"type": "string", "description": "the words alone, paragraphs separated by a blank line"},
        "links": {"type": "array", "items": {"$ref": "#/$defs/link"}},
    },
    "a Markdown text",
)
CITED_BY = _object(
    {
        "type": {"type": "string", "description": "the citing record's type (event, actor, dossier, page)"},
        "id": _STRING,
        "how": {"enum": ["source", "role", "link"], "description": "an event's source, an actor's role, or a link in a text"},
        "label": {"type": "string", "description": "the citing record as the article page names it"},
        "anchor": {"type": "string", "description": "the element id on the article page this citation lands on"},
        "url": {"type": "string", "description": "where on the citing record's page the citation is"},
    }
)
PASSAGE = _object(
    {
        "number": {"type": "integer", "minimum": 1, "description": "in the order of the article's text"},
        "text": {"type": "string", "description": "the cited words, as the article has them"},
        "anchor": {"type": "string", "description": "the element id on the article page where the passage starts"},
        "cited_by": {"type": "array", "items": CITED_BY},
    },
    "a passage of the article that the dossier cites",
)
_WHERE = {
    "passage": {"type": "string", "description": "the element id of the cited passage on the article page"},
    "url": {"type": "string", "description": "the article page at that passage"},
}


def field_schema(spec: Field, extras: Mapping[str, Mapping[str, Any]], path: str) -> dict[str, Any]:
    """One key as ``exports.field_data`` writes it; ``extras`` adds keys to the records at a key path ("sources")."""
    described: dict[str, Any] = {"description": spec.help} if spec.help else {}
    if spec.type == "list":
        assert spec.item is not None
        return {**described, "type": "array", "items": field_schema(spec.item, extras, path)}
    if spec.type == "record":
        schema = {**described, **record_schema(spec.fields, extras, path)}
    elif spec.type in ("date", "datetime"):
        schema = {**described, "$ref": "#/$defs/date"}
    elif spec.type == "markdown":
        schema = {**described, "$ref": "#/$defs/text"}
    elif spec.type == "bool":
        return {**described, "type": "boolean"}
    elif spec.type == "choice":
        schema = {**described, "enum": list(spec.choices)}
    else:
        schema = {**described, "type": "string"}
    if spec.required or not spec.name:
        return schema
    if "type" in schema and "properties" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    return {**described, "anyOf": [{k: v for k, v in schema.items() if k != "description"}, {"type": "null"}]}


def record_schema(fields: tuple[Field, ...], extras: Mapping[str, Mapping[str, Any]], path: str = "") -> dict[str, Any]:
    """A record: its declared keys, then the keys ``extras`` adds at its key path ("" for the record itself)."""
    properties = {spec.name: field_schema(spec, extras, f"{path}.{spec.name}".lstrip(".")) for spec in fields}
    return _object({**properties, **extras.get(path, {})})


def dossier_schema(base_url: str | None = None) -> dict[str, Any]:
    """The JSON Schema of ``data/dossier.json`` (with ``base_url``, its ``$id`` is where it is published)."""
    schema: dict[str, Any] = {"$schema": DRAFT}
    if base_url:
        schema["$id"] = f"{base_url}data/dossier.schema.json"
    schema["title"] = "dossier: data/dossier.json"
    schema["description"] = (
        "Every record of a dossier as the site shows it: the dossier itself, its events (in the site's order), actors "
        "(by kind, then name) and articles (by publication date) with their text, each with its page, every Markdown "
        "text as written, as HTML and as plain text with its links resolved, and the passages each article has cited."
    )
    top = {
        "$schema": {"type": "string", "description": "this schema's address"},
        "format": {"const": FORMAT_VERSION, "description": "the version of this format"},
        "dossier": {"$ref": "#/$defs/dossier"},
        "events": {"type": "array", "items": {"$ref": "#/$defs/event"}},
        "actors": {"type": "array", "items": {"$ref": "#/$defs/actor"}},
        "articles": {"type": "array", "items": {"$ref": "#/$defs/article"}},
        "tags": {"type": "array", "items": {"$ref": "#/$defs/tag"}},
    }
    schema.update({k: v for k, v in _object(top).items()})
    schema["$defs"] = {
        "date": DATE,
        "text": TEXT,
        "link": LINK,
        "dossier": record_schema(DOSSIER.fields, {"": {"file": FILE, "page": PAGE}}),
        "event": record_schema(
            published(EVENT.fields),
            {
                "": {
                    "id": ID,
                    "file": FILE,
                    "page": PAGE,
                    "when": {"type": "string", "description": 'the date as shown: "c. Feb 2022", "2021 – Jan 2022"'},
                    "disputes": {
                        "type": "array",
                        "description": "what the sources of a disputed event contradict each other on",
                        "items": _object(
                            {
                                "aspect": _STRING,
                                "sources": {"type": "array", "items": {"type": "integer"}, "description": "source numbers"},
                            }
                        ),
                    },
                },
                "sources": {"number": {"type": "integer", "minimum": 1, "description": "1-based, in the order listed"}, **_WHERE},
            },
        ),
        "actor": record_schema(
            published(ACTOR.fields),
            {
                "": {"id": ID, "file": FILE, "page": PAGE, "events": {**_IDS, "description": "the actor's events, in order"}},
                "roles.source": _WHERE,
            },
        ),
        "article": record_schema(
            published(ARTICLE.fields),
            {
                "": {
                    "id": ID,
                    "file": FILE,
                    "page": PAGE,
                    "body": {"description": "the article's text", "anyOf": [{"$ref": "#/$defs/text"}, {"type": "null"}]},
                    "passages": {"type": "array", "items": PASSAGE},
                    "events": {**_IDS, "description": "the events citing the article, in order"},
                    "mentions": {**_IDS, "description": "the actors it names"},
                }
            },
        ),
        "tag": _object({"id": _STRING, "page": PAGE, "events": {**_IDS, "description": "its events, in order"}}),
    }
    return schema
