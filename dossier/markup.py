"""Markup: Markdown through markdown-it-py, safely, plus the text operations built on it.

Raw HTML is never rendered, images are shown as their alt text, and a link is kept
only if :func:`link_target` allows it (http, https and mailto addresses, and
``scheme:ID`` links to records, which the caller's resolver turns into page URLs or
refuses). Links to records come out as ``ROOT + url`` so that each page can
substitute its own relative root. The same
token walk gives the plain text of each block, which quote checks, passage marks
and mention detection share, so they always agree.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from html import escape
from types import MappingProxyType
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from dossier.slugs import ID_RE

ROOT = "\x00root\x00"  # cannot occur in rendered content: markdown-it turns NUL into U+FFFD
_RECORD_LINK = re.compile(rf"^([a-z][a-z0-9]*):({ID_RE.pattern.strip('^$')})$")
_SPACES = re.compile(r"\s+")
_WEB_LINK = re.compile(r"^(https?://|mailto:)[^\s]+$", re.IGNORECASE)
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)

Resolver = Callable[[str, str, str], str | None]  # (scheme, id, link title) -> URL from the site root, or None
CAPTION_LABEL = '<span class="caption-label">Photo caption</span>'  # the page's language replaces it (render)


def _caption(renderer: object, tokens: Sequence[Token], index: int, options: object, env: object) -> str:
    """A photo caption kept from a capture (``::: caption`` ... ``:::``), shown as a captioned figure."""
    if tokens[index].nesting == 1:
        return f'<figure class="caption"><figcaption>{CAPTION_LABEL}\n'
    return "</figcaption></figure>\n"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(container_plugin, "caption", render=_caption)
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # every link is judged by link_target instead
    md.normalizeLink = lru_cache(maxsize=1 << 16)(md.normalizeLink)  # type: ignore[method-assign]  # links repeat
    return md


MD = _parser()


@lru_cache(maxsize=1 << 16)
def link_target(href: str) -> tuple[str, str] | None:
    """Classify a link: ("web", href) for allowed web links, (scheme, id) for ``scheme:ID``, else None.

    Which schemes name records is the caller's business (``check`` refuses unknown ones,
    the renderer's resolver drops them).
    """
    if _WEB_LINK.match(href):
        return "web", href
    match = _RECORD_LINK.match(href)
    if match:
        return match.group(1), match.group(2)
    return None


@lru_cache(maxsize=65536)
def parse(text: str) -> tuple[Token, ...]:
    """The tokens of a Markdown text, parsed once and shared (check, model and render read them; none changes them).

    Their empty ``attrs`` and ``meta`` are one read-only mapping: most tokens have neither, and two empty
    dicts each were a third of the tokens' memory (about 70 MB at 20,000 events). A copy (``Token.copy``)
    gets an ``attrs`` dict of its own again; its ``meta`` stays the shared one (nothing here sets meta).
    """
    tokens = MD.parse(text)
    _share_empty(tokens)
    return tuple(tokens)


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _share_empty(tokens: Sequence[Token]) -> None:
    for token in tokens:
        if not token.attrs:
            token.attrs = _EMPTY  # type: ignore[assignment]
        if not token.meta:
            token.meta = _EMPTY  # type: ignore[assignment]
        if token.children:
            _share_empty(token.children)


@lru_cache(maxsize=65536)
def links(text: str) -> tuple[tuple[str, int, str], ...]:
    """Every link and image in ``text`` as (href, 0-based line within the text, title); images as ("image:" + src)."""
    return tuple(_links(text))


def _links(text: str) -> Iterator[tuple[str, int, str]]:
    for token in parse(text):
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] if token.map else 0
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                yield str(child.attrs.get("href", "")), line, str(child.attrs.get("title", ""))
            elif child.type == "image":
                yield "image:" + str(child.attrs.get("src", "")), line, ""


def normalise(text: str) -> str:
    """Quote marks and dashes made plain, whitespace collapsed: the form quotes are compared in."""
    return " ".join(text.translate(_QUOTES).split())


def _normalise_with_map(text: str) -> tuple[str, array[int]]:
    """Like :func:`normalise` (without stripping), plus the index in ``text`` of every output character.

    Each run of whitespace becomes one space standing for the run's first character
    (``\\s`` and :meth:`str.isspace` agree on what whitespace is).
    """
    translated = text.translate(_QUOTES)
    parts: list[str] = []
    where = array("i")
    position = 0
    for match in _SPACES.finditer(translated):
        start, end = match.span()
        parts.append(translated[position:start])
        parts.append(" ")
        where.extend(range(position, start + 1))
        position = end
    parts.append(translated[position:])
    where.extend(range(position, len(translated) + 1))
    return "".join(parts), where


@dataclass(frozen=True)
class Block:
    """The plain text of one paragraph, heading or cell, and its normalised form for searching."""

    text: str
    normal: str

    @cached_property
    def where(self) -> Sequence[int]:
        """The index in ``text`` of each character of ``normal``, then ``len(text)``; built only when a quote is found."""
        return _normalise_with_map(self.text)[1]

    def find(self, quote: str, normalised: bool = False) -> tuple[int, int] | None:
        """Start and end of ``quote`` in ``text`` (compared normalised; ``normalised`` when it already is), or None."""
        wanted = quote if normalised else normalise(quote)
        if not wanted:
            return None
        start = self.normal.find(wanted)
        if start < 0:
            return None
        if len(self.normal) == len(self.text):  # no run of whitespace was collapsed: positions are the same
            return start, start + len(wanted)
        return self.where[start], self.where[start + len(wanted) - 1] + 1


def _inline_text(children: Sequence[Token]) -> tuple[str, list[tuple[int, int, int]]]:
    """Plain text of an inline token's children and the (child index, start, end) span of each text and code child."""
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    length = 0
    for index, child in enumerate(children):
        if child.type in ("text", "code_inline"):
            piece = child.content
            spans.append((index, length, length + len(piece)))
        elif child.type in ("softbreak", "hardbreak"):
            piece = "\n"
        elif child.type == "image":
            piece = _alt_text(child)
        else:
            continue
        parts.append(piece)
        length += len(piece)
    return "".join(parts), spans


