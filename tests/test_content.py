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


def test_the_story_runs_from_april_2021_to_april_2022() -> None:
    assert SITE.events[0].id == "2021-04-yermak-meets-netanyahu"
    assert (SITE.events[-1].date.year, SITE.events[-1].date.month) == (2022, 4)


def test_only_real_contradictions_are_disputed_and_each_sets_two_accounts_side_by_side() -> None:
    disputed = [e for e in SITE.events if e.status == "disputed"]
    assert 1 <= len(disputed) <= 5
    for event in disputed:
        for dispute in SITE.disputes[event.id]:
            assert len(dispute.accounts) >= 2, event.id
            assert all(account.source.says for account in dispute.accounts), event.id
    # differences of detail are notes, not disputes (the fact-check of the first dossier)
    for event_id in ("2022-02-27-bennett-putin-call", "2022-02-27-koren-interview", "2021-10-bennett-putin-sochi-meeting"):
        assert SITE.event[event_id].status != "disputed", event_id
    assert SITE.event["2022-02-28-israeli-aid-shipment"].status == "planned"


def test_every_link_in_an_event_text_lands_on_a_passage() -> None:
    for event in SITE.events:
        for text in (event.summary, *(s.note or "" for s in event.sources), *(s.says or "" for s in event.sources)):
            for href, _, title in markup.links(text):
                assert not (href.startswith("article:") and not title), f"{event.id}: {href} lands on the top of the article"


def test_the_timeline_reads_as_the_sources_tell_it() -> None:
    order = [e.id for e in SITE.events]
    invasion = order.index("2022-02-24-russia-invades-ukraine")
    for event in SITE.events:  # day-dated events in date order
        if event.date.day:
            assert all(
                other.date.earliest() <= event.date.earliest() for other in SITE.events[: order.index(event.id)] if other.date.day
            )
    for event_id in (
        "2022-02-bennett-criticised-for-not-condemning-russia",
        "2022-02-lukashenko-denies-belarusian-troops-involved",
        "2022-02-lapid-condemns-russia",
    ):
        assert order.index(event_id) > invasion, event_id
    assert order.index("2022-02-27-zelensky-rejects-talks-in-belarus") < order.index(
        "2022-02-27-zelensky-agrees-to-talks-on-belarus-border"
    )
    for event in SITE.events:  # every after: is honoured
        for before in event.after:
            assert order.index(before) < order.index(event.id), (before, event.id)


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
    records = len(SITE.records["page"]) + len(SITE.events) + len(SITE.actors) + len(SITE.articles)
    assert report.pages == 8 + records + len(SITE.tags)
