"""Check: validate every loaded file and the links between them; return typed records, or every problem.

Each file is checked on its own first (its name is a valid, unique id; its keys
match its record type's fields), then the whole-project checks in :data:`CHECKS` run
over everything that passed, in order, each a named function that yields problems:
references and record links resolve (with a did-you-mean), only safe links are used,
raw captures exist, every quote occurs in the cited article, date ranges run
forwards, no published record refers to a draft or still holds placeholder text.
Pure: it reads nothing from disk.

A record with ``draft: true`` is checked like any other, but may be incomplete the way
``dossier new`` leaves a record (a list with fewer items than it needs). The records
returned leave the drafts out, unless ``drafts`` asks for them (the preview shows them).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cached_property
from typing import Any

from dossier import markup
from dossier.chronology import contradicts, cycle
from dossier.drafts import is_draft, placeholders, reference_to_draft
from dossier.errors import Location, Problem, plural, warning
from dossier.load import Project
from dossier.passages import SOURCE_SCHEME, resolve_source
from dossier.records import Citation, Records
from dossier.registry import DOSSIER, RecordType, by_name, record_types, schemes
from dossier.schema import Field, Findings, Ref, Text, construct, validate, walk
from dossier.slugs import ID_FORM, RESERVED, id_problem, slugify
from dossier.source import KeyPath, SourceFile

_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Checked:
    """A file that passed its own checks: its source, its record type, its clean values and its record."""

    source: SourceFile
    type: RecordType
    values: dict[str, Any]
    record: Any

    @cached_property
    def walked(self) -> list[tuple[KeyPath, Field, Any]]:
        """Every clean value with its key path and field (see ``schema.walk``), found once: a file loaded unchanged
        keeps its Checked from one build of a session to the next."""
        return walk(self.type.fields, self.values)


@dataclass(frozen=True)
class CheckContext:
    """What the whole-project checks look at."""

    checked: tuple[Checked, ...]
    known: Mapping[str, frozenset[str]]  # record type -> ids of every file found, broken ones included
    refs: tuple[Ref, ...]
    texts: tuple[Text, ...]  # every Markdown text, article bodies included
    raw_names: frozenset[str]
    records: Mapping[str, Mapping[str, Any]]  # record type -> id -> record, for the files that passed
    drafts: Mapping[tuple[str, str], str] = dataclasses.field(default_factory=dict)  # (record type, id) -> file, of every draft
    preview: bool = False  # the drafts are shown (dossier serve), not left out

    @cached_property
    def draft_files(self) -> frozenset[str]:
        return frozenset(self.drafts.values())

    def is_draft(self, path: str) -> bool:
        """Whether the file at ``path`` is a draft."""
        return path in self.draft_files

    def record(self, kind: str, record_id: str) -> Any:
        return self.records.get(kind, {}).get(record_id)


Check = Callable[[CheckContext], Iterable[Problem]]


@dataclass(frozen=True)
class FileCheck:
    """What checking one file on its own gave: its problems, references and texts, and its record if it passed."""

    source: SourceFile
    findings: Findings
    checked: Checked | None


CheckCache = dict[int, FileCheck]  # id of a SourceFile -> what checking it gave (the entry keeps the file alive)


def check_file(source: SourceFile, cache: CheckCache | None = None) -> FileCheck:
    """One file against its record type's keys; the same SourceFile (unchanged since the last build) is checked once."""
    known = cache.get(id(source)) if cache is not None else None
    if known is not None and known.source is source:
        return known
    record_type = by_name(source.kind)
    found = Findings()
    values = validate(source, record_type.fields, found, is_draft(source, record_type))
    checked = Checked(source, record_type, values, _record(record_type, source, values)) if values is not None else None
    result = FileCheck(source, found, checked)
    if cache is not None:
        cache[id(source)] = result
    return result


