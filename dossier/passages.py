"""Passages: every place in an article that the dossier cites, and who cites it.

A passage is cited by an event's source, by an actor's role, or by a link in any
Markdown text that names an article and the words it points at
(``[text](article:ID "exact words")``). Passages covering the same words are grouped
into one :class:`CitedRange`, numbered in the order of the article's text (of the ranges'
ends, where their numbers stand), so the article page marks each range once and lists
everyone citing it. Pure: built from the records alone.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dossier import markup
from dossier.i18n import ENGLISH, Labels
from dossier.memo import ByValue, Memo, Unkeyed
from dossier.records import Article, Citation, Records
from dossier.registry import DOSSIER, by_name, every_type, page_url, schemes, title_of
from dossier.schema import Field

SOURCE_SCHEME = "source"  # [text](source:2): the second source of the event whose text holds the link


@dataclass(frozen=True)
class Passage:
    """One citation of a passage: where it is in the article and which record cites it, how."""

    article: str
    anchor: str  # the element id on the article page that links to this citation land on
    cited_by: str  # the citing record's type ("event", "actor", "dossier", ...)
    record_id: str
    label: str  # the citing record in full ("27 Feb 2022: Bennett calls Putin")
    short: str  # ... and briefly ("27 Feb 2022", or the actor's name)
    fragment: str  # where on the citing record's page the citation is ("#source-2"), or ""
    how: str  # "source" (an event's source), "role" (an actor's role) or "link" (a link in a text)
    block: int
    start: int
    end: int


@dataclass(frozen=True)
class CitedRange:
    """The passages of one article that cover the same words, numbered in the order of the text."""

    number: int
    block: int
    start: int
    end: int
    passages: tuple[Passage, ...]
    text: str  # the words it covers, as the article has them

    @property
    def key(self) -> str:
        return f"c{self.number}"

    @property
    def anchor(self) -> str:
        """Where a link to the range lands: the first citation's anchor."""
        return self.passages[0].anchor

    @property
    def anchors(self) -> tuple[tuple[str, str], ...]:
        """Each anchor of the range once, with the records citing the range through it ("a; b" when several)."""
        labels: dict[str, list[str]] = {}
        for passage in self.passages:
            labels.setdefault(passage.anchor, []).append(passage.label)
        return tuple((anchor, "; ".join(names)) for anchor, names in labels.items())


def passage_anchor(article_id: str, words: str) -> str:
    """The anchor of a passage named by its words: the same for every link naming the same words."""
    digest = hashlib.sha1(f"{article_id}\0{markup.normalise(words)}".encode()).hexdigest()
    return f"q-{digest[:10]}"


def source_anchor(event_id: str, number: int) -> str:
    """The anchor of an event's ``number``-th source (1-based) in the cited article."""
    return f"cite-{event_id}-{number}"


def role_anchor(actor_id: str, number: int) -> str:
    """The anchor of an actor's ``number``-th role (1-based) in the article its source cites."""
    return f"role-{actor_id}-{number}"


def markdown_texts(fields: tuple[Field, ...], record: Any) -> Iterator[str]:
    """Every Markdown text of a record, nested records and lists included, in field order."""
    for spec in fields:
        value = getattr(record, spec.attribute, None)
        yield from _texts(spec, value)
    body = getattr(record, "body", None)
    if isinstance(body, str) and body:
        yield body


def _texts(spec: Field, value: Any) -> Iterator[str]:
    if value is None:
        return
    if spec.type == "markdown" and isinstance(value, str):
        yield value
    elif spec.type == "list" and spec.item is not None:
        for item in value:
            yield from _texts(spec.item, item)
    elif spec.type == "record" and spec.cls is not None:
        for inner in spec.fields:
            yield from _texts(inner, getattr(value, inner.attribute, None))


def describe(kind: str, record: Any, labels: Labels = ENGLISH) -> tuple[str, str]:
    """How a citing record is named beside the passage: in full and briefly."""
    if kind == DOSSIER.name:
        return labels("The dossier's overview"), labels("Overview")
    date = getattr(record, "date", None)
    title = title_of(record)
    if date is not None:
        shown = date.label(labels)
        return labels("{date}: {title}", date=shown, title=title), shown
    return title, title


def collect(records: Records, labels: Labels = ENGLISH, memo: Memo | None = None) -> dict[str, tuple[Passage, ...]]:
    """Every citation of every article, by article id, in the order of the article's text (labelled in the language
    of ``labels``). With a ``memo``, a record's citations are found again only when it or an article it cites
    changed."""
    memo = memo if memo is not None else Memo()
    articles: Mapping[str, Article] = {a.id: a for a in records.articles}
    found: dict[str, list[Passage]] = defaultdict(list)

    same_articles = memo.same("cited articles", articles)
    same = memo.same("passage labels", {"": labels}) and same_articles  # the usual save (both asked every build)

    def current(result: tuple[tuple[Passage, ...], tuple[tuple[str, Article | None], ...]]) -> bool:
        return all(articles.get(article_id) is article for article_id, article in result[1])

    for record_type in every_type():
        items = (records.dossier,) if record_type is DOSSIER else records.of(record_type.name)
        for record in items:
            # keyed by the record alone (cheaper, for thousands of records) while the articles and labels are the same
            passages, _ = memo.each(_passages_of, record, record_type.name, labels, articles, memo, current, still=same)
            for passage in passages:
                found[passage.article].append(passage)
    return {article: memo(_in_text_order, tuple(items)) for article, items in found.items()}