def _alt_text(image: Token) -> str:
    return "".join(c.content for c in image.children or ())


@lru_cache(maxsize=16384)
def blocks(text: str) -> tuple[Block, ...]:
    """The plain text of every block of a Markdown text, in order."""
    result = []
    for token in parse(text):
        if token.type == "inline":
            plain, _ = _inline_text(token.children or ())
            result.append(Block(plain, _SPACES.sub(" ", plain.translate(_QUOTES))))
    return tuple(result)


@lru_cache(maxsize=1 << 17)
def find_quote(text: str, quote: str) -> tuple[int, int, int] | None:
    """(block, start, end) of the first occurrence of ``quote`` in a Markdown text, compared normalised, or None.

    Cached, since check and model look up every quote; the quote is normalised once, not per block.
    """
    wanted = normalise(quote)
    if not wanted:
        return None
    for index, block in enumerate(blocks(text)):
        span = block.find(wanted, normalised=True)
        if span is not None:
            return index, span[0], span[1]
    return None


_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def closest_passage(text: str, quote: str) -> str | None:
    """The sentence of a Markdown text most like ``quote`` (compared normalised), if any is at all close."""
    wanted = normalise(quote).casefold()
    best, best_ratio = None, 0.6
    for block in blocks(text):
        for match in _SENTENCE.finditer(block.text):
            sentence = match.group().strip()
            ratio = SequenceMatcher(None, wanted, normalise(sentence).casefold(), autojunk=False).ratio()
            if ratio > best_ratio:
                best, best_ratio = sentence, ratio
    return best


def plain_text(text: str) -> str:
    """All the words of a Markdown text, without markup."""
    return "\n\n".join(block.text for block in blocks(text))


@dataclass(frozen=True)
class Mark:
    """A cited range in one block of a Markdown text, and the HTML placed at its start and after its end."""

    block: int
    start: int
    end: int
    key: str  # names the range on the page: every piece of its <mark> carries it in data-cited
    before: str  # HTML placed at its start (the anchors that links to it land on)
    after: str  # HTML placed right after it (the link to the records citing it)


