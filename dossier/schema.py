"""Schema: the one declaration of what every record may contain, and the check against it.

Each record kind is a tuple of :class:`Field` specs. :func:`validate` walks a loaded
file against its spec and returns clean values (dates parsed, defaults filled) plus
every problem, the references to other records and the Markdown texts it found, so
that ``check`` can resolve them. :func:`json_schema` turns the same specs into JSON
Schema for editors, so the two can never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any

from anyascii import anyascii

from dossier.dates import DATE_FORMS, parse_date
from dossier.errors import Location, Problem, describe_type
from dossier.load import REFUSED, KeyPath, SourceFile

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://[^\s]+$")
BASE_URL_RE = re.compile(r"^https?://[^\s?#]+$")  # pages are appended to it: no ?query or #fragment
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
EVENT_KINDS = ("meeting", "call", "statement", "offer", "report", "military", "sanction", "aid", "other")
ACTOR_KINDS = ("person", "organization", "state", "place")
STATUSES = ("confirmed", "reported", "disputed", "planned")


@dataclass(frozen=True)
class Field:
    """One key of a record: its type, whether it is required, and what it may hold."""

    name: str
    type: str  # text | markdown | date | datetime | bool | choice | id | slug | url | base_url | lang | list | record
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str = ""  # for type "id": the kind of record referred to
    item: Field | None = None  # for type "list"
    fields: tuple[Field, ...] = ()  # for type "record"
    min_items: int = 0


def _ids(name: str, ref: str, help: str, required: bool = False, min_items: int = 0) -> Field:
    return Field(name, "list", help, required, item=Field("", "id", f"id of an {ref}", ref=ref), min_items=min_items)


SOURCE = (
    Field("article", "id", "id of the cited article (its file name in content/articles/)", True, ref="article"),
    Field("quote", "text", "the exact words of the article that support the claim", True),
    Field("note", "markdown", "optional remark, e.g. where two sources disagree"),
)
DOSSIER = (
    Field("title", "text", "title of the dossier", True),
    Field("subtitle", "text", "one line under the title"),
    Field("as_of", "date", "date the dossier is current to", True),
    Field("language", "lang", "language of the content, e.g. en"),
    Field("base_url", "base_url", "public address of the site, for the sitemap, the feed and the 404 page"),
    Field("summary", "markdown", "the bottom line up front", True),
    Field(
        "key_points",
        "list",
        "judgements, each backed by events",
        item=Field(
            "",
            "record",
            "a key point",
            fields=(
                Field("text", "markdown", "the judgement, one sentence", True),
                _ids("events", "event", "events that back the judgement", True, 1),
            ),
        ),
    ),
)
ACTOR = (
    Field("name", "text", "name as the sources most often write it", True),
    Field("kind", "choice", "what the actor is", True, choices=ACTOR_KINDS),
    Field("aliases", "list", "other names used in the sources", item=Field("", "text", "a name")),
    Field("summary", "markdown", "who the actor is, from the sources"),
    Field(
        "roles",
        "list",
        "titles the actor held",
        item=Field(
            "",
            "record",
            "a role",
            fields=(
                Field("title", "text", "the title as the sources give it", True),
                Field("from", "date", "when the role began"),
                Field("to", "date", "when the role ended"),
                Field("source", "record", "the passage that gives the title", fields=SOURCE[:2]),
            ),
        ),
    ),
    _ids("affiliations", "actor", "actors this one belongs to"),
)
EVENT = (
    Field("title", "text", "what happened, in one line", True),
    Field("date", "date", "when it happened", True),
    Field("end", "date", "when it ended, for events that lasted"),
    Field("approximate", "bool", "true when the source gives the date vaguely"),
    Field("kind", "choice", "what sort of event", True, choices=EVENT_KINDS),
    _ids("actors", "actor", "who took part or was concerned"),
    Field("tags", "list", "topics", item=Field("", "slug", "a tag")),
    Field("status", "choice", "how well the event is established", True, choices=STATUSES),
    Field("summary", "markdown", "what happened, in a few sentences"),
    Field(
        "sources",
        "list",
        "passages that report the event",
        True,
        item=Field("", "record", "a source", fields=SOURCE),
        min_items=1,
    ),
)
ARTICLE = (
    Field("title", "text", "the headline", True),
    Field("subtitle", "text", "the dek"),
    Field("outlet", "text", "who published it"),
    Field("author", "text", "the byline"),
    Field("published", "datetime", "publication date, optionally with HH:MM"),
    Field("updated", "datetime", "date of the last update"),
    Field("url", "url", "where it was published"),
    Field("raw", "text", "file name of the original capture in content/raw/"),
    Field("notes", "markdown", "editor's notes, e.g. how a missing date was inferred"),
)
SPECS: dict[str, tuple[Field, ...]] = {"dossier": DOSSIER, "event": EVENT, "actor": ACTOR, "article": ARTICLE}


@dataclass(frozen=True)
class Ref:
    """A reference from one record to another, to be resolved by ``check``."""

    kind: str
    id: str
    location: Location


@dataclass
class Findings:
    """What validation of one file found: problems, references and Markdown texts."""

    problems: list[Problem] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    markdown: list[tuple[str, Location, bool]] = field(default_factory=list)  # text, where it starts, lines map 1:1


def validate(source: SourceFile, found: Findings) -> dict[str, Any] | None:
    """Check one loaded file against its spec; return its clean values, or None if it is unusable."""
    if source.data is None:
        return None
    if not isinstance(source.data, dict):
        found.problems.append(
            Problem(source.at(), f"expected keys and values (a mapping) at the top of the file, got {describe_type(source.data)}")
        )
        return None
    before = len(found.problems)
    clean = _record(SPECS[source.kind], source.data, source, (), found)
    return clean if len(found.problems) == before else None


def _label(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _record(spec: tuple[Field, ...], data: dict[str, Any], source: SourceFile, path: KeyPath, found: Findings) -> dict[str, Any]:
    names = [f.name for f in spec]
    for key in data:
        if key not in names:
            close = get_close_matches(key, names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; allowed keys: {', '.join(names)}"
            found.problems.append(Problem(source.at(*path, key, key=True), f"unknown key '{_label((*path, key))}'{hint}"))
    clean: dict[str, Any] = {}
    for spec_field in spec:
        value = data.get(spec_field.name)
        where = (*path, spec_field.name)
        if value is REFUSED:  # already reported by the loader
            clean[spec_field.name] = [] if spec_field.type == "list" else None
            continue
        if value is None:
            if spec_field.required:
                found.problems.append(Problem(source.at(*where), f"missing required key '{_label(where)}': {spec_field.help}"))
            clean[spec_field.name] = [] if spec_field.type == "list" else None
            continue
        clean[spec_field.name] = _value(spec_field, value, source, where, found)
    return clean


def _value(spec: Field, value: Any, source: SourceFile, path: KeyPath, found: Findings) -> Any:
    where = source.at(*path)
    name = _label(path)

    def wrong(expected: str, hint: str = "") -> None:
        found.problems.append(Problem(where, f"'{name}' must be {expected}, got {describe_type(value)}{hint}"))

    if spec.type in ("date", "datetime"):
        parsed = parse_date(value, allow_time=spec.type == "datetime")
        if isinstance(parsed, str):
            found.problems.append(Problem(where, f"'{name}': {parsed}"))
            return None
        return parsed
    if spec.type == "bool":
        if not isinstance(value, bool):
            wrong("true or false")
        return value
    if spec.type == "list":
        if not isinstance(value, list):
            wrong("a list (write [a, b] or one '- item' per line)")
            return []
        if len(value) < spec.min_items:
            found.problems.append(Problem(where, f"'{name}' needs at least {spec.min_items} item(s): {spec.help}"))
        assert spec.item is not None
        return [_value(spec.item, item, source, (*path, index), found) for index, item in enumerate(value)]
    if spec.type == "record":
        if not isinstance(value, dict):
            wrong("a mapping of keys to values")
            return None
        return _record(spec.fields, value, source, path, found)
    if not isinstance(value, str):
        hint = "; put it in quotes" if isinstance(value, (int, float, bool)) or hasattr(value, "year") else ""
        wrong("a string", hint)
        return None
    text = value.strip()
    if not text:
        found.problems.append(Problem(where, f"'{name}' is empty: {spec.help}"))
    elif spec.type == "choice" and text not in spec.choices:
        close = get_close_matches(text, spec.choices, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        found.problems.append(Problem(where, f"'{name}' must be one of {', '.join(spec.choices)}; got '{text}'{hint}"))
    elif spec.type in ("id", "slug") and not ID_RE.match(text):
        found.problems.append(
            Problem(
                where,
                f"'{name}': '{text}' is not a valid id; use lowercase letters, digits and single hyphens, e.g. '{slugify(text)}'",
            )
        )
    elif spec.type == "base_url" and not BASE_URL_RE.match(text):
        found.problems.append(
            Problem(where, f"'{name}' must be an http:// or https:// address without ?query or #fragment, got '{text}'")
        )
    elif spec.type == "url" and not URL_RE.match(text):
        found.problems.append(Problem(where, f"'{name}' must be an http:// or https:// address, got '{text}'"))
    elif spec.type == "lang" and not LANG_RE.match(text):
        found.problems.append(Problem(where, f"'{name}' must be a language code such as en or he, got '{text}'"))
    elif spec.type == "id":
        found.refs.append(Ref(spec.ref, text, where))
    elif spec.type == "markdown":
        found.markdown.append((value, where, path in source.blocks))
    return value if spec.type == "markdown" else text


MAX_ID = 60


def slug(text: str, limit: int = MAX_ID) -> str:
    """A readable id from text in any script: transliterated to ASCII (anyascii), lowercased,
    hyphenated, cut at a word ("Владимир Зеленский" -> "vladimir-zelenskiy")."""
    ascii_text = anyascii(text).lower().replace("'", "")
    words = re.findall(r"[a-z0-9]+", ascii_text)
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")


def slugify(text: str) -> str:
    """The id to suggest for a bad one (never empty)."""
    return slug(text) or "x"


def schema_file(kind: str) -> str:
    """The file name a kind's JSON Schema is written to, e.g. ``event.schema.json``."""
    return f"{kind}.schema.json"


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft-07) of one record kind, generated from the same specs as :func:`validate`.

    It sees a file the way the YAML language server does (YAML 1.2: an unquoted
    ``2022-02-27`` is a string, ``2022`` an integer) and accepts exactly what the
    checker's schema pass accepts, except the semantic checks only ``dossier check``
    can make: real calendar dates, ``end`` after ``date``, references and quotes.
    An optional key left empty (``tags:``) is null, which both accept.
    """
    titles = {"dossier": "content/dossier.yaml", "event": "an event", "actor": "an actor", "article": "article front matter"}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"dossier: {titles[kind]}",
        **_json_record(SPECS[kind]),
    }


def _json_record(spec: tuple[Field, ...]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False}
    required = [f.name for f in spec if f.required]
    if required:
        schema["required"] = required
    schema["properties"] = {f.name: _json_field(f) for f in spec}
    return schema


def _json_field(spec: Field) -> dict[str, Any]:
    """One field; an optional one also accepts null, as the checker treats an empty value as absent."""
    schema = _json_value(spec)
    if not spec.required and spec.name:
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        else:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            schema["type"] = [*types, "null"]
    return schema


def _json_value(spec: Field) -> dict[str, Any]:
    described: dict[str, Any] = {"description": spec.help} if spec.help else {}
    if spec.type == "list":
        assert spec.item is not None
        schema = {**described, "type": "array", "items": _json_value(spec.item)}
        if spec.min_items:
            schema["minItems"] = spec.min_items
        return schema
    if spec.type == "record":
        return {**described, **_json_record(spec.fields)}
    if spec.type == "bool":
        return {**described, "type": "boolean"}
    if spec.type in ("date", "datetime"):
        # Months and days are range-checked here; whether the day exists in that month is checker-only.
        time = r"([T ]([01]\d|2[0-3]):[0-5]\d(:\d\d)?)?" if spec.type == "datetime" else ""
        forms = DATE_FORMS + (", optionally followed by HH:MM" if spec.type == "datetime" else "")
        return {
            "description": f"{spec.help} ({forms})",
            "type": ["string", "integer"],
            "pattern": rf"^\d{{4}}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]){time})?)?$",
            "minimum": 1000,  # an unquoted bare year is an integer; it must have four digits
            "maximum": 9999,
        }
    if spec.type == "choice":
        return {**described, "enum": list(spec.choices)}
    pattern = {
        "id": ID_RE.pattern,
        "slug": ID_RE.pattern,
        "url": URL_RE.pattern,
        "base_url": BASE_URL_RE.pattern,
        "lang": LANG_RE.pattern,
    }
    # The checker strips surrounding spaces before matching; the schema matches as written.
    return {**described, "type": "string", "pattern": pattern.get(spec.type, r"\S")}
