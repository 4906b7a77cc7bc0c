"""I18n: every word the site shows has its Hebrew, placeholders survive translation, and a Hebrew dossier builds right to
left with Hebrew words and month names while its ISO dates and data exports stay as they are."""

from __future__ import annotations

import ast
import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from jinja2 import nodes
from playwright.sync_api import Page, expect

from dossier import chronology, i18n, structured
from dossier.build import build, check
from dossier.dates import PartialDate, when
from dossier.environment import make_env
from dossier.i18n import ENGLISH, SEARCH_SCRIPT, labels
from dossier.languages import he
from dossier.model import link_records
from dossier.project import THEME
from dossier.registry import ACTOR_KIND_LABELS, EVENT_KINDS, STATUS_MEANINGS
from tests.helpers import SAMPLE

TESTS = Path(__file__).parent
HEBREW = TESTS / "hebrew"  # the sample dossier written in Hebrew, with language: he
PACKAGE = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"\{(\w*)\}")
LABEL_CALLS = {"labels", "words"}  # how the modules name a Labels value they call: labels("…"), words("…"), x.labels("…")


def theme_strings() -> tuple[set[str], set[str]]:
    """The literal texts the default theme's templates pass to ``_``, and the singulars they pass to ``_n``."""
    env = make_env(THEME.parent / "no-project")
    texts: set[str] = set()
    plurals: set[str] = set()
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".xml")) and not n.startswith("default/")):
        tree = env.parse(env.loader.get_source(env, name)[0])  # type: ignore[union-attr]
        for call in tree.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name in ("_", "_n") and isinstance(call.args[0], nodes.Const):
                (texts if call.node.name == "_" else plurals).add(call.args[0].value)
    return texts, plurals


def python_strings() -> set[str]:
    """The literal texts the package's modules translate: ``labels("…")``, ``words("…")``, ``site.labels("…")``."""
    found: set[str] = set()
    for path in set(PACKAGE.glob("*.py")) - {PACKAGE / "i18n.py"}:  # i18n makes Labels (labels("en")), the rest use them
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in LABEL_CALLS and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def wanted() -> tuple[set[str], set[str]]:
    """Every text the site can show in the interface's language, and every counted phrase."""
    texts, plurals = theme_strings()
    texts |= python_strings() | set(SEARCH_SCRIPT) | set(structured._SECTIONS.values())
    texts |= set(STATUS_MEANINGS) | set(STATUS_MEANINGS.values()) | set(EVENT_KINDS)
    texts |= set(ACTOR_KIND_LABELS) | set(ACTOR_KIND_LABELS.values())
    return texts, plurals


def test_the_hebrew_catalog_has_every_text_the_site_shows_and_nothing_else() -> None:
    texts, plurals = wanted()
    assert len(texts) > 150 and "Skip to content" in texts and "{period} — day not given" in texts
    assert sorted(texts - set(he.TEXT)) == [], "strings without their Hebrew: add them to dossier/languages/he.py"
    assert sorted(set(he.TEXT) - texts) == [], "Hebrew for strings nothing shows any more: remove them"
    assert plurals == set(he.PLURALS)


def test_translations_keep_every_placeholder_and_add_no_markup() -> None:
    for english, hebrew in he.TEXT.items():
        assert sorted(PLACEHOLDER.findall(hebrew)) == sorted(PLACEHOLDER.findall(english)), english
        assert not set('<>"&') & set(hebrew) - set(english), english
    for english, (one, other) in he.PLURALS.items():
        assert set(PLACEHOLDER.findall(other)) == set(PLACEHOLDER.findall(english)) == {"count"}, english
        assert set(PLACEHOLDER.findall(one)) <= {"count"}, english
    assert len(he.MONTHS) == len(he.MONTHS_SHORT) == 12


def test_the_search_script_asks_for_exactly_the_words_the_page_gives_it() -> None:
    script = (THEME / "static/search.js").read_text(encoding="utf-8")
    asked = set(re.findall(r'\bt\("((?:[^"\\]|\\.)*)"', script))
    assert asked == set(SEARCH_SCRIPT)


