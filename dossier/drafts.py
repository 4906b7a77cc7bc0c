"""Drafts: which records are drafts, and what is said of what must not be published.

A record with ``draft: true`` (:data:`~dossier.registry.DRAFT`) is left out of ``build``
and ``check`` and shown, marked, in the preview. A published record may not refer to
one (the site would link to a page that is not there); that is an error, or in the
preview, which shows drafts, a warning. Text that ``dossier new`` writes as a
placeholder starts with :data:`~dossier.registry.PLACEHOLDER`; a published record
still holding such a paragraph gets a warning that says what to write there. Pure.
"""

from __future__ import annotations

from collections.abc import Iterator

from dossier import markup
from dossier.errors import Location, Problem, warning
from dossier.registry import DRAFT, PLACEHOLDER, RecordType, by_name
from dossier.schema import Field, Ref, Text, label
from dossier.source import KeyPath, SourceFile

SHOWN = 40  # characters of a placeholder quoted in its warning


def is_draft(source: SourceFile, record_type: RecordType) -> bool:
    """Whether a file says ``draft: true`` in a type that has drafts (read before its checks, which a draft relaxes)."""
    says_so = isinstance(source.data, dict) and source.data.get(DRAFT.name) is True
    return says_so and any(spec is DRAFT for spec in record_type.fields)  # by identity: comparing fields is slow


def reference_to_draft(ref: Ref, draft_file: str, preview: bool) -> Problem:
    """What to say of a published record's reference to a draft: an error, a warning in the preview."""
    publish = f"remove 'draft: true' from {draft_file} to publish it"
    if preview:
        return warning(
            ref.location,
            f"{ref.kind} '{ref.id}' is a draft: the preview shows it, but dossier build stops here until you {publish}, "
            "or remove this reference",
        )
    return Problem(
        ref.location, f"{ref.kind} '{ref.id}' is a draft, which dossier build leaves out; {publish}, or remove this reference"
    )


def placeholders(text: Text) -> Iterator[Problem]:
    """A warning for each paragraph of ``text`` that starts with the placeholder mark, saying what to write there."""
    for token in markup.parse(text.text):
        if token.type == "inline" and token.content.startswith(PLACEHOLDER):
            line = text.location.line + (token.map[0] if token.map and text.exact else 0)
            shown = " ".join(token.content.split())
            shown = shown if len(shown) <= SHOWN else shown[: SHOWN - 3].rsplit(" ", 1)[0] + "..."
            where = Location(text.location.path, line, text.location.column)
            yield warning(where, f'placeholder text left in {_what(text)}: "{shown}"; {_instead(text)}')


def _what(text: Text) -> str:
    return f"the {text.kind}'s text" if text.path == ("body",) else f"'{label(text.path)}'"


def _instead(text: Text) -> str:
    record_type = by_name(text.kind)
    if text.path == ("body",):
        return f"replace it with {record_type.body_help or 'the text'}"
    spec = field_at(record_type.fields, text.path)
    return f"write {spec.help} instead" if spec is not None else "write the text instead"


def field_at(fields: tuple[Field, ...], path: KeyPath) -> Field | None:
    """The declaration of the value at ``path`` in a record (list indexes skipped), or None."""
    spec: Field | None = None
    for part in path:
        if isinstance(part, int):
            continue
        spec = next((f for f in fields if f.name == part), None)
        if spec is None:
            return None
        inner = spec.item if spec.type == "list" and spec.item is not None else spec
        fields = inner.fields
    return spec