def check_project(
    project: Project, types: Iterable[RecordType] | None = None, cache: CheckCache | None = None, drafts: bool = False
) -> tuple[Records | None, list[Problem]]:
    """Every problem of the project (warnings included), and its records when none is an error: without the drafts,
    or with them when ``drafts`` is true (for the preview).

    With a ``cache`` (a preview keeps one across saves), a file loaded unchanged keeps what checking it gave and its
    record (the same object, so later stages can tell it has not changed); the whole-project checks run every time.
    """
    types = list(record_types() if types is None else types)
    found = Findings()
    known: dict[str, set[str]] = defaultdict(set)
    seen: dict[tuple[str, str], str] = {}
    checked: list[Checked] = []
    draft_files: dict[tuple[str, str], str] = {}
    for source in project.files:
        if by_name(source.kind) is not DOSSIER:
            _check_id(source, seen, found.problems)
            known[source.kind].add(source.id)
        if is_draft(source, by_name(source.kind)):
            draft_files.setdefault((source.kind, source.id), source.path)
        result = check_file(source, cache)
        found.problems += result.findings.problems
        found.refs += result.findings.refs
        found.texts += result.findings.texts
        if result.checked is not None:
            checked.append(result.checked)
    if cache is not None:
        alive = {id(source) for source in project.files}
        for key in [key for key in cache if key not in alive]:
            del cache[key]
    bodies = [
        Text(c.type.name, c.source.id, ("body",), c.source.body, Location(c.source.path, c.source.body_line), True)
        for c in checked
        if c.type.body
    ]
    records: dict[str, dict[str, Any]] = defaultdict(dict)
    for item in checked:
        records[item.type.name][item.source.id] = item.record
    context = CheckContext(
        tuple(checked),
        {kind: frozenset(names) for kind, names in known.items()},
        tuple(found.refs),
        (*found.texts, *bodies),
        project.raw_names,
        records,
        draft_files,
        drafts,
    )
    problems = list(found.problems)
    for _, run in CHECKS:
        problems.extend(run(context))
    dossier = records[DOSSIER.name].get(DOSSIER.name)
    if any(p.is_error for p in problems) or dossier is None:
        return None, sorted(problems)
    kept = {
        t.name: tuple(r for _, r in sorted(records[t.name].items()) if drafts or not getattr(r, "draft", False)) for t in types
    }
    left_out = () if drafts else tuple(sorted(draft_files.values()))
    changed = {path: seconds for path, seconds in project.changed.items() if path not in left_out}  # the feed's dates
    return Records(dossier, kept, changed, left_out), sorted(problems)


def _record(record_type: RecordType, source: SourceFile, values: dict[str, Any]) -> Any:
    extra: dict[str, Any] = {"path": source.path}
    if record_type is not DOSSIER:
        extra["id"] = source.id
    if record_type.body:
        extra.update(body=source.body, body_line=source.body_line)
    return construct(record_type.fields, record_type.record_class, values, **extra)


def _check_id(source: SourceFile, seen: dict[tuple[str, str], str], problems: list[Problem]) -> None:
    wrong = id_problem(source.id)
    if wrong:
        suffix = source.path.rsplit(".", 1)[-1]
        why = "is a device name on Windows and cannot be a file name there" if source.id in RESERVED else "is not a valid id"
        form = "" if source.id in RESERVED else f" ({ID_FORM})"
        problems.append(
            Problem(
                Location(source.path), f"file name '{source.id}' {why}; rename the file to '{slugify(source.id)}.{suffix}'{form}"
            )
        )
    other = seen.setdefault((source.kind, source.id), source.path)
    if other != source.path:
        problems.append(
            Problem(
                Location(source.path),
                f"duplicate {source.kind} id '{source.id}': {other} has the same id; keep only one of the two files",
            )
        )


