"""Schema JSON: the record types' fields as JSON Schema (draft-07), for editors that check YAML as you type.

Generated from the same :class:`~dossier.schema.Field` declarations the checker uses,
so the two accept and reject the same records, apart from the semantic checks only
``dossier check`` can make.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dossier.dates import DATE_FORMS
from dossier.registry import DRAFT, by_name, every_type
from dossier.schema import BASE_URL_RE, LANG_RE, MAX_ITEMS, URL_RE, Field
from dossier.slugs import ID_RE

SCHEMAS_DIR = "schemas"  # in the project, beside content/


def schema_file(kind: str) -> str:
    """The file name a record type's JSON Schema is written to, e.g. ``event.schema.json``."""
    return f"{kind}.schema.json"


def write_schemas(directory: Path) -> list[Path]:
    """Write the JSON Schema of the dossier and of every record type into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for record_type in every_type():
        path = directory / schema_file(record_type.name)
        path.write_text(json.dumps(json_schema(record_type.name), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft-07) of one record kind, generated from the same specs as :func:`validate`.

    It sees a file the way the YAML language server does (YAML 1.2: an unquoted
    ``2022-02-27`` is a string, ``2022`` an integer) and accepts exactly what the
    checker's schema pass accepts, except the semantic checks only ``dossier check``
    can make: real calendar dates, ``end`` after ``date``, references and quotes.
    An optional key left empty (``tags:``) is null, which both accept.
    """
    record_type = by_name(kind)
    what = "content/dossier.yaml" if kind == "dossier" else f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"
    title = f"{what}'s front matter" if record_type.body else what
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"dossier: {title}",
        **_json_record(record_type.fields),
    }
    if DRAFT in record_type.fields:  # a draft may be incomplete: its lists may be shorter than they must be to publish it
        short = {name: value.pop("minItems") for name, value in schema["properties"].items() if "minItems" in value}
        if short:
            schema["if"] = {"properties": {DRAFT.name: {"const": True}}, "required": [DRAFT.name]}
            schema["else"] = {"properties": {name: {"minItems": count} for name, count in short.items()}}
    return schema


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
        if spec.max_items < MAX_ITEMS:  # a limit of its own, stricter than any list's
            schema["maxItems"] = spec.max_items
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
    if spec.type == "time":
        return {**described, "type": "string", "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$"}
    pattern = {
        "id": ID_RE.pattern,
        "slug": ID_RE.pattern,
        "url": URL_RE.pattern,
        "base_url": BASE_URL_RE.pattern,
        "lang": LANG_RE.pattern,
    }
    # The checker strips surrounding spaces before matching; the schema matches as written.
    return {**described, "type": "string", "pattern": pattern.get(spec.type, r"\S")}
