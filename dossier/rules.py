"""Rules: the whole-project checks, each run on one file at a time, asking the rest of the project what it needs.

Every rule in :data:`CHECKS` is a named function of a :class:`Unit` (one file that passed
its own checks, or at least loaded: its record, references and Markdown texts) and an
:class:`Ask` (the whole project, seen through questions: does this id exist, which
record is it, is it a draft). It yields that file's problems. Because a rule reaches the
rest of the project only through ``Ask``, the questions a file's rules asked, with their
answers, say exactly what its problems depend on: ``check`` asks them again after an
edit and runs the rules again only for the files that would get another answer (or that
changed themselves). The few checks of the project as a whole (a circle of ``after``)
are in :data:`WHOLE`. Pure.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cached_property, lru_cache
from typing import Any

from dossier import markup
from dossier.chronology import contradicts, cycle
from dossier.drafts import placeholders, reference_to_draft
from dossier.errors import Location, Problem, plural, warning
from dossier.passages import SOURCE_SCHEME, resolve_source
from dossier.records import Citation
from dossier.registry import by_name, schemes
from dossier.schema import Field, Ref, Text, construct, walk
from dossier.source import KeyPath, SourceFile

_WORDS = re.compile(r"\w+")
Question = tuple[str, Any, Any]  # (what is asked, of which kind, of which id or name)


@dataclass(frozen=True)
class Known:
    """What the rules may ask about: the ids of every file found (broken ones included), the records of the files
    that passed, the drafts, the raw captures, and whether drafts are shown (the preview)."""

    known: Mapping[str, frozenset[str]]  # record type -> ids
    records: Mapping[str, Mapping[str, Any]]  # record type -> id -> record
    drafts: Mapping[tuple[str, str], str]  # (record type, id) -> file, of every draft
    draft_files: frozenset[str]
    raw_names: frozenset[str]
    preview: bool

    def answer(self, question: Question) -> Any:
        what, kind, name = question
        if what == "record":
            return self.records.get(kind, {}).get(name)
        if what == "exists":
            return name in self.known.get(kind, ())
        if what == "ids":
            return self.known.get(kind, frozenset())
        if what == "draft":
            return self.drafts.get((kind, name))
        if what == "is draft":
            return name in self.draft_files
        if what == "capture":
            return name in self.raw_names
        return self.preview  # "preview"


class Ask:
    """The project as one file's rules see it: each question is answered and noted (:attr:`asked`)."""

    def __init__(self, project: Known) -> None:
        self.project = project
        self.asked: dict[Question, Any] = {}

    def _ask(self, question: Question) -> Any:
        answer = self.project.answer(question)
        self.asked[question] = answer
        return answer

    def record(self, kind: str, record_id: str) -> Any:
        """The record of that type and id, if it passed its checks."""
        return self._ask(("record", kind, record_id))

    def exists(self, kind: str, record_id: str) -> bool:
        """Whether a file of that type and id was found (even a broken one)."""
        return bool(self._ask(("exists", kind, record_id)))

    def ids(self, kind: str) -> frozenset[str]:
        """Every id of that type (for a did-you-mean)."""
        return frozenset(self._ask(("ids", kind, None)))

    def draft(self, kind: str, record_id: str) -> str | None:
        """The file of that record, if it is a draft."""
        draft: str | None = self._ask(("draft", kind, record_id))
        return draft

    def is_draft(self, path: str) -> bool:
        """Whether the file at ``path`` is a draft."""
        return bool(self._ask(("is draft", None, path)))

    def capture(self, name: str) -> bool:
        """Whether ``content/raw/`` holds that capture."""
        return bool(self._ask(("capture", None, name)))

    def preview(self) -> bool:
        """Whether drafts are shown (the preview) rather than left out."""
        return bool(self._ask(("preview", None, None)))


@dataclass(frozen=True)
class Unit:
    """One file as the rules see it: its source, its record type's fields and clean values (None when it did not
    pass its own checks), its record, the references it makes and its Markdown texts (an article's body included)."""

    source: SourceFile
    fields: tuple[Field, ...]
    values: dict[str, Any] | None
    record: Any
    refs: tuple[Ref, ...]
    texts: tuple[Text, ...]

    @property
    def kind(self) -> str:
        return self.source.kind

    @cached_property
    def walked(self) -> list[tuple[KeyPath, Field, Any]]:
        """Every clean value with its key path and field (see ``schema.walk``), found once."""
        return walk(self.fields, self.values) if self.values is not None else []


