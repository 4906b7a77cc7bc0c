"""Navigation in a real browser: the sample site's pages link to each other and work under a sub-path."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect


def test_event_source_links_to_marked_passage_and_back(sample_site: Path, serve_static, page: Page) -> None:
    base = serve_static(sample_site, prefix="/some/path/")
    page.goto(base + "events/2022-02-27-call/")
    page.get_by_role("link", name="Alice offers to mediate").click()
    expect(page).to_have_url(base + "articles/gazette-2022-02-28-offer/#cite-2022-02-27-call-1")
    expect(page.locator("#cite-2022-02-27-call-1 .cited-label")).to_be_visible()
    number = page.locator("a.backref").nth(2)  # the call's passage is the article's third cited range
    expect(number).to_have_text("who cites this passage: [3]")
    number.click()
    expect(page).to_have_url(base + "articles/gazette-2022-02-28-offer/#cited-3")
    page.locator("#cited-3").get_by_role(
        "link", name="27 Feb 2022: Alice Example offers Bob Sample mediation in a phone call"
    ).click()
    expect(page).to_have_url(base + "events/2022-02-27-call/#source-1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Example offers Bob Sample mediation in a phone call")