def _unknown(ref: Ref, known: Mapping[str, frozenset[str]], how: str = "") -> Problem | None:
    ids = known.get(ref.kind, frozenset())
    if ref.id in ids:
        return None
    close = get_close_matches(ref.id, sorted(ids), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f"; no file content/{by_name(ref.kind).folder}/{ref.id}.* exists"
    return Problem(ref.location, f"unknown {ref.kind} '{ref.id}'{how}{hint}")


def check_references(context: CheckContext) -> Iterator[Problem]:
    """Every id a record names (actors, affiliations, cited articles, key point events) is a record."""
    for ref in context.refs:
        problem = _unknown(ref, context.known)
        if problem:
            yield problem


def link_forms() -> str:
    return ", ".join(f"{scheme}:ID" for scheme in schemes())


def _links(text: Text) -> Iterator[tuple[str, str, Location]]:
    """Every link of a text: its address, its title and where it is (its own line in a literal block)."""
    for href, line, title in markup.links(text.text):
        where = Location(text.location.path, text.location.line + line, text.location.column) if text.exact else text.location
        yield href, title, where


def check_links(context: CheckContext) -> Iterator[Problem]:
    """Links in Markdown are web addresses or links to records that exist; no images."""
    for text in context.texts:
        for href, _, where in _links(text):
            if href.startswith("image:"):
                yield Problem(where, "images are not supported in Markdown text; link to the image instead")
                continue
            target = markup.link_target(href)
            if target is not None and target[0] == SOURCE_SCHEME:
                continue  # checked with the passage links
            if target is None or (target[0] != "web" and target[0] not in schemes()):
                yield Problem(
                    where,
                    f"link '{href}' is not allowed; use an https://, http:// or mailto: address, or {link_forms()}",
                )
            elif target[0] != "web":
                problem = _unknown(Ref(target[0], target[1], where), context.known, how=" in link")
                if problem:
                    yield problem


def check_passage_links(context: CheckContext) -> Iterator[Problem]:
    """Links to passages land on one: ``source:N`` names one of the event's sources, and an article link's quoted
    words (its title) occur in the article. On an event's page, a link to an article's top is a warning."""
    for text in context.texts:
        event = context.record("event", text.record) if text.kind == "event" else None
        for href, title, where in _links(text):
            target = markup.link_target(href)
            if target is None:
                continue
            scheme, name = target
            if scheme == SOURCE_SCHEME:
                yield from _source_link(href, name, text, event, where)
            elif scheme == "article" and title:
                yield from _passage_words(href, name, title, context, where)
            elif scheme == "article" and text.kind == "event" and name in context.known.get("article", ()):
                yield warning(
                    where,
                    f"link '{href}' lands on the top of the article; link the passage instead: [text](source:N) for "
                    f'one of this event\'s sources, or [text]({href} "the exact words")',
                )


def _source_link(href: str, number: str, text: Text, event: Any, where: Location) -> Iterator[Problem]:
    if text.kind != "event" or text.path[0] not in ("summary", "sources"):
        yield Problem(
            where,
            f"link '{href}': source:N links work only in an event's summary and its sources' notes; "
            'elsewhere link the passage with [text](article:ID "the exact words")',
        )
    elif event is not None and resolve_source(event, number) is None:
        count = len(event.sources)
        forms = "source:1" if count == 1 else f"source:1 to source:{count}"
        yield Problem(where, f"link '{href}': this event has {plural(count, 'source')}; use {forms}")


def _passage_words(href: str, article_id: str, words: str, context: CheckContext, where: Location) -> Iterator[Problem]:
    article = context.record("article", article_id)
    if len(_WORDS.findall(words)) < 2:
        yield Problem(where, f"link '{href}': the quoted words are too short to point at one passage; quote at least two words")
    elif article is not None and markup.find_quote(article.body, words) is None:
        yield Problem(where, f"link '{href}': {_not_found(article, words)}")


def _not_found(article: Any, words: str) -> str:
    """What to say of words that are not in an article: which, and the closest passage there is."""
    shown = words if len(words) <= 80 else words[:77] + "..."
    closest = markup.closest_passage(article.body, words)
    hint = f' (closest: "{closest if len(closest) <= 80 else closest[:77] + "..."}")' if closest else ""
    return (
        f"quote not found in article '{article.id}': \"{shown}\"{hint}; copy the words exactly from one paragraph "
        "of the article (spaces, quote marks and dashes may differ)"
    )


def check_captures(context: CheckContext) -> Iterator[Problem]:
    """Every raw capture a record names is in ``content/raw/``."""
    for item in context.checked:
        for path, field, value in item.walked:
            if field.type == "capture" and value not in context.raw_names:
                yield Problem(
                    item.source.at(*path),
                    f"raw capture '{value}' not found in content/raw/; put the original file there or remove '{field.name}'",
                )


def citations(item: Checked) -> Iterator[tuple[KeyPath, Citation]]:
    """Every citation a record makes, with its key path (an event's sources, an actor's role sources, ...)."""
    for path, field, value in item.walked:
        if field.type == "record" and field.cls is Citation:
            yield path, construct(field.fields, Citation, value)


def check_quotes(context: CheckContext) -> Iterator[Problem]:
    """Every quote is at least two words and occurs in the cited article."""
    for item in context.checked:
        for path, citation in citations(item):
            where = item.source.at(*path, "quote")
            article = context.record("article", citation.article)
            if len(_WORDS.findall(citation.quote)) < 2:
                yield Problem(where, "quote is too short to point at one passage; quote at least two words of the article")
            elif article is None:
                continue  # an unknown article is reported as such; a broken one has its own problems
            elif markup.find_quote(article.body, citation.quote) is None:
                yield Problem(where, _not_found(article, citation.quote))


def check_ranges(context: CheckContext) -> Iterator[Problem]:
    """A date declared not before another (an event's ``end``, a role's ``to``) is not before it."""
    for item in context.checked:
        holders: list[tuple[KeyPath, tuple[Field, ...], dict[str, Any]]] = [((), item.type.fields, item.values)]
        holders += [(p, f.fields, v) for p, f, v in item.walked if f.type == "record" and isinstance(v, dict)]
        for path, fields, values in holders:
            for spec in fields:
                first, last = values.get(spec.not_before) if spec.not_before else None, values.get(spec.name)
                if first is not None and last is not None and last.latest() < first.earliest():
                    yield Problem(
                        item.source.at(*path, spec.name),
                        f"'{spec.name}' ({last.iso()}) is before '{spec.not_before}' ({first.iso()}); swap them or correct one",
                    )


def check_disputes(context: CheckContext) -> Iterator[Problem]:
    """A disputed event says what is in dispute (an ``aspect`` two or more sources share) and who says what
    (``says``); ``aspect`` and ``says`` go together, and only on disputed events."""
    for item in context.checked:
        if item.type.name != "event":
            continue
        event, at = item.record, item.source.at
        counts: dict[str, int] = defaultdict(int)
        for index, source in enumerate(event.sources):
            if source.aspect and event.status != "disputed":
                yield Problem(
                    at("sources", index, "aspect"),
                    "'aspect' is for disputed events, whose sources contradict each other; set 'status: disputed', "
                    "or say in a 'note' how the sources differ",
                )
            elif source.aspect and not source.says:
                yield Problem(at("sources", index, "aspect"), f"'sources[{index}]' names an aspect but not what it 'says' of it")
            elif source.says and not source.aspect:
                yield Problem(at("sources", index, "says"), f"'sources[{index}].says' needs an 'aspect': the fact it speaks to")
            elif source.aspect:
                counts[source.aspect] += 1
        if event.status == "disputed" and not any(count >= 2 for count in counts.values()):
            yield Problem(
                at("status"),
                "a disputed event says what is in dispute: give two or more of its sources the same 'aspect' "
                "(the fact they contradict each other on) and a 'says' (each one's account)",
            )


def check_actor_links(context: CheckContext) -> Iterator[Problem]:
    """An event's text links only actors the event lists (a warning: usually an actor missing from ``actors``)."""
    for text in context.texts:
        event = context.record("event", text.record) if text.kind == "event" else None
        if event is None:
            continue
        for href, _, where in _links(text):
            target = markup.link_target(href)
            if target and target[0] == "actor" and target[1] not in event.actors and target[1] in context.known.get("actor", ()):
                yield warning(
                    where,
                    f"links actor '{target[1]}', who is not among this event's actors; add them to 'actors' or drop the link",
                )


def check_order(context: CheckContext) -> Iterator[Problem]:
    """``after:`` never contradicts the dates (or the times of one day), never names the event itself, makes no cycle."""
    events = [item for item in context.checked if item.type.name == "event"]
    for item in events:
        event = item.record
        for index, before_id in enumerate(event.after):
            where = item.source.at("after", index)
            before = context.record("event", before_id)
            if before_id == event.id:
                yield Problem(where, "an event cannot come after itself; remove its own id from 'after'")
            elif before is not None and contradicts(event, before):
                shown = " ".join(filter(None, (before.date.label(), before.time)))
                mine = " ".join(filter(None, (event.date.label(), event.time)))
                yield Problem(
                    where,
                    f"'after' names '{before_id}' ({shown}), which is dated later than this event ({mine}); "
                    "correct a date or remove it from 'after'",
                )
    graph = {item.record.id: [b for b in item.record.after if b != item.record.id] for item in events}
    loop = cycle(graph)
    if loop:
        first = next(item for item in events if item.record.id == loop[0])
        yield Problem(
            first.source.at("after", list(first.record.after).index(loop[1])),
            f"'after' goes round in a circle: {' → '.join(loop)}; remove one of these from 'after'",
        )


def check_drafts(context: CheckContext) -> Iterator[Problem]:
    """No published record refers to a draft: ``build`` leaves drafts out, and the reference would lead nowhere (in
    the preview, which shows drafts, a warning)."""
    links = [
        Ref(t[0], t[1], where) for text in context.texts for href, _, where in _links(text) if (t := markup.link_target(href))
    ]
    for ref in [*context.refs, *links]:
        draft = context.drafts.get((ref.kind, ref.id))
        if draft is not None and not context.is_draft(ref.location.path):
            yield reference_to_draft(ref, draft, context.preview)


def check_placeholders(context: CheckContext) -> Iterator[Problem]:
    """No published record still holds placeholder text: a paragraph starting with ``TODO:``, as ``dossier new``
    writes them (a warning)."""
    for text in context.texts:
        if not context.is_draft(text.location.path):
            yield from placeholders(text)


CHECKS: tuple[tuple[str, Check], ...] = (
    ("references", check_references),
    ("links", check_links),
    ("passage links", check_passage_links),
    ("disputes", check_disputes),
    ("actor links", check_actor_links),
    ("captures", check_captures),
    ("quotes", check_quotes),
    ("date ranges", check_ranges),
    ("order", check_order),
    ("drafts", check_drafts),
    ("placeholders", check_placeholders),
)
