"""Importer: write a raw article capture (plain text or a saved HTML page) as a draft article for an editor to review.

:func:`import_capture` copies the capture into ``content/raw/`` and writes
``content/articles/ID.md``, a draft (``draft: true``: the build leaves it out until it
is reviewed): front matter with the headline, dek, byline, dates and outlet that
:mod:`dossier.cleaning` detected, and the article's own paragraphs it kept, escaped so they
render as exactly the capture's words (photo captions as caption blocks). The notes say what
was detected and what was dropped, so the editor knows what to check. The id is made from
the outlet, date and headline unless one is given. Nothing is overwritten. The heuristics
that separate the article from the site chrome are in :mod:`dossier.cleaning`.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from dossier.cleaning import Draft, clean_html, clean_text
from dossier.errors import EditorError
from dossier.new import DRAFT_LINE, content_dir, quoted, record_path, reserve
from dossier.registry import PLACEHOLDER
from dossier.slugs import ID_FORM, ID_RE, slug


@dataclass(frozen=True)
class Imported:
    """Files written by :func:`import_capture`; ``raw`` is None when an identical copy was already there."""

    article: Path
    raw: Path | None
    draft: Draft


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
    outlet = slug(re.sub(r"^the\s+", "", draft.outlet or "", flags=re.IGNORECASE), 20)
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
