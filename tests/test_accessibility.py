"""Accessibility in a real browser: axe-core finds no WCAG 2.1 A/AA violation on any page type, light or dark,
and the skip link and keyboard focus work."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dossier.build import build
from tests.conftest import AXE_JS

REPO = Path(__file__).parent.parent
PAGES = [
    "",
    "timeline/",
    "actors/",
    "actors/volodymyr-zelensky/",
    "articles/",
    "articles/toi-2022-02-27-liveblog-bennett-putin-call/",
    "events/2022-02-27-bennett-putin-call/",
    "events/2022-02-27-russian-delegation-arrives-in-belarus/",  # disputed: who says what
    "tags/",
    "tags/mediation/",
    "404.html",
    "brief/",
]


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "site"
    build(REPO, out, search=False)
    return out


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_on_any_page_type(
    bundled_site: Path, serve_static: Callable[..., str], page: Page, scheme: str
) -> None:
    base = serve_static(bundled_site)
    page.emulate_media(color_scheme=scheme)
    found = {}
    for rel in PAGES:
        page.goto(base + rel)
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']})")
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        if violations:
            found[rel] = violations
    assert found == {}


def test_every_page_has_one_h1_landmarks_and_a_working_skip_link(
    bundled_site: Path, serve_static: Callable[..., str], page: Page
) -> None:
    base = serve_static(bundled_site)
    for rel in PAGES:
        page.goto(base + rel)
        expect(page.locator("h1")).to_have_count(1)
        for role in ("banner", "navigation", "main", "contentinfo", "search"):
            expect(page.get_by_role(role).first).to_be_attached()
    page.goto(base + "timeline/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "timeline/#main")
    page.keyboard.press("Tab")
    focused_href = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused_href is not None and focused_href.startswith("#y")  # the first link inside main: the year index


def test_pages_fit_a_phone_screen_without_sideways_scrolling(
    bundled_site: Path, serve_static: Callable[..., str], page: Page
) -> None:
    base = serve_static(bundled_site)
    page.set_viewport_size({"width": 360, "height": 740})
    wide = {}
    for rel in PAGES:
        page.goto(base + rel)
        width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            wide[rel] = width
    assert wide == {}


def test_print_style_hides_navigation_and_search(bundled_site: Path, serve_static: Callable[..., str], page: Page) -> None:
    base = serve_static(bundled_site)
    page.goto(base + "events/2022-02-27-bennett-putin-call/")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("search")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
