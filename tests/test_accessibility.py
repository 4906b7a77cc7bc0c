"""Accessibility and validity: axe-core finds no WCAG 2.1 A/AA or best-practice violation on any page type, light
or dark, in a real browser, in English and in a right-to-left language (whose layout mirrors); the skip link and
keyboard focus work; the Nu Html Checker finds no error in any page."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dossier.build import build
from dossier.errors import Location, Problem
from dossier.server import error_page
from dossier.waiting import waiting_page
from tests.conftest import AXE_JS, SAMPLE
from tests.tools import vnu_jar

REPO = Path(__file__).parent.parent
HEBREW = Path(__file__).parent / "hebrew"  # the sample dossier in Hebrew (language: he): right to left
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
    "search/",
    "brief/",
]


HEBREW_PAGES = [
    "",
    "timeline/",
    "actors/",
    "actors/alice-example/",
    "articles/",
    "articles/herald-2022-03-01-venue/",
    "events/2022-02-disputed-venue/",
    "tags/mediation/",
    "404.html",
    "search/",
    "brief/",
]


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "site"
    build(REPO, out)  # with its search index: the search page is one of the pages checked
    return out


@pytest.fixture(scope="module")
def hebrew_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hebrew") / "site"
    build(HEBREW, out)
    return out


def axe_violations(page: Page, base: str, pages: list[str]) -> dict[str, list[tuple[str, list[object]]]]:
    found = {}
    for rel in pages:
        page.goto(base + rel)
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']})")
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        if violations:
            found[rel] = violations
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_on_any_page_type(
    bundled_site: Path, serve_static: Callable[..., str], page: Page, scheme: str
) -> None:
    base = serve_static(bundled_site)
    page.emulate_media(color_scheme=scheme)
    assert axe_violations(page, base, PAGES) == {}


def test_a_right_to_left_dossier_has_no_axe_violations_and_its_layout_mirrors(
    hebrew_site: Path, serve_static: Callable[..., str], page: Page
) -> None:
    base = serve_static(hebrew_site)
    assert axe_violations(page, base, HEBREW_PAGES) == {}
    page.goto(base + "timeline/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    box = page.evaluate(
        """() => {
        const edges = (selector) => { const r = document.querySelector(selector).getBoundingClientRect(); return [r.left, r.right]; };
        const text = document.createRange();
        text.selectNodeContents(document.querySelector("h1"));
        const item = getComputedStyle(document.querySelector(".event-item"));
        const links = [...document.querySelectorAll(".site-nav a")].map((a) => a.getBoundingClientRect().left);
        return {item: [item.borderLeftWidth, item.borderRightWidth], links, h1: edges("h1"), words: [text.getBoundingClientRect().left, text.getBoundingClientRect().right],
                title: edges(".site-title"), search: edges(".search-box"), scroll: document.documentElement.scrollWidth,
                width: document.documentElement.clientWidth};
    }"""
    )
    assert box["item"] == ["0px", "3px"]  # an event's rule stands at its start: the right
    assert box["links"] == sorted(box["links"], reverse=True)  # the navigation reads from the right
    assert abs(box["words"][1] - box["h1"][1]) < 2 and box["words"][0] > box["h1"][0] + 100  # text starts at the right
    assert box["title"][0] > box["search"][1]  # the site's title at the right, the search box to its left
    assert box["scroll"] <= box["width"]  # nothing hangs out sideways (the hidden skip links go off the right edge)


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
    page.keyboard.press("Tab")  # the first link inside main lets a keyboard skip the overview's marks
    skip_overview = page.get_by_role("link", name="Skip the overview")
    expect(skip_overview).to_be_focused()
    expect(skip_overview).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "timeline/#events-list")


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


PREVIEW_PAGES = {  # the pages the preview makes itself, not from the theme
    "waiting.html": waiting_page("rendering pages: 3,596 of 14,252").decode(),
    "errors.html": error_page([Problem(Location("content/events/x.yaml", 4, 10), "unknown actor 'a'"), "a message"]),
}


@pytest.mark.parametrize("name", sorted(PREVIEW_PAGES))
def test_the_preview_s_own_pages_have_no_axe_violations(page: Page, name: str) -> None:
    page.set_content(PREVIEW_PAGES[name])
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']})")
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []


def test_the_nu_html_checker_finds_no_error_in_any_page(bundled_site: Path, tmp_path: Path) -> None:
    sample, hebrew, preview = tmp_path / "sample", tmp_path / "hebrew", tmp_path / "preview"
    build(SAMPLE, sample, search=False)
    build(HEBREW, hebrew, search=False)
    preview.mkdir()
    for name, html in PREVIEW_PAGES.items():
        (preview / name).write_text(html, encoding="utf-8")
    java = shutil.which("java")
    assert java, "the Nu Html Checker needs Java: ./test.sh installs it (Debian's default-jre-headless)"
    result = subprocess.run(
        [
            java,
            "-jar",
            str(vnu_jar()),
            "--errors-only",
            "--skip-non-html",
            "--also-check-css",
            str(bundled_site),
            str(sample),
            str(hebrew),
            str(preview),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert errors == []
    assert result.returncode == 0


def test_the_more_actors_toggle_reads_as_a_link_and_opens(
    bundled_site: Path, serve_static: Callable[..., str], page: Page
) -> None:
    base = serve_static(bundled_site)
    page.goto(base + "timeline/")
    toggle = page.locator("li.event-item details.more").first
    summary = toggle.locator("summary")
    style = "e => { const c = getComputedStyle(e); return [c.backgroundColor, c.paddingLeft, c.color] }"
    assert toggle.evaluate(style)[:2] == ["rgba(0, 0, 0, 0)", "0px"]  # not the search page's button: text on the page
    hidden = toggle.locator("a").first
    expect(hidden).to_be_hidden()
    summary.click()
    expect(hidden).to_be_visible()
    page.goto(base + "search/")  # the search page's "Show more results" button keeps its own look
    assert page.locator("button.more").evaluate(style)[0] != "rgba(0, 0, 0, 0)"
