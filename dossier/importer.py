"""Importer: turn a raw article capture (plain text or a saved HTML page) into a draft article for an editor to review.

:func:`import_capture` copies the capture into ``content/raw/`` and writes
``content/articles/ID.md``, a draft (``draft: true``: the build leaves it out until it
is reviewed): front matter with the headline, dek, byline, dates and outlet it could
detect, and the article's own paragraphs with the site chrome left
out (menus, section labels, photo credits, repeated captions, "Read more" lists,
newsletter and membership appeals, tag lines, footers). The notes say what was
detected and what was dropped, so the editor knows what to check. HTML goes through
trafilatura (a maintained article extractor) first; plain text through the
heuristics below, tuned on the captures in ``content/raw/``. Nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from dossier.errors import EditorError
from dossier.new import DRAFT_LINE, content_dir, quoted, record_path, reserve
from dossier.registry import PLACEHOLDER
from dossier.slugs import ID_FORM, ID_RE, slug

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
    """What the importer made of a capture: front-matter values, paragraphs, and what it detected and dropped."""

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


@dataclass(frozen=True)
class Imported:
    """Files written by :func:`import_capture`; ``raw`` is None when an identical copy was already there."""

    article: Path
    raw: Path | None
    draft: Draft


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


# Inline characters that would turn a (one-line) paragraph's words into markup under CommonMark as markdown-it-py
# parses it, here with strikethrough on: backslashes, emphasis, code spans, ~~strikethrough~~, the "](" that closes a
# link or image text, "<" opening an autolink or tag, and "&" opening an entity reference. A lone "[" or "!" is kept:
# with no "](" after it and no reference definitions (a leading "[" is escaped below), it stays text.
INLINE_MARKUP = re.compile(
    r"[\\*_`]|~(?=~)|(?<=~)~|\](?=\()|<(?=\S)|&(?=#\d{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)"
)


def escape(paragraph: str) -> str:
    """Keep a one-line paragraph literal in Markdown, so it renders as exactly the capture's words.

    Inline markup characters are backslash-escaped where they would take effect, and a leading #, >, list marker,
    number, table bar or "[" (a link reference definition) would change the block's meaning.
    """
    paragraph = INLINE_MARKUP.sub(lambda match: "\\" + match.group(0), paragraph)
    paragraph = re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", paragraph)
    return "\\" + paragraph if paragraph[:1] in "#>+-=|[" else paragraph


def notes(draft: Draft, capture: str, today: dt.date) -> str:
    lines = [
        f"{PLACEHOLDER} draft made by `dossier import` from `{capture}` on {today.isoformat()}: compare it with the",
        "capture in content/raw/, correct it, then replace these notes with your own.",
        "",
        f"- Detected: {', '.join(draft.detected)}."
        if draft.detected
        else "- Detected: nothing (no headline, byline, date or outlet).",
    ]
    missing = [name for name, value in (("headline", "headline" in draft.detected), ("byline", draft.author),
                                        ("date", draft.published), ("outlet", draft.outlet)) if not value]  # fmt: skip
    if missing:
        lines.append(f"- Not found: {', '.join(missing)}.")
    if draft.captions:
        lines.append(
            f"- Kept once: {len(draft.captions)} photo caption(s), as caption blocks (::: caption); delete any not part of the article."
        )
    if draft.dropped:
        parts = [f"{what} {count}" for what, count in sorted(draft.dropped.items())]
        lines.append(f"- Lines dropped: {', '.join(parts)}.")
    return "\n".join(lines)


def opening(paragraph: str, limit: int = 14) -> str:
    """The first sentence of a paragraph, or its first words and an ellipsis, as a stand-in headline."""
    sentence = re.split(r"(?<=[.!?])\s", paragraph, maxsplit=1)[0].rstrip(".")
    found = sentence.split()
    return sentence if len(found) <= limit else " ".join(found[:limit]).rstrip(",;:") + "…"


def article_text(draft: Draft, raw_name: str, today: dt.date) -> str:
    title = draft.title or opening(draft.paragraphs[0] if draft.paragraphs else "Untitled")
    front = [DRAFT_LINE.rstrip("\n"), f"title: {quoted(title)}"]
    if "headline" not in draft.detected:
        front.append("headline: false  # the capture prints none: the title is made from the first words; write your own")
    for key in ("subtitle", "outlet", "author"):
        if value := getattr(draft, key):
            front.append(f"{key}: {quoted(value)}")
    for key in ("published", "updated"):
        if value := getattr(draft, key):
            front.append(f"{key}: {value}")
    if draft.url and re.match(r"^https?://\S+$", draft.url):
        front.append(f"url: {quoted(draft.url)}")
    front.append(f"raw: {quoted(raw_name)}")
    front.append("notes: |\n" + "\n".join(f"  {line}" if line else "" for line in notes(draft, raw_name, today).split("\n")))
    captions = set(draft.captions)
    blocks = [f"::: caption\n{escape(p)}\n:::" if p in captions else escape(p) for p in draft.paragraphs]
    body = "\n\n".join(blocks) or f"{PLACEHOLDER} the importer found no article text: paste it here."
    return "---\n" + "\n".join(front) + "\n---\n" + body + "\n"


def article_id(draft: Draft) -> str:
    title = draft.title or (opening(draft.paragraphs[0], 8) if draft.paragraphs else "article")
    outlet = slug(re.sub(r"^the\s+", "", draft.outlet or "", flags=_I), 20)
    prefix = "-".join(part for part in (outlet, draft.published or "") if part)
    return "-".join(part for part in (prefix, slug(title, 70 - len(prefix) if prefix else 70)) if part)


def read_capture(capture: Path) -> Draft:
    data = capture.read_bytes()
    head = data[:1024].lstrip().lower()
    if capture.suffix.lower() in (".html", ".htm") or head.startswith((b"<!doctype html", b"<html")):
        return clean_html(data)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise EditorError(f"{capture} is not UTF-8 text (byte {exc.start}); save it as UTF-8 or as an .html page") from None
    if not text.strip():
        raise EditorError(
            f"no article text in {capture} (it is empty); paste the article's text into it, or save the article's own page as .html"
        )
    return clean_text(text)


def import_capture(root: Path, capture: Path, record_id: str | None = None, today: dt.date | None = None) -> Imported:
    """Write a draft article from ``capture`` and copy the capture into content/raw/; never overwrite."""
    if not capture.is_file():
        raise EditorError(f"capture {capture} not found")
    content = content_dir(root)
    draft = read_capture(capture)
    if record_id is not None and not ID_RE.match(record_id):
        raise EditorError(f"--id '{record_id}' is not a valid id; use {ID_FORM}")
    rid = record_id if record_id is not None else article_id(draft)
    if not ID_RE.match(rid):
        raise EditorError(
            "cannot make an id from the capture's headline, outlet and date (no letters or digits); pass one with --id"
        )
    path = record_path(content, "article", rid)
    raw = content / "raw" / capture.name
    if raw.exists() and raw.read_bytes() != capture.read_bytes():
        raise EditorError(f"{raw} already exists with different content; rename the capture file and import it again")
    copied = None
    if not raw.exists():
        raw.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(capture, raw)
        copied = raw
    try:
        reserve(path, article_text(draft, capture.name, today or dt.date.today()))
    except EditorError:
        if copied:
            copied.unlink()
        raise
    return Imported(path, copied, draft)
