"""The bundled dossier: it passes every check, builds, and its articles keep the captures' words exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier import markup
from dossier.build import check
from dossier.model import link_records

REPO = Path(__file__).parent.parent
RECORDS = check(REPO)
SITE = link_records(RECORDS)


@pytest.mark.parametrize("article", RECORDS.articles, ids=lambda a: a.id)
def test_every_paragraph_of_a_cleaned_article_occurs_in_its_raw_capture(article) -> None:
    assert article.raw is not None, f"{article.path} does not name its capture"
    raw = (REPO / "content/raw" / article.raw).read_text(encoding="utf-8")
    normal_raw = markup.normalise(raw)
    paragraphs = markup.blocks(article.body)
    assert len(paragraphs) >= 3
    for block in paragraphs:
        assert markup.normalise(block.text) in normal_raw, f"{article.path}: paragraph not in {article.raw}: {block.text[:80]!r}"


def test_every_capture_has_its_article() -> None:
    captures = {p.name for p in (REPO / "content/raw").iterdir()}
    assert captures == {a.raw for a in RECORDS.articles}
    assert len(captures) == 5


def test_the_story_runs_from_april_2021_to_april_2022_and_shows_disagreements() -> None:
    assert SITE.events[0].date.year == 2021
    assert (SITE.events[-1].date.year, SITE.events[-1].date.month) == (2022, 4)
    assert any(e.id == "2021-04-yermak-meets-netanyahu" for e in SITE.events)
    disputed = [e for e in SITE.events if e.status == "disputed"]
    assert len(disputed) >= 5
    for event in disputed:
        assert any(s.note for s in event.sources), f"{event.id} is disputed but no source says what it claims"


def test_every_event_cites_a_passage_and_multi_source_events_cite_each_article() -> None:
    for event in SITE.events:
        assert event.sources
    call = SITE.event["2022-02-27-bennett-putin-call"]
    assert len({s.article for s in call.sources}) == 3


def test_aliases_cover_the_spellings_the_sources_use() -> None:
    assert {"Zelenskyy", "Zelensky"} <= set(SITE.actor["volodymyr-zelensky"].aliases) | {SITE.actor["volodymyr-zelensky"].name}
    assert "Kiev" in SITE.actor["kyiv"].aliases or SITE.actor["kyiv"].name == "Kiev"


def test_the_bundled_dossier_builds_every_page(tmp_path: Path) -> None:
    from dossier.build import build

    report = build(REPO, tmp_path / "site", search=False)
    assert report.pages == 7 + len(SITE.events) + len(SITE.actors) + len(SITE.articles) + len(SITE.tags)
