"""Brief: the printable brief has the bottom line, the key points and every event in the site's order with numbered
source notes, and Chromium prints it as one clean document (no navigation, notes with their sources)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pypdf
from playwright.sync_api import Page

from dossier.brief import make_brief
from dossier.build import check
from dossier.model import link_records

REPO = Path(__file__).parent.parent
FIRST = link_records(check(REPO))


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_brief_holds_every_event_in_order_with_its_sources_as_numbered_notes() -> None:
    brief = make_brief(FIRST)
    entries = [entry for group in brief.chronology for entry in group.entries]
    assert [entry.event.id for entry in entries] == [e.id for e in FIRST.events]  # the site's one order
    assert [group.label for group in brief.chronology] == [  # the timeline's groups
        "April 2021 — day not given", "October 2021 — day not given", "2021 — month not given", "January 2022",
        "February 2022", "February 2022 — day not given", "March 2022 — day not given", "April 2022 — day not given",
    ]  # fmt: skip
    notes = [*brief.summary.notes, *(n for p in brief.key_points for n in p.text.notes), *(n for e in entries for n in e.notes)]
    assert [note.number for note in notes] == list(range(1, brief.notes + 1))  # numbered through the document
    for entry in entries:  # each of an event's sources is one of its notes
        sources = [(s.article, s.quote) for s in entry.event.sources]
        assert sorted(sources) == sorted((n.article.id, n.quote) for n in entry.notes if (n.article.id, n.quote) in sources)
    call = next(entry for entry in entries if entry.event.id == "2022-02-27-bennett-putin-call")
    referenced = [int(n) for n in re.findall(r'<sup class="note-ref">(\d+)</sup>', call.summary)]
    assert referenced == sorted(referenced) and len(set(referenced)) > 5  # numbered as the summary reads
    assert len(brief.key_points) == len(FIRST.dossier.key_points)


def test_links_in_the_briefs_texts_become_note_numbers_and_links_within_the_brief(first_dossier: Path) -> None:
    html = (first_dossier / "brief/index.html").read_text(encoding="utf-8")
    defined = re.findall(r'<li id="note-(\d+)" value="\1">', html)
    assert defined == [str(n) for n in range(1, len(defined) + 1)]
    referenced = re.findall(
        r'<a href="#note-(\d+)"[^>]*>[^<]*(?:<[^/][^>]*>[^<]*</[^>]+>[^<]*)*</a><sup class="note-ref">\1</sup>', html
    )
    assert referenced and set(referenced) <= set(defined)
    for target in re.findall(r'href="#event-([^"]+)"', html):
        assert f'id="event-{target}"' in html
    assert '<nav class="wrap site-nav" aria-label="Main">' in html  # on screen it is a page of the site like any other


def test_the_brief_prints_to_pdf_as_one_clean_document(first_dossier: Path, serve_static: Callable[..., str], page: Page) -> None:
    base = serve_static(first_dossier)
    page.goto(base + "brief/")
    pdf = page.pdf(format="A4")  # Chromium's own print: the print style sheet applies
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [words(p.extract_text()) for p in reader.pages]
    text = " ".join(pages)
    assert len(pages) >= 8
    assert pages[0].startswith(f"BRIEF {FIRST.dossier.title}")
    assert "Current to Apr 2022 · 44 events from 5 source articles" in pages[0]
    assert "Bottom line" in pages[0] and "Key points" in text
    chronology = next(i for i, p in enumerate(pages) if p.startswith("Chronology"))  # on a page of its own
    assert chronology > 0
    shown = " ".join(pages[chronology:])
    positions = [shown.find(words(event.title)) for event in FIRST.events]
    assert -1 not in positions and positions == sorted(positions), "every event, in order"
    assert "The Times of Israel, 27 Feb 2022: Bennett proposes Israeli mediation in call with Putin." in text  # a note
    assert "In this dossier: articles/toi-2022-02-27-liveblog-bennett-putin-call/" in text  # no address of its own
    for chrome in ("Skip to content", "Search the dossier", "Overview Timeline Actors", "Every claim links", "Data: JSON"):
        assert chrome not in text, chrome
