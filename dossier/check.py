"""Check: validate every loaded file and the links between them; return typed records, or every problem.

Each file is checked on its own first (its name is a valid, unique id; its keys
match its record type's fields), then the whole-project checks of ``rules`` run on
each file in turn, asking the rest of the project what they need: references and
record links resolve (with a did-you-mean), only safe links are used, raw captures
exist, every quote occurs in the cited article, date ranges run forwards, no published
record refers to a draft or still holds placeholder text. With a :class:`CheckCache`
(a preview keeps one), a file that has not changed, and whose questions to the rest of
the project get the same answers, keeps its problems without running the rules again.
Pure: it reads nothing from disk.

A record with ``draft: true`` is checked like any other, but may be incomplete the way
``dossier new`` leaves a record (a list with fewer items than it needs). The records
returned leave the drafts out, unless ``drafts`` asks for them (the preview shows them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dossier.drafts import is_draft
from dossier.errors import Location, Problem
from dossier.load import Project
from dossier.records import Records
from dossier.registry import DOSSIER, RecordType, by_name, record_types
from dossier.rules import CHECKS, WHOLE, Ask, Known, Question, Unit
from dossier.schema import Findings, Text, construct, validate
from dossier.slugs import ID_FORM, RESERVED, id_problem, slugify
from dossier.source import SourceFile

__all__ = ["CHECKS", "WHOLE", "CheckCache", "FileCheck", "check_file", "check_project"]


@dataclass(frozen=True)
class Checked:
    """A file that passed its own checks: its source, its record type, its clean values and its record."""

    source: SourceFile
    type: RecordType
    values: dict[str, Any]
    record: Any


@dataclass(frozen=True)
class FileCheck:
    """What checking one file on its own gave: its problems, references and texts, its record if it passed, and the
    file as the whole-project rules see it."""

    source: SourceFile
    findings: Findings
    checked: Checked | None
    unit: Unit


@dataclass(frozen=True)
class Ruled:
    """What the whole-project rules found in one file, and the questions they asked of the project, answered."""

    file: FileCheck  # kept alive, so that its id is not reused
    problems: tuple[Problem, ...]
    asked: dict[Question, Any]


@dataclass
class CheckCache:
    """What checking gave, kept across the builds of a session: each file's own checks (by its SourceFile, the same
    object while the file is unchanged) and its rules' problems (by its FileCheck)."""

    files: dict[int, FileCheck] = field(default_factory=dict)
    ruled: dict[int, Ruled] = field(default_factory=dict)
    known: Known | None = None  # what the rules could ask about in the last check

    def rekey(self) -> None:
        """Key every entry by its objects' ids again (after unpickling, see ``cache``: the objects are the same to
        each other, their ids new)."""
        self.files = {id(result.source): result for result in self.files.values()}
        self.ruled = {id(ruled.file): ruled for ruled in self.ruled.values()}


def check_file(source: SourceFile, cache: CheckCache | None = None) -> FileCheck:
    """One file against its record type's keys; the same SourceFile (unchanged since the last build) is checked once."""
    known = cache.files.get(id(source)) if cache is not None else None
    if known is not None and known.source is source:
        return known
    record_type = by_name(source.kind)
    found = Findings()
    values = validate(source, record_type.fields, found, is_draft(source, record_type))
    checked = Checked(source, record_type, values, _record(record_type, source, values)) if values is not None else None
    texts = tuple(found.texts)
    if checked is not None and record_type.body:
        texts += (Text(record_type.name, source.id, ("body",), source.body, Location(source.path, source.body_line), True),)
    unit = Unit(
        source,
        record_type.fields,
        values if checked is not None else None,
        checked.record if checked is not None else None,
        tuple(found.refs),
        texts,
    )
    result = FileCheck(source, found, checked, unit)
    if cache is not None:
        cache.files[id(source)] = result
    return result