def test_a_language_picks_its_catalog_by_its_primary_subtag_and_falls_back_to_english() -> None:
    assert labels("he-IL")("Timeline") == "ציר הזמן" and labels("he-IL").rtl and labels("he").direction == "rtl"
    assert labels("fr")("Timeline") == "Timeline" and not labels("fr").rtl and labels("fr").month(2) == "February"
    assert labels("ar").rtl and labels("ar")("Timeline") == "Timeline"  # Arabic content: right to left, English words
    assert labels("he") is labels("he") and labels("he") == i18n.Labels("he")  # one frozen value per code
    assert labels("he").plural("{count} event", "{count} events", 1) == "אירוע אחד"
    assert labels("he").plural("{count} event", "{count} events", 3) == "3 אירועים"
    assert ENGLISH.plural("{count} event", "{count} events", 1) == "1 event"
    assert ENGLISH("Current to {date}", date="1 Mar 2022") == "Current to 1 Mar 2022"


def test_dates_follow_the_language_and_stay_english_by_default() -> None:
    hebrew = labels("he")
    day, month = PartialDate(2022, 2, 27, "10:00"), PartialDate(2022, 3)
    assert day.label() == "27 Feb 2022, 10:00" and month.label(ENGLISH) == "Mar 2022"
    assert day.label(hebrew) == "27 בפבר׳ 2022, 10:00"
    assert when(day, month, approximate=True, labels=hebrew) == "בערך 27 בפבר׳ 2022, 10:00 – מרץ 2022"
    assert when(PartialDate(2021), labels=hebrew) == "2021"
    assert day.iso() == "2022-02-27"


def test_the_timeline_headings_follow_the_language() -> None:
    site = link_records(check(HEBREW))
    headings = [(m.label, m.short, m.undated_label) for year in site.timeline for m in year.months]
    assert headings == [
        ("2021", "2021", "2021 — החודש לא צוין"),
        ("פברואר 2022", "פבר׳", "פברואר 2022 — היום לא צוין"),
    ]
    english = chronology.timeline(site.events)  # English unless told
    assert [m.undated_label for year in english for m in year.months] == [
        "2021 — month not given",
        "February 2022 — day not given",
    ]


@pytest.fixture(scope="module")
def hebrew_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hebrew") / "site"
    build(HEBREW, out, search=False)
    return out


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_a_hebrew_dossier_is_right_to_left_with_hebrew_words_and_month_names(hebrew_site: Path) -> None:
    for page in hebrew_site.rglob("*.html"):
        assert '<html lang="he" dir="rtl">' in read(page, ""), page
    timeline = read(hebrew_site, "timeline/index.html")
    assert '<a href="../timeline/" aria-current="page">ציר הזמן</a>' in timeline
    assert '<a class="skip-link" href="#main">דילוג לתוכן</a>' in timeline
    assert '<h3 class="month" id="m2022-02">פברואר 2022</h3>' in timeline
    assert '<h4 class="month undated" id="m2022-02-undated">פברואר 2022 — היום לא צוין</h4>' in timeline
    assert '<time datetime="2022-02-27">27 בפבר׳ 2022, 12:00</time>' in timeline  # the ISO value stays as it is
    assert '<span class="badge status-confirmed">מאושר</span>' in timeline  # the class keeps the status's id
    assert 'data-all="מוצגים כל {total} האירועים."' in timeline  # filters.js's sentences, for the page's language
    assert "<span>שיחה</span>" in timeline and "<span>מקור אחד</span>" in timeline
    event = read(hebrew_site, "events/2022-02-disputed-venue/index.html")
    assert '<span class="direction">→ הקודם</span>' in event
    assert 'המקורות סותרים זה את זה בעניין <a href="#aspect-1">מי הציע את המקום</a>.' in event
    article = read(hebrew_site, "articles/herald-2022-03-01-venue/index.html")
    assert '<span class="caption-label">כיתוב תמונה</span>' in article
    assert "<dt data-pagefind-ignore>פורסם</dt><dd>1 במרץ 2022, 09:30</dd>" in article


class Shown(HTMLParser):
    """The words a reader sees or hears: text outside scripts and styles, and the attributes that name things."""

    NAMING = ("aria-label", "placeholder", "title", "alt", "data-all", "data-some")

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")
        self.words += [value or "" for name, value in attrs if name in self.NAMING]

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.words.append(data)


def test_no_english_word_is_left_on_any_page_of_a_hebrew_dossier(hebrew_site: Path) -> None:
    allowed = {"JSON", "CSV", "TimelineJS", "JavaScript", "mediation", "venue"}  # names, and the dossier's tag ids
    found = {}
    for page in sorted(hebrew_site.rglob("*.html")):
        shown = Shown()
        shown.feed(read(page, ""))
        text = re.sub(r"\{\w+\}|\S*/\S*", "", " ".join(shown.words))  # placeholders for the scripts; addresses
        latin = set(re.findall(r"[A-Za-z]{2,}", text)) - allowed
        if latin:
            found[page.relative_to(hebrew_site).as_posix()] = sorted(latin)
    assert found == {}