def _in_text_order(passages: tuple[Passage, ...]) -> tuple[Passage, ...]:
    return tuple(sorted(passages, key=lambda p: (p.block, p.start, p.end, p.anchor)))


def _passages_of(
    record: Any, kind: str, labels: Labels, articles: Mapping[str, Article], memo: Memo, current: Any
) -> tuple[tuple[Passage, ...], tuple[tuple[str, Article | None], ...]]:
    """A record's passages when :meth:`Memo.each` has none (or the articles or labels changed): from the call keyed by
    every argument and checked against the articles it consulted, or found again."""
    return memo(_record_passages, ByValue(kind), record, labels, Unkeyed(articles), still=current)


def _record_passages(
    kind: str, record: Any, labels: Labels, articles: Mapping[str, Article]
) -> tuple[tuple[Passage, ...], tuple[tuple[str, Article | None], ...]]:
    """The passages one record cites (its sources, its roles' sources, its links to quoted words), and the articles
    it looked them up in (None for an article that does not exist)."""
    found: list[Passage] = []
    seen: set[str] = set()
    consulted: dict[str, Article | None] = {}
    record_id = getattr(record, "id", kind)

    def add(citation: Citation, anchor: str, fragment: str, how: str, detail: str = "") -> None:
        article = consulted.setdefault(citation.article, articles.get(citation.article))
        if anchor in seen or article is None:
            return
        span = markup.find_quote(article.body, citation.quote)
        if span is None:
            return  # check reports it; a text is never rendered with a dangling passage
        seen.add(anchor)
        label, short = describe(kind, record, labels)
        label = labels("{label}: {detail}", label=label, detail=detail) if detail else label
        found.append(Passage(citation.article, anchor, kind, record_id, label, short, fragment, how, *span))

    if kind == "event":
        for number, source in enumerate(record.sources, start=1):
            add(source, source_anchor(record.id, number), f"#source-{number}", "source")
    if kind == "actor":
        for number, role in enumerate(record.roles, start=1):
            if role.source is not None:
                add(role.source, role_anchor(record.id, number), "#roles", "role", role.title)
    for text in markdown_texts(by_name(kind).fields, record):
        for href, _, title in markup.links(text):
            target = markup.link_target(href)
            if target and target[0] == "article" and title:
                add(Citation(target[1], title), passage_anchor(target[1], title), "", "link")
    return tuple(found), tuple(consulted.items())


def ranges(passages: tuple[Passage, ...], body: str) -> tuple[CitedRange, ...]:
    """Passages covering the same words of the article ``body`` as one range each, numbered in the order of the text:
    the order in which their ends come, where the page puts each range's number, so that a reader meets [1], [2], [3]
    in turn even where ranges overlap (a sentence cited inside a paragraph cited whole ends first)."""
    grouped: dict[tuple[int, int, int], list[Passage]] = defaultdict(list)
    for passage in passages:
        grouped[(passage.block, passage.end, passage.start)].append(passage)
    blocks = markup.blocks(body)
    return tuple(
        CitedRange(number, block, start, end, tuple(items), blocks[block].text[start:end])
        for number, ((block, end, start), items) in enumerate(sorted(grouped.items()), 1)
    )


def resolve_link(scheme: str, record_id: str, title: str) -> str | None:
    """Where a link in Markdown leads, from the site root: a record's page, or with quoted words as its title, that
    passage of an article (None for a scheme that names no record type)."""
    if scheme not in schemes():
        return None
    if scheme == "article" and title:
        return f"{page_url(scheme, record_id)}#{passage_anchor(record_id, title)}"
    return page_url(scheme, record_id)


def resolve_source(event: Any, number: str) -> str | None:
    """Where ``[text](source:N)`` in an event's text leads: the passage of its N-th source, or None."""
    if not number.isdigit() or not 1 <= int(number) <= len(event.sources):
        return None
    source = event.sources[int(number) - 1]
    return f"{by_name('article').section}/{source.article}/#{source_anchor(event.id, int(number))}"


def resolver(event: Any = None) -> Callable[[str, str, str], str | None]:
    """Where record links lead from a Markdown text (an event's own text also has its ``source:N`` links)."""

    def resolve(scheme: str, record_id: str, title: str) -> str | None:
        if scheme == SOURCE_SCHEME:
            return resolve_source(event, record_id) if event is not None else None
        return resolve_link(scheme, record_id, title)

    return resolve


def text_html(text: str, shift: int, event: Any = None) -> str:
    """A Markdown text as HTML, its record links resolved from :data:`markup.ROOT` (``event`` resolves its
    ``source:N`` links), headings shifted down by ``shift``: made once per process for each text, shift and event,
    since the pages and TimelineJS show the same texts at the same depth (the text of an event that has no source
    link shares its entry with every other). ``dossier.json``, whose texts nothing else shows unshifted, renders
    them without keeping them: kept, they were 30 MB more in a render worker at 10k."""
    if event is not None and not names_a_source(text):
        event = None
    return _text_html(text, shift, event)


def names_a_source(text: str) -> bool:
    """Whether a Markdown text has a ``source:N`` link, as parsed (``source&#58;1`` and ``source\\:1`` are one too)."""
    return any((target := markup.link_target(href)) and target[0] == SOURCE_SCHEME for href, _, _ in markup.links(text))


@lru_cache(maxsize=65536)
def _text_html(text: str, shift: int, event: Any) -> str:
    return markup.render(text, resolver(event), shift=shift)