Rule = Callable[[Unit, Ask], Iterable[Problem]]


def _suggestion(kind: str, wrong: str, ask: Ask) -> str | None:
    """The id of a ``kind`` record that an unknown id ``wrong`` most likely meant (its "did you mean"), if any."""
    close = get_close_matches(wrong, sorted(ask.ids(kind)), n=1)
    return close[0] if close else None


def _unknown(ref: Ref, ask: Ask, how: str = "") -> Problem | None:
    if ask.exists(ref.kind, ref.id):
        return None
    close = _suggestion(ref.kind, ref.id, ask)
    hint = f" (did you mean '{close}'?)" if close else f"; no file content/{by_name(ref.kind).folder}/{ref.id}.* exists"
    return Problem(ref.location, f"unknown {ref.kind} '{ref.id}'{how}{hint}")


def check_references(unit: Unit, ask: Ask) -> Iterator[Problem]:
    """Every id a record names (actors, affiliations, cited articles, key point events) is a record."""
    for ref in unit.refs:
        problem = _unknown(ref, ask)
        if problem:
            yield problem


def link_forms() -> str:
    return ", ".join(f"{scheme}:ID" for scheme in schemes())


def _links(text: Text) -> Iterator[tuple[str, str, Location]]:
    """Every link of a text: its address, its title and where it is (its own line in a literal block)."""
    for href, line, title in markup.links(text.text):
        where = Location(text.location.path, text.location.line + line, text.location.column) if text.exact else text.location
        yield href, title, where


def check_links(unit: Unit, ask: Ask) -> Iterator[Problem]:
    """Links in Markdown are web addresses or links to records that exist; no images."""
    for text in unit.texts:
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
                problem = _unknown(Ref(target[0], target[1], where), ask, how=" in link")
                if problem:
                    yield problem


def check_passage_links(unit: Unit, ask: Ask) -> Iterator[Problem]:
    """Links to passages land on one: ``source:N`` names one of the event's sources, and an article link's quoted
    words (its title) occur in the article. On an event's page, a link to an article's top is a warning."""
    for text in unit.texts:
        event = ask.record("event", text.record) if text.kind == "event" else None
        for href, title, where in _links(text):
            target = markup.link_target(href)
            if target is None:
                continue
            scheme, name = target
            if scheme == SOURCE_SCHEME:
                yield from _source_link(href, name, text, event, where)
            elif scheme == "article" and title:
                yield from _passage_words(href, name, title, ask, where)
            elif scheme == "article" and text.kind == "event" and ask.exists("article", name):
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


def _passage_words(href: str, article_id: str, words: str, ask: Ask, where: Location) -> Iterator[Problem]:
    article = ask.record("article", article_id)
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


def check_disputes(unit: Unit, ask: Ask) -> Iterator[Problem]:
    """A disputed event says what is in dispute (an ``aspect`` two or more sources share) and who says what
    (``says``); ``aspect`` and ``says`` go together, and only on disputed events."""
    if unit.kind != "event" or unit.record is None:
        return
    event, at = unit.record, unit.source.at
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


def check_actor_links(unit: Unit, ask: Ask) -> Iterator[Problem]:
    """An event's text links only actors the event lists (a warning: usually an actor missing from ``actors``). Not
    said of an actor that an unknown id in ``actors`` is taken for (the error on that id asks "did you mean" it): the
    list misspells it, and the warning would ask for the wrong fix."""
    for text in unit.texts:
        event = ask.record("event", text.record) if text.kind == "event" else None
        if event is None:
            continue
        for href, _, where in _links(text):
            target = markup.link_target(href)
            if (
                target
                and target[0] == "actor"
                and target[1] not in event.actors
                and ask.exists("actor", target[1])
                and not any(_taken_for(listed, target[1], ask) for listed in event.actors)
            ):
                yield warning(
                    where,
                    f"links actor '{target[1]}', who is not among this event's actors; add them to 'actors' or drop the link",
                )


def _taken_for(listed: str, actor: str, ask: Ask) -> bool:
    """Whether ``listed``, an id no actor has, is taken for ``actor`` (the one its error suggests)."""
    return not ask.exists("actor", listed) and _suggestion("actor", listed, ask) == actor