def test_the_search_page_gets_its_filter_values_and_script_words_in_the_language(hebrew_site: Path) -> None:
    page = read(hebrew_site, "search/index.html")
    data = json.loads(page.split('<script type="application/json" id="search-labels">', 1)[1].split("</script>", 1)[0])
    assert data["month"]["2022-02"] == "פברואר 2022" and data["month"]["2022-03"] == "מרץ 2022"
    assert (
        data["type"]["event"] == "אירועים" and data["result"]["event"] == "אירוע" and data["status"]["disputed"] == "שנוי במחלוקת"
    )
    assert set(data["text"]) == set(SEARCH_SCRIPT) and data["text"]["Searching…"] == "מחפש…"


def test_the_data_exports_stay_as_they_are_in_any_language(tmp_path: Path, hebrew_site: Path) -> None:
    calls = [line for line in read(hebrew_site, "data/events.csv").splitlines() if line.startswith("2022-02-27-call,")]
    assert calls and ",27 Feb 2022," in calls[0] and ",2022-02-27," in calls[0]
    english = tmp_path / "en"
    shutil.copytree(HEBREW, english)
    source = english / "content/dossier.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("language: he", "language: en"), encoding="utf-8")
    build(english, tmp_path / "site", search=False)
    for name in ("events.csv", "actors.csv", "timeline.json"):
        assert read(tmp_path / "site", f"data/{name}") == read(hebrew_site, f"data/{name}"), name


def test_a_language_without_a_catalog_gets_the_english_interface(tmp_path: Path) -> None:
    for language, html in (("fr", '<html lang="fr">'), ("ar", '<html lang="ar" dir="rtl">')):
        project = tmp_path / language
        shutil.copytree(SAMPLE, project)
        source = project / "content/dossier.yaml"
        source.write_text(source.read_text(encoding="utf-8").replace("language: en", f"language: {language}"), encoding="utf-8")
        build(project, tmp_path / f"{language}-site", search=False)
        timeline = read(tmp_path / f"{language}-site", "timeline/index.html")
        assert html in timeline and "<h1>Timeline</h1>" in timeline and "February 2022 — day not given" in timeline


def test_the_filters_and_the_search_speak_the_language_of_the_page(
    tmp_path: Path, serve_static: Callable[..., str], page: Page
) -> None:
    out = tmp_path / "site"
    build(HEBREW, out)  # with the search index
    base = serve_static(out)
    page.goto(base + "timeline/?status=confirmed")
    expect(page.locator(".filter-count")).to_have_text("מוצגים 1 מתוך 3 אירועים (סטטוס: מאושר).")
    page.get_by_role("button", name="הצגת הכול").click()
    expect(page.locator(".filter-count")).to_have_text("מוצגים כל 3 האירועים.")
    page.goto(base + "search/?q=" + "שמיכות")
    expect(page.locator(".search-status")).to_have_text("תוצאה אחת עבור ״שמיכות״.")
    expect(page.locator(".result .result-type")).to_have_text("אירוע")
    expect(page.locator(".result .badge")).to_have_text("מדווח")
    expect(page.locator(".facet summary")).to_have_text(["סוג", "סטטוס", "שנה", "חודש", "גורם", "תגית"])
    page.goto(base + "search/?status=disputed")
    expect(page.locator(".search-status")).to_have_text("תוצאה אחת (סטטוס: שנוי במחלוקת).")


def test_templates_made_for_one_language_do_not_render_a_site_in_another() -> None:
    from dossier.render import render_site

    site = link_records(check(HEBREW))
    with pytest.raises(ValueError, match=r"templates made for another language than the site's \(he\)"):
        render_site(site, make_env(HEBREW), HEBREW)  # English, the default: the build passes site.labels
    assert render_site(site, make_env(HEBREW, site.labels), HEBREW, workers=1).outputs


def test_a_right_to_left_timeline_picture_opens_at_its_lane_names_on_a_phone(
    hebrew_site: Path, serve_static: Callable[..., str], browser: Any
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(serve_static(hebrew_site) + "timeline/")
        label = page.locator(".overview .lane-label").first.bounding_box()
        assert label is not None and 0 <= label["x"] < 390  # on screen, not scrolled off to the left
    finally:
        context.close()