def check_project(
    project: Project, types: Iterable[RecordType] | None = None, cache: CheckCache | None = None, drafts: bool = False
) -> tuple[Records | None, list[Problem]]:
    """Every problem of the project (warnings included), and its records when none is an error: without the drafts,
    or with them when ``drafts`` is true (for the preview).

    With a ``cache`` (a preview keeps one across saves), a file loaded unchanged keeps what checking it gave and its
    record (the same object, so later stages can tell it has not changed), and the problems the rules found in it
    while their questions to the rest of the project get the same answers; the rest of the rules run again.
    """
    types = list(record_types() if types is None else types)
    problems: list[Problem] = []
    known: dict[str, set[str]] = defaultdict(set)
    seen: dict[tuple[str, str], str] = {}
    results: list[FileCheck] = []
    draft_files: dict[tuple[str, str], str] = {}
    for source in project.files:
        if by_name(source.kind) is not DOSSIER:
            _check_id(source, seen, problems)
            known[source.kind].add(source.id)
        if is_draft(source, by_name(source.kind)):
            draft_files.setdefault((source.kind, source.id), source.path)
        result = check_file(source, cache)
        problems += result.findings.problems
        results.append(result)
    records: dict[str, dict[str, Any]] = defaultdict(dict)
    for result in results:
        if result.checked is not None:
            records[result.checked.type.name][result.source.id] = result.checked.record
    known_ids = Known(
        {kind: frozenset(names) for kind, names in known.items()},
        records,
        draft_files,
        frozenset(draft_files.values()),
        project.raw_names,
        drafts,
    )
    problems += _ruled(results, known_ids, cache)
    for _, whole in WHOLE:
        problems += whole(result.unit for result in results)
    dossier = records[DOSSIER.name].get(DOSSIER.name)
    if any(p.is_error for p in problems) or dossier is None:
        return None, sorted(problems)
    kept = {
        t.name: tuple(r for _, r in sorted(records[t.name].items()) if drafts or not getattr(r, "draft", False)) for t in types
    }
    left_out = () if drafts else tuple(sorted(draft_files.values()))
    changed = {path: seconds for path, seconds in project.changed.items() if path not in left_out}  # the feed's dates
    return Records(dossier, kept, changed, left_out), sorted(problems)


def _ruled(results: list[FileCheck], project: Known, cache: CheckCache | None) -> list[Problem]:
    """The problems the rules find in every file: run again only for a file that changed, or whose questions to the
    project get another answer now (each question answered once)."""
    problems: list[Problem] = []
    answers: dict[Question, Any] = {}

    def still(asked: dict[Question, Any]) -> bool:
        """Whether every question gets the answer it got (the same object, or an equal one)."""
        for question, before in asked.items():
            now = answers.get(question, answers)
            if now is answers:
                now = answers[question] = project.answer(question)
            if now is not before and now != before:
                return False
        return True

    dirty = _changed_records(cache.known, project) if cache is not None and cache.known is not None else None
    ruled: dict[int, Ruled] = {}
    for result in results:
        known = cache.ruled.get(id(result)) if cache is not None else None
        if (
            known is None
            or known.file is not result
            or not (known.asked.keys().isdisjoint(dirty) if dirty is not None else still(known.asked))
        ):
            ask = Ask(project)
            known = Ruled(result, tuple(p for _, rule in CHECKS for p in rule(result.unit, ask)), ask.asked)
        ruled[id(result)] = known
        problems += known.problems
    if cache is not None:
        alive = {id(result.source) for result in results}
        cache.files = {key: value for key, value in cache.files.items() if key in alive}
        cache.ruled = ruled
        cache.known = project
    return problems


def _changed_records(before: Known, now: Known) -> set[Question] | None:
    """The questions whose answers changed between two builds, when only records did (the usual save): those about
    a record that is not the same object as before; None when more changed (ids, drafts, captures): then each file's
    questions are asked again."""
    if (before.known, before.drafts, before.raw_names, before.preview) != (now.known, now.drafts, now.raw_names, now.preview):
        return None
    dirty: set[Question] = set()
    for kind in before.records.keys() | now.records.keys():
        old, new = before.records.get(kind, {}), now.records.get(kind, {})
        dirty.update(("record", kind, record_id) for record_id, record in new.items() if old.get(record_id) is not record)
        dirty.update(("record", kind, record_id) for record_id in old if record_id not in new)
    return dirty


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
