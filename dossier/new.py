"""New: start a record — a new event, actor or article file from a title.

:func:`new_record` writes ``content/<folder>/ID.*`` as a draft (``draft: true``: only
the preview shows it) with the required keys filled in, an id made from the title in
any script (transliterated to a Latin slug), today's date where one is needed, text
still to be written marked as a placeholder (``TODO:``, which ``check`` warns of once
the record is published), and a ``# yaml-language-server: $schema=`` line pointing at
the project's ``schemas/`` folder (``dossier schema`` fills it). Nothing is ever
overwritten; problems are raised as :class:`~dossier.errors.EditorError`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from dossier.dates import DATE_FORMS, PartialDate, parse_date
from dossier.errors import EditorError
from dossier.registry import ACTOR_KINDS, EVENT_KINDS, PLACEHOLDER, STATUSES, TYPES
from dossier.schema_json import SCHEMAS_DIR, schema_file
from dossier.slugs import ID_FORM, ID_RE, MAX_ID, slug

NEW_TYPES = ("event", "actor", "article")  # the record types dossier new can start


@dataclass(frozen=True)
class Written:
    """A record written by :func:`new_record`: its path and whether the schema it names exists yet."""

    path: Path
    schema: Path | None  # the schema file its $schema line points at (None for articles)

    @property
    def schema_missing(self) -> bool:
        return self.schema is not None and not self.schema.is_file()


def schema_line(kind: str) -> str:
    """The comment that tells the YAML language server (VS Code's YAML extension) which schema a record follows."""
    return f"# yaml-language-server: $schema=../../{SCHEMAS_DIR}/{schema_file(kind)}\n"


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def content_dir(root: Path) -> Path:
    content = root / "content"
    if not content.is_dir():
        raise EditorError(f"no content/ folder in {root}; run dossier init to start a project there, or pass -C DIR")
    return content


def reserve(path: Path, text: str) -> Path:
    """Write ``text`` to a new file at ``path``; never replace an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise EditorError(f"{path} already exists; edit it, or pick another id with --id") from None
    return path


def record_path(content: Path, kind: str, record_id: str) -> Path:
    """Where a record with this id goes; refuses an id that is taken under any of the kind's suffixes."""
    folder = content / TYPES[kind].folder
    suffixes = TYPES[kind].suffixes
    for suffix in suffixes:
        if (folder / f"{record_id}{suffix}").exists():
            raise EditorError(f"{folder / (record_id + suffix)} already exists; edit it, or pick another id with --id")
    return folder / f"{record_id}{suffixes[0]}"


def choose_id(kind: str, title: str, given: str | None, date: PartialDate | None) -> str:
    if given is not None:
        if not ID_RE.match(given):
            raise EditorError(f"--id '{given}' is not a valid id; use {ID_FORM}")
        return given
    base = slug(title)
    if not base:
        raise EditorError(f"cannot make an id from '{title}' (no letters or digits); pass one with --id")
    if kind == "event" and date is not None:
        return f"{date.iso()}-{slug(title, MAX_ID - len(date.iso()) - 1) or base}"
    return base


def parse_option_date(text: str | None, today: dt.date, allow_time: bool = False) -> PartialDate:
    """The --date option as the checker reads it: events take a date, articles a date and optionally a time."""
    if text is None:
        return PartialDate(today.year, today.month, today.day)
    parsed = parse_date(text, allow_time=allow_time)
    if isinstance(parsed, str):
        if not allow_time and isinstance(parse_date(text, allow_time=True), PartialDate):
            raise EditorError(f"--date: an event's date has no time of day; write {DATE_FORMS}, got '{text}'")
        raise EditorError(f"--date: {parsed}")
    return parsed


def date_value(date: PartialDate) -> str:
    """A date as a quoted YAML string, so its precision survives: "2022-03" stays a month, not a number or a day."""
    return quoted(f"{date.iso()} {date.time}" if date.time else date.iso())


def new_record(
    root: Path,
    kind: str,
    title: str,
    *,
    record_id: str | None = None,
    date: str | None = None,
    record_kind: str | None = None,
    today: dt.date | None = None,
) -> Written:
    """Write a new event, actor or article named ``title``; return what was written."""
    if kind not in NEW_TYPES:
        raise EditorError(f"unknown record type '{kind}'; use one of {', '.join(NEW_TYPES)}")
    title = " ".join(title.split())
    if not title:
        raise EditorError("the title (or name) is empty")
    content = content_dir(root)
    today = today or dt.date.today()
    when = parse_option_date(date, today, allow_time=kind == "article") if kind == "event" or date else None
    rid = choose_id(kind, title, record_id, when)
    path = record_path(content, kind, rid)
    if kind == "event":
        assert when is not None
        text = event_text(title, when, record_kind or "other")
    elif kind == "actor":
        text = actor_text(title, record_kind or "person")
    else:
        if record_kind is not None:
            raise EditorError("--kind is for events and actors; articles have no kind")
        text = article_text(title, when)
    reserve(path, text)
    schema = None if kind == "article" else root / SCHEMAS_DIR / schema_file(kind)
    return Written(path, schema)


def _check_choice(value: str, choices: tuple[str, ...], what: str) -> None:
    if value not in choices:
        raise EditorError(f"--kind '{value}' is not a kind of {what}; use one of {', '.join(choices)}")


DRAFT_LINE = "draft: true                   # remove this line to publish it: until then only dossier serve shows it\n"
EVENT_SUMMARY = f"{PLACEHOLDER} what happened, in a few sentences (Markdown)."
ARTICLE_BODY = (
    f"{PLACEHOLDER} replace this paragraph with the article's own text, word for word: one paragraph per block,\n"
    'a blank line between paragraphs. Leave out menus, captions, "read more" lists and appeals.\n'
)


def event_text(title: str, when: PartialDate, kind: str) -> str:
    _check_choice(kind, EVENT_KINDS, "event")
    return (
        schema_line("event")
        + DRAFT_LINE
        + f"title: {quoted(title)}\n"
        + f"{'date: ' + date_value(when):<29} # {DATE_FORMS}\n"
        + 'approximate: false            # true when the source gives the date vaguely ("early March")\n'
        + f"{'kind: ' + kind:<29} # {' | '.join(EVENT_KINDS)}\n"
        + "actors: []                    # actor ids, e.g. [naftali-bennett, vladimir-putin]\n"
        + "tags: []                      # e.g. [mediation]\n"
        + f"status: reported              # {' | '.join(STATUSES)}\n"
        + f"summary: {quoted(EVENT_SUMMARY)}\n"
        + "sources: []                   # at least one; replace [] with entries like:\n"
        + "#  - article: article-id       # a file name in content/articles/, without .md\n"
        + '#    quote: "the exact words of one paragraph of that article"\n'
    )


def actor_text(name: str, kind: str) -> str:
    _check_choice(kind, ACTOR_KINDS, "actor")
    return (
        schema_line("actor")
        + DRAFT_LINE
        + f"name: {quoted(name)}\n"
        + f"{'kind: ' + kind:<29} # {' | '.join(ACTOR_KINDS)}\n"
        + "aliases: []                   # other names the sources use, e.g. [Bennett]\n"
        + "# summary: who the actor is, from the sources (Markdown)\n"
        + "# roles:\n"
        + "#   - title: Prime Minister of Israel\n"
        + "#     from: 2021-06\n"
        + "# affiliations: [actor-id]\n"
    )


def article_text(title: str, published: PartialDate | None) -> str:
    # No $schema line: VS Code's YAML extension does not validate front matter in Markdown files.
    date_line = f"published: {date_value(published)}\n" if published else "# published: YYYY-MM-DD      # or YYYY-MM-DD HH:MM\n"
    return (
        "---\n"
        f"{DRAFT_LINE}"
        f"title: {quoted(title)}\n"
        "# subtitle: the dek\n"
        "# outlet: who published it\n"
        "# author: the byline\n"
        f"{date_line}"
        "# url: https://…\n"
        "# raw: the original capture's file name in content/raw/\n"
        "---\n"
        f"{ARTICLE_BODY}"
    )
