"""Overview: the timeline's SVG picture (every event a linked mark, crowded lanes gathered), and the timeline's and an
actor page's filters in a real browser."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dossier.build import build, check
from dossier.dates import PartialDate
from dossier.model import link_records
from dossier.overview import SPREAD, layout
from dossier.records import Actor, Citation, Event

REPO = Path(__file__).parent.parent
SITE = link_records(check(REPO))


def test_every_event_of_the_first_dossier_is_a_mark_of_its_own_with_a_name() -> None:
    overview = SITE.overview
    assert overview is not None
    singles = {m.events[0]: m for m in overview.marks if m.count == 1}
    assert set(singles) == {e.id for e in SITE.events}
    assert all(m.count == 1 for m in overview.marks)
    bennett = SITE.event["2022-02-27-bennett-putin-call"]
    assert singles[bennett.id].label == f"27 Feb 2022, 12:00: {bennett.title} (confirmed)"
    assert overview.lanes[:3] == ("Russia", "Ukraine", "Israel")


def test_marks_show_precision_and_status() -> None:
    overview = SITE.overview
    assert overview is not None
    by_event = {m.events[0]: m for m in overview.marks}
    assert by_event["2022-02-24-russia-invades-ukraine"].width == 0  # a day: a dot
    feb = by_event["2022-02-lapid-condemns-russia"]  # a month: a bar across February
    assert feb.precision == "month" and feb.width > 20
    assert by_event["2021-netanyahu-advisers-approach-kremlin"].precision == "long"  # a year
    assert by_event["2022-02-27-russian-delegation-arrives-in-belarus"].status == "disputed"


def synthetic(count: int, seed: int = 3) -> tuple[list[Event], dict[str, Actor]]:
    rng = random.Random(seed)
    actors = {f"a{i}": Actor(f"a{i}", f"Actor {i}", "person") for i in range(30)}
    events = []
    for index in range(count):
        year, month, day = rng.randint(2000, 2020), rng.randint(1, 12), rng.randint(1, 28)
        date = rng.choice([PartialDate(year, month, day)] * 6 + [PartialDate(year, month), PartialDate(year)])
        who = tuple(rng.sample(sorted(actors), 3))
        status = rng.choice(["confirmed", "reported", "disputed", "planned"])
        events.append(Event(f"e{index:05d}", f"E{index}", date, "other", status, (Citation("x", "y z"),), actors=who))
    return events, actors


def test_ten_thousand_events_stay_legible_every_event_still_reachable() -> None:
    events, actors = synthetic(10_000)
    overview = layout(events, actors, {e.id: e.title for e in events})
    assert overview is not None
    assert len(overview.marks) < 2_500  # bounded by the drawing, not by the events
    gathered = [m for m in overview.marks if m.count > 1]
    assert gathered and all(re.fullmatch(r"m\d{4}-\d\d", m.anchor) for m in gathered)
    assert {i for m in overview.marks for i in m.events} == {e.id for e in events}
    assert {m.status for m in gathered} >= {"disputed", "planned"}  # kept apart from the settled events


def test_a_lane_spreads_its_marks_up_to_the_limit() -> None:
    events, actors = synthetic(SPREAD // 3)  # three actors an event, 30 actors: every lane well under SPREAD
    overview = layout(events, actors, {e.id: e.title for e in events})
    assert overview is not None and all(m.count == 1 for m in overview.marks)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "site"
    build(REPO, out, search=False)
    return out


def test_the_svg_links_every_mark_to_a_page_or_a_month_and_names_it(bundled: Path) -> None:
    html = (bundled / "timeline/index.html").read_text(encoding="utf-8")
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    links = re.findall(r'<a href="([^"]+)" data-events="[^"]+"><title>([^<]+)</title>', svg)
    assert len(links) == len(SITE.overview.marks)  # type: ignore[union-attr]
    assert {href for href, _ in links} == {f"../events/{e.id}/" for e in SITE.events}
    for href, _ in links:
        assert (bundled / "timeline" / href / "index.html").resolve().is_file()
    form = re.search(r'<form class="filters" hidden data-total="(\d+)">', html)
    assert form and int(form.group(1)) == len(SITE.events)  # hidden without JavaScript: every event listed
    assert len(re.findall(r'<li class="event-item" ', html)) == len(SITE.events)


def test_every_mark_stays_inside_its_lane() -> None:
    overview = SITE.overview
    assert overview is not None
    half = {"day": 3.6 + 0.75, "month": 2.2 + 0.75, "long": 2 + 0.5}  # radius or half height, and half the stroke
    for mark in overview.marks:
        extent = (6 + 16) / 2 + 0.75 if mark.count > 1 else half[mark.precision]
        assert abs(mark.dy) + extent <= overview.lane_height / 2, mark


@pytest.mark.parametrize("width", [390, 1280])
def test_the_picture_stays_legible_on_a_phone_and_keys_its_colours(bundled: Path, serve_static, browser, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(serve_static(bundled) + "timeline/")
        label = page.locator(".overview .lane-label").first.bounding_box()
        assert label is not None and label["height"] >= 10  # px: a lane's name can be read (5 px before, on a phone)
        scrolls = page.locator(".overview-scroll").evaluate("box => box.scrollWidth > box.clientWidth")
        assert scrolls == (width < 800)  # a phone scrolls the picture sideways
        lanes = page.locator(".overview .lane-label").count()
        expect(page.locator(".overview .lane-band")).to_have_count(lanes // 2)  # every other lane shaded
        key = page.locator(".overview-key li")
        expect(key).to_have_text(["confirmed", "reported", "disputed", "planned"])
        for status in ("confirmed", "reported"):
            fill = "el => getComputedStyle(el).fill"
            shown = page.locator(f".overview-key .status-{status}").evaluate(fill)
            assert shown == page.locator(f".overview a .mark.status-{status}").first.evaluate(fill)
    finally:
        context.close()


def visible_events(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "#events-list .event-item", "items => items.filter(i => i.offsetParent !== null).map(i => i.dataset.id)"
    )


FILTERS = [
    ("actor=naftali-bennett", lambda e: "naftali-bennett" in e.actors),
    ("tag=mediation", lambda e: "mediation" in e.tags),
    ("status=reported", lambda e: e.status == "reported"),
    ("kind=call", lambda e: e.kind == "call"),
    ("actor=volodymyr-zelensky&status=confirmed&kind=call", lambda e: "volodymyr-zelensky" in e.actors and e.status == "confirmed" and e.kind == "call"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "wanted"), FILTERS, ids=[q for q, _ in FILTERS])
def test_the_timeline_shows_exactly_the_events_the_url_asks_for(
    bundled: Path, serve_static, page: Page, query: str, wanted
) -> None:
    base = serve_static(bundled)
    page.goto(f"{base}timeline/?{query}")
    expected = [e.id for e in SITE.events if wanted(e)]
    assert 0 < len(expected) < len(SITE.events)
    expect(page.locator(".filter-count")).to_contain_text(f"Showing {len(expected)} of {len(SITE.events)} events")
    assert visible_events(page) == expected
    dimmed = page.eval_on_selector_all("svg a.dimmed", "links => links.map(a => a.dataset.events)")
    assert set(dimmed) == {e.id for e in SITE.events} - set(expected)


def test_choosing_a_filter_updates_the_url_and_show_all_clears_it(bundled: Path, serve_static, page: Page) -> None:
    base = serve_static(bundled)
    page.goto(base + "timeline/")
    expect(page.locator(".filter-count")).to_have_text(f"Showing all {len(SITE.events)} events.")
    page.get_by_label("Status").select_option("disputed")
    expect(page).to_have_url(base + "timeline/?status=disputed")
    assert visible_events(page) == [e.id for e in SITE.events if e.status == "disputed"]
    page.reload()
    assert visible_events(page) == [e.id for e in SITE.events if e.status == "disputed"]  # the view survives a reload
    page.get_by_role("button", name="Show all").click()
    expect(page).to_have_url(base + "timeline/")
    expect(page.locator(".filter-count")).to_have_text(f"Showing all {len(SITE.events)} events.")


def test_appears_with_leads_to_the_shared_events(bundled: Path, serve_static, page: Page) -> None:
    base = serve_static(bundled)
    page.goto(base + "actors/naftali-bennett/")
    shared = [e.id for e in SITE.actor_events["naftali-bennett"] if "vladimir-putin" in e.actors]
    row = page.locator("#with").locator("xpath=..").get_by_role("listitem").filter(has_text="Vladimir Putin")
    row.get_by_role("link", name=f"{len(shared)} shared events").click()
    expect(page).to_have_url(base + "actors/naftali-bennett/?actor=vladimir-putin#events")
    expect(page.locator(".filter-count")).to_contain_text(f"Showing {len(shared)} of")
    ids = page.eval_on_selector_all(
        ".filterable .event-item", "items => items.filter(i => i.offsetParent !== null).map(i => i.dataset.id)"
    )
    assert ids == shared
