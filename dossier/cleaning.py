"""Cleaning: turn a raw article capture (plain text or a saved HTML page) into a :class:`Draft`.

A draft holds the article's own paragraphs, in order, with the site chrome left out (menus,
section labels, photo credits, repeated captions, "Read more" lists, newsletter and
membership appeals, tag lines, footers), the front matter it could detect (headline, dek,
byline, dates, outlet) and what it detected and dropped. A photo caption is kept once. HTML
goes through trafilatura (a maintained article extractor) first; its text, or a plain-text
capture, then through the heuristics below, tuned on the captures in ``content/raw/``.
:mod:`dossier.importer` writes the draft article from it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from dossier.errors import EditorError

OUTLET_ABBREVIATIONS = {"toi": "The Times of Israel", "jpost": "The Jerusalem Post", "ap": "Associated Press", "afp": "AFP"}
MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_I = re.IGNORECASE
BYLINE = re.compile(r"^by\s+([^\d,;:]{3,60})$", _I)
PUBLISHED = re.compile(r"^(?:published|posted|first published)(?: on)?:?\s+(.+)$", _I)
UPDATED = re.compile(r"^(?:updated|last updated|modified)(?: on)?:?\s+(.+)$", _I)
CREDIT_INLINE = re.compile(r"\s*\((?:photo\s+)?credits?:[^)]*\)", _I)
CREDIT_LINE = re.compile(r"^(?:photo|image|picture|credit|photo credit|image credit)s?\s*:\s*\S", _I)
READ_MORE = re.compile(r"^(?:read more|related|see also|more on|also read|recommended|you may also like|most read)\b", _I)
LIST_ITEM = re.compile(r"^(?:[-•*·▪►]|\d+[.)])\s+")
BULLET = re.compile(r"^[•·▪►]\s*")
JUNK = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|share(?: this(?: article)?)?|print|e-?mail|comments?|close|loading\.*)$",
    _I,
)
TAGS = re.compile(r"^tags?\b:?\s+\S", _I)
APPEAL = re.compile(r"subscri|newsletter|member|\bjoin\b|\bsupport\b|sign in|sign up|paywall|donat", _I)
END_MARKERS = (
    re.compile(r"^(?:previous|next) (?:article|post|story)", _I),
    TAGS,
    re.compile(r"^source:\s*\S.{0,40}$", _I),
    re.compile(r"subscribe (?:for|to) (?:our|the)|^subscribe\b", _I),
    re.compile(r"already a member|join (?:our|the) .{0,40}community|yes, i.ll join|sign in to stop", _I),
    re.compile(r"^copyright\b|©|all rights reserved", _I),
    re.compile(r"^(?:most read|hot opinion|trending|recommended for you|more from)\b", _I),
)
PERSON = re.compile(r"\b(?:i|i'm|i’m|my|we|we're|we’re|our|us|you|your|you're|you’re)\b", _I)
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
OUTLET_PHRASE = re.compile(r"\bThe(?: (?:[A-Z][a-z]+|of|and)){1,5}")
OUTLET_HEADER = re.compile(r"\b(The(?: [A-Z][\w’']+){1,4})\s+[-–|]\s")


@dataclass
class Draft:
    """What cleaning made of a capture: front-matter values, paragraphs, and what it detected and dropped."""

    paragraphs: list[str] = field(default_factory=list)
    title: str | None = None
    subtitle: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    updated: str | None = None
    url: str | None = None
    detected: list[str] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)
    captions: list[str] = field(default_factory=list)  # kept paragraphs that are photo captions


def words(text: str) -> int:
    return len(text.split())


def is_sentence(text: str) -> bool:
    """Body text: at least eight words, ending like a sentence."""
    return words(text) >= 8 and bool(re.search(r"[.!?…:\"”’)]$", text))


def is_headline(text: str) -> bool:
    """Headline-like: 3 to 30 words, no closing full stop, and not a run of capitalised menu words."""
    if not 3 <= words(text) <= 30 or text.endswith(".") or CREDIT_LINE.match(text) or not re.search(r"[^\W\d_]", text):
        return False
    alpha = [w for w in text.split() if w[:1].isalpha()]
    capitalised = sum(1 for w in alpha if w[:1].isupper())
    return bool(alpha) and capitalised / len(alpha) < 0.8


def units(text: str) -> list[str]:
    """Paragraph candidates: one per line, or one per blank-line block when the text is hard-wrapped."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    long = [len(line) for line in lines if len(line) >= 40]
    wrapped = len(long) >= 5 and max(long) <= 100 and sum(55 <= n <= 100 for n in long) >= 0.8 * len(long)
    if not wrapped:
        return [line for line in lines if line]
    out: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line:
            block.append(line)
        elif block:
            out.append(" ".join(block))
            block = []
    return out


