"""Schema: how a record's keys are declared, and the check of one loaded file against its declaration.

A record type declares its keys as a tuple of :class:`Field` values (``registry``
holds the declarations). :func:`validate` walks a loaded file against them and
returns clean values (dates parsed, text stripped, defaults left out) plus every
problem, the references to other records and the Markdown texts it met, for the
whole-project checks. :func:`construct` turns clean values into the record's frozen
dataclass by key name. ``schema_json`` turns the same declarations into JSON Schema
for editors, so the two can never disagree.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any

from dossier.dates import parse_date, parse_time
from dossier.errors import Location, Problem, describe_type
from dossier.slugs import id_problem
from dossier.source import REFUSED, KeyPath, SourceFile

URL_RE = re.compile(r"^https?://[^\s]+$")
BASE_URL_RE = re.compile(r"^https?://[^\s?#]+$")  # pages are appended to it: no ?query or #fragment
BASE_URL_FORM = "an http:// or https:// address without ?query or #fragment"
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
MAX_ITEMS = 200  # entries in any list of one record: far beyond a real dossier, short of a runaway file
SPLIT = "split the record"  # what to do about a list longer than its limit, unless the field says otherwise


@dataclass(frozen=True)
class Field:
    """One key of a record: its type, whether it is required, and what it may hold."""

    name: str
    type: str  # text | markdown | date | datetime | time | bool | choice | id | slug | url | base_url | lang | capture | list | record
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str = ""  # for type "id": the record type referred to
    item: Field | None = None  # for type "list"
    fields: tuple[Field, ...] = ()  # for type "record"
    min_items: int = 0
    max_items: int = MAX_ITEMS
    too_many: str = SPLIT  # for type "list": what to do when it has more than max_items entries
    attr: str = ""  # the dataclass attribute, when it differs from the key ("from" -> "start")
    cls: builtins.type | None = None  # for type "record": the dataclass its values become (else a dict)
    not_before: str = ""  # for dates: the key of a date in the same mapping this one may not precede ("end" -> "date")
    example: str = ""  # a value as an editor writes it, for the format reference

    @property
    def attribute(self) -> str:
        return self.attr or self.name


def ids(name: str, ref: str, help: str, required: bool = False, min_items: int = 0, example: str = "") -> Field:
    """A list of references to records of type ``ref``."""
    article = "an" if ref[0] in "aeiou" else "a"
    item = Field("", "id", f"id of {article} {ref}", ref=ref)
    return Field(name, "list", help, required, item=item, min_items=min_items, example=example)


@dataclass(frozen=True)
class Ref:
    """A reference from one record to another, to be resolved by ``check``."""

    kind: str
    id: str
    location: Location


@dataclass(frozen=True)
class Text:
    """A Markdown value met while validating: whose it is, where it is and where it starts."""

    kind: str  # the record type of the file holding it
    record: str  # that record's id
    path: KeyPath  # where in the record ("summary", ("sources", 1, "note"))
    text: str
    location: Location
    exact: bool  # lines map one to one onto the file's (a literal block or an article body)


@dataclass
class Findings:
    """What validation found: problems, references and Markdown texts."""

    problems: list[Problem] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    refused: int = 0  # values the loader refused (and reported): the record cannot be built


def validate(source: SourceFile, spec: tuple[Field, ...], found: Findings, draft: bool = False) -> dict[str, Any] | None:
    """Check one loaded file against its fields; return its clean values, or None if it is unusable.

    A ``draft`` may be incomplete the way ``dossier new`` leaves a record: its lists may have fewer
    items than they need (an event's ``sources: []``); everything it does hold is checked as usual.
    """
    if source.data is None:
        return None
    if not isinstance(source.data, dict):
        found.problems.append(
            Problem(source.at(), f"expected keys and values (a mapping) at the top of the file, got {describe_type(source.data)}")
        )
        return None
    before, refused = len(found.problems), found.refused
    clean = _record(spec, source.data, source, (), found, draft)
    return clean if (len(found.problems), found.refused) == (before, refused) else None


def label(path: KeyPath) -> str:
    """A key path as an editor reads it: ``sources[1].quote``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _record(
    spec: tuple[Field, ...], data: dict[str, Any], source: SourceFile, path: KeyPath, found: Findings, draft: bool = False
) -> dict[str, Any]:
    names = [f.name for f in spec]
    for key in data:
        if key not in names:
            close = get_close_matches(key, names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; allowed keys: {', '.join(names)}"
            found.problems.append(Problem(source.at(*path, key, key=True), f"unknown key '{label((*path, key))}'{hint}"))
    clean: dict[str, Any] = {}
    for spec_field in spec:
        value = data.get(spec_field.name)
        where = (*path, spec_field.name)
        if value is REFUSED:  # already reported by the loader
            found.refused += 1
            continue
        if value is None:
            if spec_field.required:
                found.problems.append(Problem(source.at(*where), f"missing required key '{label(where)}': {spec_field.help}"))
            continue
        clean[spec_field.name] = _value(spec_field, value, source, where, found, draft)
    return clean


def _value(spec: Field, value: Any, source: SourceFile, path: KeyPath, found: Findings, draft: bool = False) -> Any:
    if value is REFUSED:  # already reported by the loader
        found.refused += 1
        return None
    name = label(path)

    def problem(message: str) -> None:
        found.problems.append(Problem(source.at(*path), message))  # located only when there is something to say

    def wrong(expected: str, hint: str = "") -> None:
        problem(f"'{name}' must be {expected}, got {describe_type(value)}{hint}")

    if spec.type in ("date", "datetime"):
        parsed = parse_date(value, allow_time=spec.type == "datetime")
        if isinstance(parsed, str):
            problem(f"'{name}': {parsed}")
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
        if len(value) < spec.min_items and not draft:
            problem(f"'{name}' needs at least {spec.min_items} item(s): {spec.help}")
        if len(value) > spec.max_items:
            problem(f"'{name}' has {len(value)} entries, more than the {spec.max_items} allowed; {spec.too_many}")
            return []
        assert spec.item is not None
        return [_value(spec.item, item, source, (*path, index), found, draft) for index, item in enumerate(value)]
    if spec.type == "record":
        if not isinstance(value, dict):
            wrong("a mapping of keys to values")
            return None
        return _record(spec.fields, value, source, path, found, draft)
    if spec.type == "time" and isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1: 14:30 is 870
        shown = f"{value // 60:02d}:{value % 60:02d}"
        problem(f"'{name}': write the time in quotes (\"{shown}\"); unquoted, YAML reads it as the number {value}")
        return None
    if not isinstance(value, str):
        hint = "; put it in quotes" if isinstance(value, int | float | bool) or hasattr(value, "year") else ""
        wrong("a string", hint)
        return None
    text = value.strip()
    check = _TEXT_CHECKS.get(spec.type)
    message = f"'{name}' is empty: {spec.help}" if not text else check(spec, text, name) if check else None
    if message:
        problem(message)
    elif spec.type == "id":
        found.refs.append(Ref(spec.ref, text, source.at(*path)))
    elif spec.type == "markdown":
        found.texts.append(Text(source.kind, source.id, path, value, source.at(*path), source.is_block(*path)))
    elif spec.type == "time":
        return parse_time(text)
    return value if spec.type == "markdown" else text


def _choice(spec: Field, text: str, name: str) -> str | None:
    if text in spec.choices:
        return None
    close = get_close_matches(text, spec.choices, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"'{name}' must be one of {', '.join(spec.choices)}; got '{text}'{hint}"


def _id(spec: Field, text: str, name: str) -> str | None:
    wrong = id_problem(text)
    return f"'{name}': '{text}' is not a valid id; {wrong}" if wrong else None


def _pattern(regex: re.Pattern[str], expected: str) -> Callable[[Field, str, str], str | None]:
    def check(spec: Field, text: str, name: str) -> str | None:
        return None if regex.match(text) else f"'{name}' must be {expected}, got '{text}'"

    return check


def _time(spec: Field, text: str, name: str) -> str | None:
    return None if parse_time(text) else f"'{name}' must be a time of day written HH:MM (24-hour clock), got '{text}'"


_TEXT_CHECKS: dict[str, Callable[[Field, str, str], str | None]] = {
    "choice": _choice,
    "id": _id,
    "slug": _id,
    "base_url": _pattern(BASE_URL_RE, BASE_URL_FORM),
    "url": _pattern(URL_RE, "an http:// or https:// address"),
    "lang": _pattern(LANG_RE, "a language code such as en or he"),
    "time": _time,
}


def construct(spec: tuple[Field, ...], cls: type, values: dict[str, Any], **extra: Any) -> Any:
    """The dataclass ``cls`` from clean ``values``, by key name; absent keys take the dataclass's defaults."""
    kwargs = {f.attribute: _convert(f, values[f.name]) for f in spec if values.get(f.name) is not None}
    return cls(**kwargs, **extra)


def _convert(spec: Field, value: Any) -> Any:
    if spec.type == "list":
        assert spec.item is not None
        return tuple(_convert(spec.item, item) for item in value)
    if spec.type == "record":
        return construct(spec.fields, spec.cls, value) if spec.cls else value
    if spec.type == "base_url":
        return as_base_url(value)
    return value


def as_base_url(value: str) -> str | None:
    """A site address as ``base_url`` keeps it, ending with "/" (page paths are appended to it), or None if it is
    not one (see :data:`BASE_URL_FORM`)."""
    value = value.strip()
    if not BASE_URL_RE.match(value):
        return None
    return value if value.endswith("/") else value + "/"


def walk(spec: tuple[Field, ...], values: dict[str, Any], path: KeyPath = ()) -> list[tuple[KeyPath, Field, Any]]:
    """Every clean value of a record with its key path and field, nested records and list items included."""
    found: list[tuple[KeyPath, Field, Any]] = []
    for spec_field in spec:
        if values.get(spec_field.name) is not None:
            _visit(found, spec_field, values[spec_field.name], (*path, spec_field.name))
    return found


def _visit(found: list[tuple[KeyPath, Field, Any]], item: Field, value: Any, where: KeyPath) -> None:
    # a function of the module, not a closure calling itself: that would be a reference cycle per call, garbage
    # that only the cyclic collector frees (and a build pauses it, see ``heap``)
    found.append((where, item, value))
    if item.type == "list" and item.item is not None:
        for index, entry in enumerate(value):
            if entry is not None:
                _visit(found, item.item, entry, (*where, index))
    elif item.type == "record" and isinstance(value, dict):
        found.extend(walk(item.fields, value, where))