def render(text: str, resolve: Resolver, shift: int = 2, marks: Sequence[Mark] = ()) -> str:
    """HTML of a Markdown text: links checked and resolved, headings shifted down, cited ranges marked."""
    # The parsed tokens are cached and shared: only the tokens changed here are copied (shallowly).
    tokens = list(parse(text))
    block_index = -1
    for position, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            token = tokens[position] = _copy(token)
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
        elif token.type == "inline":
            token = tokens[position] = _copy(token)
            block_index += 1
            mine = [m for m in marks if m.block == block_index]
            if mine:
                _mark(token, mine)
            token.children = _safe_children(token.children or [], resolve)
    return MD.renderer.render(tokens, MD.options, {})


_TOKEN_FIELDS = tuple(each.name for each in fields(Token))


def _copy(token: Token) -> Token:
    """A shallow copy of ``token``, as ``Token.copy`` makes it (with an ``attrs`` dict of its own), three times as fast:
    ``Token.copy`` goes through ``dataclasses.replace``, and a large dossier's pages and exports copy a token about
    400,000 times."""
    copied = object.__new__(Token)
    for name in _TOKEN_FIELDS:
        setattr(copied, name, getattr(token, name))
    copied.attrs = dict(token.attrs)
    return copied


def _safe_children(children: list[Token], resolve: Resolver) -> list[Token]:
    """Resolve record links, drop refused links (keeping their text), show images as their alt text."""
    result: list[Token] = []
    dropping: list[bool] = []
    for child in children:
        if child.type == "link_open":
            target = link_target(str(child.attrs.get("href", "")))
            url = None
            if target and target[0] == "web":
                url = target[1]
            elif target:
                resolved = resolve(*target, str(child.attrs.get("title", "")))
                url = ROOT + resolved if resolved is not None else None
            dropping.append(url is None)
            if url is None:
                continue
            title = child.attrs.get("title")
            child = _copy(child)
            child.attrs = {"href": url, **({"title": title} if title else {})}
            if target and target[0] == "web":
                child.attrs["rel"] = "noopener noreferrer"
        elif child.type == "link_close":
            if dropping and dropping.pop():
                continue
        elif child.type == "image":
            child = Token("text", "", 0, content=_alt_text(child))
        result.append(child)
    return result


def _html(content: str) -> Token:
    return Token("html_inline", "", 0, content=content)


def _mark(token: Token, passages: Sequence[Mark]) -> None:
    """Wrap the text covered by ``passages`` in <mark>, with each one's anchors at its start and links after its end.

    Text and inline code are marked (inside the ``<code>``); an image counts as its alt
    text, which it is shown as. Every piece of <mark> names the ranges covering it
    (``data-cited``), so a page can highlight a whole range. A range's back-links go right
    after its end, or after the ``</code>`` or ``</a>`` around its end: a link must not
    hold another link.
    """
    children = [Token("text", "", 0, content=_alt_text(c)) if c.type == "image" else c for c in token.children or ()]
    _, spans = _inline_text(children)
    where = {index: (begin, finish) for index, begin, finish in spans}
    bounds = sorted({b for p in passages for b in (p.start, p.end)})
    starts_done: set[str] = set()
    first_start = spans[0][1] if spans else 0
    result: list[Token] = []
    links = 0  # how many links the current child is in
    held: list[Token] = []  # back-links of passages that ended inside code or a link, placed after it
    for index, child in enumerate(children):
        if index not in where:
            result.append(child)
            links += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type == "link_close" and links == 0:
                result += held
                held = []
            continue
        begin, finish = where[index]
        code = child.type == "code_inline"
        if code:
            result.append(_html("<code>"))
        cuts = [begin] + [b for b in bounds if begin < b < finish] + [finish]
        for left, right in itertools.pairwise(cuts):
            for passage in passages:
                if passage.key not in starts_done and (passage.start == left or (passage.start < left and left == first_start)):
                    result.append(_html(passage.before))
                    starts_done.add(passage.key)
            covering = [p for p in passages if p.start <= left and right <= p.end]
            piece = Token("text", "", 0, content=child.content[left - begin : right - begin])
            if covering and right > left:
                keys = escape(" ".join(p.key for p in covering))
                result += [_html(f'<mark class="cited" data-cited="{keys}">'), piece, _html("</mark>")]
            else:
                result.append(piece)
            after = [_html(p.after) for p in passages if p.end == right and left < right]
            if code or links:
                held += after
            else:
                result += after
        if code:
            result.append(_html("</code>"))
            if not links:
                result += held
                held = []
    token.children = result + held