def printed_date(text: str) -> str | None:
    """An ISO date from a printed one: 2022-01-19, JANUARY 19, 2022, 19 Jan. 2022 (a time after it is ignored)."""
    iso = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        mdy = re.search(r"\b([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})\b", text)
        dmy = re.search(r"\b(\d{1,2}) ([A-Za-z]{3,9})\.?,? (\d{4})\b", text)
        if mdy and mdy.group(1)[:3].lower() in MONTHS:
            month, day, year = MONTHS[mdy.group(1)[:3].lower()], int(mdy.group(2)), int(mdy.group(3))
        elif dmy and dmy.group(2)[:3].lower() in MONTHS:
            day, month, year = int(dmy.group(1)), MONTHS[dmy.group(2)[:3].lower()], int(dmy.group(3))
        else:
            return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def name_case(name: str) -> str:
    """'LAHAV HARKOV' -> 'Lahav Harkov'; names already in mixed case are kept."""
    return name.title() if name.isupper() else name


def outlet_from_chrome(chrome: list[str]) -> str | None:
    """The outlet named in the dropped chrome: a 'The X - tagline' header, else the most repeated 'The X' name."""
    for line in chrome:
        header = OUTLET_HEADER.search(line)
        if header:
            return header.group(1)
    counts: Counter[str] = Counter()
    for line in chrome:
        for match in OUTLET_PHRASE.finditer(line):
            parts = match.group(0).split()
            for end in range(2, len(parts) + 1):
                if parts[end - 1][:1].isupper():
                    counts[" ".join(parts[:end])] += 1
    if not counts:
        return None
    top = max(counts.values())
    fitting = [name for name, n in counts.items() if n >= max(2, 0.6 * top)]
    return max(fitting, key=lambda name: (len(name.split()), counts[name])) if fitting else None


def tail_start(items: list[str], body_start: int) -> int:
    """Index of the first unit of the trailing chrome (appeals, tags, footer), or len(items)."""
    for index in range(body_start, len(items)):
        if any(marker.search(items[index]) for marker in END_MARKERS):
            while index > body_start and appeal_like(items[index - 1]):
                index -= 1
            return index
    return len(items)


def appeal_like(text: str) -> bool:
    """A line of a reader appeal: first or second person outside quotes, a short heading, or a signature."""
    bare = QUOTED.sub("", text)
    return bool(PERSON.search(bare)) or text.startswith(("~", "—")) or (words(text) <= 8 and not is_sentence(text))


def clean_text(text: str, draft: Draft | None = None) -> Draft:
    """Apply the plain-text heuristics; ``draft`` may carry metadata found elsewhere (HTML)."""
    draft = draft or Draft()
    items = units(text)
    known = {t for t in (draft.title, draft.subtitle) if t}
    # Head: everything before the first sentence, or up to the last byline/date line near the top.
    meta = [i for i, u in enumerate(items[:25]) if BYLINE.match(u) or PUBLISHED.match(u) or UPDATED.match(u)]
    first = next((i for i, u in enumerate(items) if is_sentence(u) and not CREDIT_LINE.match(u) and u not in known), len(items))
    head_end = max(first, meta[-1] + 1) if meta else first
    title_zone = min(first, meta[0]) if meta else first
    chrome: list[str] = []
    carried: list[str] = []  # captions or text among the byline lines: body, not chrome
    title_at = next((i for i in range(title_zone - 1, -1, -1) if is_headline(items[i])), None)
    if title_at is not None and draft.title is None:
        draft.title = items[title_at]
        draft.detected.append("headline")
    for index in range(head_end):
        unit = items[index]
        if index == title_at or unit in known:
            continue
        if match := BYLINE.match(unit):
            draft.author = draft.author or name_case(match.group(1).strip())
            draft.detected.append(f'byline ("{unit}")')
        elif (match := PUBLISHED.match(unit)) and printed_date(match.group(1)):
            draft.published = draft.published or printed_date(match.group(1))
            draft.detected.append(f'published ("{unit}")')
        elif (match := UPDATED.match(unit)) and printed_date(match.group(1)):
            draft.updated = draft.updated or printed_date(match.group(1))
            draft.detected.append(f'updated ("{unit}")')
        elif meta and title_at is not None and index > title_at and is_sentence(unit) and draft.subtitle is None:
            draft.subtitle = unit
            draft.detected.append("dek")
        elif CREDIT_LINE.match(unit):
            draft.dropped["photo credits"] += 1
        elif meta and index >= meta[0]:
            carried.append(unit)
        else:
            chrome.append(unit)
            draft.dropped["menus and section labels"] += 1
    if draft.published is None and chrome and (iso := printed_date(" ".join(chrome))):
        draft.published = iso
        draft.detected.append("published (a date in the page header)")
    end = tail_start(items, head_end)
    body, tail = carried + items[head_end:end], items[end:]
    for unit in tail:
        kind = "tag lines" if TAGS.match(unit) else "newsletter and membership appeals" if APPEAL.search(unit) else "footer lines"
        draft.dropped[kind] += 1
        source = re.match(r"^source:\s*(.+)$", unit, _I)
        if source and draft.outlet is None:
            name = source.group(1).strip()
            draft.outlet = OUTLET_ABBREVIATIONS.get(name.lower(), name)
            draft.detected.append(f'outlet ("{unit}")')
    if draft.outlet is None and (outlet := outlet_from_chrome(chrome + tail)):
        draft.outlet = outlet
        draft.detected.append("outlet (named in the page's menus or footer)")
    credited = frozenset(after for line, after in itertools.pairwise(items) if CREDIT_LINE.match(line) and is_sentence(after))
    draft.paragraphs = clean_body(body, draft, known, credited)
    return draft