def check_captures(unit: Unit, ask: Ask) -> Iterator[Problem]:
    """Every raw capture a record names is in ``content/raw/``."""
    for path, field, value in unit.walked:
        if field.type == "capture" and not ask.capture(value):
            yield Problem(
                unit.source.at(*path),
                f"raw capture '{value}' not found in content/raw/; put the original file there or remove '{field.name}'",
            )


def citations(unit: Unit) -> Iterator[tuple[KeyPath, Citation]]:
    """Every citation a record makes, with its key path (an event's sources, an actor's role sources, ...)."""
    for path, field, value in unit.walked:
        if field.type == "record" and field.cls is Citation:
            yield path, construct(field.fields, Citation, value)


def check_quotes(unit: Unit, ask: Ask) -> Iterator[Problem]:
    """Every quote is at least two words and occurs in the cited article."""
    for path, citation in citations(unit):
        where = unit.source.at(*path, "quote")
        if len(_WORDS.findall(citation.quote)) < 2:
            yield Problem(where, "quote is too short to point at one passage; quote at least two words of the article")
            continue
        article = ask.record("article", citation.article)
        if article is not None and markup.find_quote(article.body, citation.quote) is None:
            yield Problem(where, _not_found(article, citation.quote))  # an unknown article is reported as such


def check_ranges(unit: Unit, ask: Ask) -> Iterator[Problem]:
    """A date declared not before another (an event's ``end``, a role's ``to``) is not before it."""
    if unit.values is None:
        return
    holders: list[tuple[KeyPath, tuple[Field, ...], dict[str, Any]]] = [((), unit.fields, unit.values)]
    holders += [(p, f.fields, v) for p, f, v in unit.walked if f.type == "record" and isinstance(v, dict)]
    for path, fields, values in holders:
        for spec in fields:
            first, last = values.get(spec.not_before) if spec.not_before else None, values.get(spec.name)
            if first is not None and last is not None and last.latest() < first.earliest():
                yield Problem(
                    unit.source.at(*path, spec.name),
                    f"'{spec.name}' ({last.iso()}) is before '{spec.not_before}' ({first.iso()}); swap them or correct one",
                )


def check_order(unit: Unit, ask: Ask) -> Iterator[Problem]:
    """``after:`` never contradicts the dates (or the times of one day), never names the event itself, makes no cycle."""
    if unit.kind != "event" or unit.record is None:
        return
    event = unit.record
    for index, before_id in enumerate(event.after):
        where = unit.source.at("after", index)
        before = ask.record("event", before_id) if before_id != event.id else None
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


def check_circles(units: Iterable[Unit]) -> Iterator[Problem]:
    """The part of the "order" rule that looks at the whole project: ``after:`` makes no circle of events."""
    events = [unit for unit in units if unit.kind == "event" and unit.record is not None]
    loop = _circle(tuple((unit.record.id, unit.record.after) for unit in events))
    if loop:
        first = next(unit for unit in events if unit.record.id == loop[0])
        yield Problem(
            first.source.at("after", list(first.record.after).index(loop[1])),
            f"'after' goes round in a circle: {' → '.join(loop)}; remove one of these from 'after'",
        )


@lru_cache(maxsize=1)
def _circle(after: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str, ...] | None:
    """A circle among the events' ``after:`` (each event's id with its list), found again only when one changed: a
    preview's save passes the same lists, most of them the same objects."""
    loop = cycle({event_id: [b for b in before if b != event_id] for event_id, before in after})
    return tuple(loop) if loop else None


def check_drafts(unit: Unit, ask: Ask) -> Iterator[Problem]:
    """No published record refers to a draft: ``build`` leaves drafts out, and the reference would lead nowhere (in
    the preview, which shows drafts, a warning)."""
    links = [Ref(t[0], t[1], where) for text in unit.texts for href, _, where in _links(text) if (t := markup.link_target(href))]
    for ref in [*unit.refs, *links]:
        draft = ask.draft(ref.kind, ref.id)
        if draft is not None and not ask.is_draft(ref.location.path):
            yield reference_to_draft(ref, draft, ask.preview())


def check_placeholders(unit: Unit, ask: Ask) -> Iterator[Problem]:
    """No published record still holds placeholder text: a paragraph starting with ``TODO:``, as ``dossier new``
    writes them (a warning)."""
    for text in unit.texts:
        if not ask.is_draft(text.location.path):
            yield from placeholders(text)


CHECKS: tuple[tuple[str, Rule], ...] = (
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
WHOLE: tuple[tuple[str, Callable[[Iterable[Unit]], Iterable[Problem]]], ...] = (("circles", check_circles),)