def clean_body(body: list[str], draft: Draft, known: set[str], credited: frozenset[str] = frozenset()) -> list[str]:
    """The article's paragraphs: credits, repeated captions, read-more lists and junk lines removed.

    A paragraph carrying a photo credit, or right after a photo credit line (``credited``), is a caption.
    """
    kept: list[str] = []
    seen = set(known)
    in_list = False
    for unit in body:
        if in_list and (LIST_ITEM.match(unit) or not is_sentence(unit)):
            draft.dropped["read-more lists"] += 1
            continue
        in_list = False
        if READ_MORE.match(unit) and words(unit) <= 10:
            in_list = True
            draft.dropped["read-more lists"] += 1
            continue
        if CREDIT_LINE.match(unit) and words(unit) <= 12:
            draft.dropped["photo credits"] += 1
            continue
        if JUNK.match(unit):
            draft.dropped["menus and section labels"] += 1
            continue
        text = unit
        caption = bool(CREDIT_INLINE.search(text)) or unit in credited
        if caption:
            text = CREDIT_INLINE.sub("", text).strip()
            draft.dropped["photo credits"] += 1
            half = len(text) // 2
            if text[:half].strip() and text[:half].strip() == text[half:].strip():
                text = text[:half].strip()
            if not text:
                continue
        if text in seen:
            draft.dropped["repeated captions and lines"] += 1
            continue
        seen.add(text)
        text = BULLET.sub("", text)
        if caption:
            draft.captions.append(text)
        kept.append(text)
    return kept


def clean_html(data: bytes) -> Draft:
    """Extract the article from a saved HTML page with trafilatura, then tidy its text like a plain capture."""
    try:
        import trafilatura  # imported here: it takes half a second to load and only HTML needs it
    except ImportError:
        raise EditorError(
            "importing an HTML page needs trafilatura: pip install 'dossier-ssg[import]' (a .txt capture needs nothing more)"
        ) from None

    doc = trafilatura.bare_extraction(
        data,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    assert not isinstance(doc, dict), "bare_extraction returns a Document unless as_dict=True"
    if doc is None or not doc.text:
        raise EditorError(
            "no article text found in the HTML page; save the article's own page, or paste its text into a .txt file"
        )
    draft = Draft(title=doc.title or None, subtitle=doc.description or None, author=doc.author or None, url=doc.url or None)
    draft.outlet = doc.sitename or None
    draft.published = printed_date(doc.date or "")
    draft.detected.append("article text (by trafilatura, which leaves out menus, asides, forms and footers)")
    draft.detected += [
        what for what, value in (("headline", doc.title), ("dek", doc.description), ("byline", doc.author),
                                 ("published", draft.published), ("outlet", doc.sitename), ("url", doc.url)) if value
    ]  # fmt: skip
    return clean_text(doc.text, draft)
