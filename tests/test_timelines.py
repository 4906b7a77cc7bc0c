"""Timelines: events.ics is an RFC 5545 calendar a standard library reads (all-day spans, stable UIDs, folded CRLF
lines), and timeline.json is TimelineJS3's format, tested with TimelineJS3's own code in Chromium."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import icalendar
from playwright.sync_api import Page, expect

from dossier.build import build, check
from dossier.exports import plain, source_name
from dossier.model import link_records
from dossier.timelines import escape_text, fold
from tests.helpers import SAMPLE
from tests.test_render import PAYLOAD, hostile_project
from tests.tools import timelinejs

REPO = Path(__file__).parent.parent
FIRST = link_records(check(REPO))


def calendar_of(site: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((site / "data/events.ics").read_bytes())


def test_events_ics_of_the_first_dossier_parses_with_one_all_day_event_per_event(first_dossier: Path) -> None:
    calendar = calendar_of(first_dossier)
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"{e.id}@dossier" for e in FIRST.events]
    assert (
        b"\r\nNAME:Israel as mediator: Russia and Ukraine\\, 2021\xe2\x80\x932022\r\n"
        in (first_dossier / "data/events.ics").read_bytes()
    )
    for vevent, event in zip(events, FIRST.events, strict=True):
        start, end = vevent["DTSTART"].dt, vevent["DTEND"].dt
        assert type(start) is dt.date and type(end) is dt.date  # all-day: dates, not times
        assert start == event.date.earliest()
        assert end == (event.end or event.date).latest() + dt.timedelta(days=1)  # DTEND is exclusive
        assert str(vevent["SUMMARY"]) == event.title
        assert str(vevent["DESCRIPTION"]).startswith(plain(event.summary) + "\n\nWhen: ")
        assert f"Status: {event.status} (" in str(vevent["DESCRIPTION"])
        assert vevent["DTSTAMP"].dt == dt.datetime(2022, 4, 30, tzinfo=dt.UTC)  # the dossier's as-of date: reproducible
        assert "URL" not in vevent  # an absolute URI only: there is no base_url
    month = next(v for v in events if str(v["UID"]) == "2022-03-istanbul-talks@dossier")
    assert (month["DTSTART"].dt, month["DTEND"].dt) == (dt.date(2022, 3, 1), dt.date(2022, 4, 1))
    assert "When: c. Mar 2022 (day not given)" in str(month["DESCRIPTION"])


def test_a_year_only_event_spans_its_year_and_with_a_base_url_each_event_links_its_page(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(SAMPLE, out, search=False, base_url="https://example.org/d/")
    events = {str(v["UID"]): v for v in calendar_of(out).walk("VEVENT")}
    assert set(events) == {
        "2021-aid@example.org/d", "2022-02-27-call@example.org/d", "2022-02-disputed-venue@example.org/d",
    }  # fmt: skip
    aid = events["2021-aid@example.org/d"]  # 2021 to January 2022
    assert (aid["DTSTART"].dt, aid["DTEND"].dt) == (dt.date(2021, 1, 1), dt.date(2022, 2, 1))
    assert str(aid["URL"]) == "https://example.org/d/events/2021-aid/"
    call = events["2022-02-27-call@example.org/d"]
    assert (call["DTSTART"].dt, call["DTEND"].dt) == (dt.date(2022, 2, 27), dt.date(2022, 2, 28))


def test_ics_lines_end_with_crlf_and_fold_at_75_octets_never_inside_a_character(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(SAMPLE, project)
    event = project / "content/events/2022-02-27-call.yaml"
    long_title = "Звонок: " + "Алиса предлагает посредничество, а Боб отвечает; " * 3
    event.write_text(
        event.read_text().replace("title: Alice Example offers Bob Sample mediation in a phone call", f'title: "{long_title}"')
    )
    build(project, tmp_path / "site", search=False)
    data = (tmp_path / "site/data/events.ics").read_bytes()
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)
    for line in lines:
        line.decode("utf-8")  # each physical line is whole UTF-8: no character split by a fold
    summary = next(v for v in calendar_of(tmp_path / "site").walk("VEVENT") if str(v["UID"]) == "2022-02-27-call@dossier")
    assert str(summary["SUMMARY"]) == long_title.strip()


def test_ics_text_is_escaped_as_rfc_5545_says() -> None:
    assert escape_text('a,b;c\\d\ne\r\nf"\x07') == 'a\\,b\\;c\\\\d\\ne\\nf"'
    assert fold("X" * 75) == b"X" * 75
    assert fold("X" * 76) == b"X" * 75 + b"\r\n X"
    assert fold("X" * 74 + "é") == b"X" * 74 + b"\r\n \xc3\xa9"  # é is two octets: it moves whole to the next line


def test_timeline_json_keeps_each_dates_precision_and_names_status_actors_sources_and_page(first_dossier: Path) -> None:
    data = json.loads((first_dossier / "data/timeline.json").read_text(encoding="utf-8"))
    assert data["title"]["text"]["headline"] == "Israel as mediator: Russia and Ukraine, 2021–2022"
    slides = {slide["unique_id"]: slide for slide in data["events"]}
    assert list(slides) == [e.id for e in FIRST.events]
    assert slides["2021-netanyahu-advisers-approach-kremlin"]["start_date"] == {"year": "2021"}
    assert slides["2022-03-istanbul-talks"]["start_date"] == {"year": "2022", "month": "3"}
    assert slides["2022-03-istanbul-talks"]["display_date"] == "c. Mar 2022"
    call = slides["2022-02-27-bennett-putin-call"]
    assert call["start_date"] == {"year": "2022", "month": "2", "day": "27", "hour": "12", "minute": "0"}  # time: 12:00
    text = call["text"]["text"]
    assert "<strong>Status:</strong> confirmed" in text
    assert "<strong>Actors:</strong> Naftali Bennett, Vladimir Putin" in text
    assert '<a href="events/2022-02-27-bennett-putin-call/">' in text
    credits = re.findall(r'<a href="([^"]+)">([^<]+)</a>', call["media"]["credit"])
    assert credits == [  # each source article once, linked to the first passage the event cites from it
        (f"articles/{group.article.id}/#cite-2022-02-27-bennett-putin-call-{group.sources[0].number}", source_name(group.article))
        for group in FIRST.event_sources["2022-02-27-bennett-putin-call"]
    ]
    assert [name for _, name in credits].count("The Times of Israel, 27 Feb 2022") == 1
    assert call["media"]["url"].startswith("<blockquote>") and call["media"]["url"].endswith("</blockquote>")


def test_timelinejs3_accepts_timeline_json_and_shows_a_slide_per_event(
    first_dossier: Path, serve_static: Callable[..., str], page: Page, tmp_path: Path
) -> None:
    base = serve_static(timeline_page(first_dossier, tmp_path / "web"))
    page.goto(base + "timeline.html")
    expect(page.locator(".tl-slide")).to_have_count(len(FIRST.events) + 1)  # the title slide, then one per event
    assert media_types(page) == ["blockquote"] * len(FIRST.events)  # every quote shown as a quote
    expect(page.locator(".tl-slide-titleslide .tl-headline")).to_have_text(FIRST.dossier.title)
    assert page.locator(".tl-message-full").count() == 0  # TimelineJS's error panel


def test_timelinejs3_shows_the_hostile_project_as_text(
    make_project: Callable[[dict[str, str | bytes]], Path], serve_static: Callable[..., str], page: Page, tmp_path: Path
) -> None:
    files = hostile_project()
    files["content/articles/r.md"] = str(files["content/articles/r.md"]) + "\nSee iframe x.pdf on spotify at imgur.com/a here.\n"
    files["content/events/g.yaml"] = (
        "title: Embed words\ndate: 2022-02-28\nkind: other\nstatus: reported\n"
        "sources:\n  - article: r\n    quote: See iframe x.pdf on spotify at imgur.com/a here.\n"
    )
    root = make_project(files)
    build(root, tmp_path / "site", search=False)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base = serve_static(timeline_page(tmp_path / "site", tmp_path / "web"))
    page.goto(base + "timeline.html")
    expect(page.locator(".tl-slide")).to_have_count(3)
    assert media_types(page) == ["blockquote", "blockquote"]  # the words TimelineJS tells embeds by change nothing
    expect(page.locator(".tl-media-blockquote").first).to_have_text(PAYLOAD)
    expect(page.locator(".tl-slide-content .tl-headline").nth(1)).to_have_text(PAYLOAD)
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []


def media_types(page: Page) -> list[str]:
    """How TimelineJS classified each slide's media (it loads a slide's media only near the one shown)."""
    return page.evaluate("() => window.timeline.config.events.map(e => TL.lookupMediaType(e.media).type)")


def timeline_page(site: Path, web: Path) -> Path:
    """A page that embeds TimelineJS3 (from its npm package) with the site's data/timeline.json, as the README says."""
    shutil.copytree(timelinejs(), web / "timelinejs")
    (web / "data").mkdir(parents=True)
    shutil.copy(site / "data/timeline.json", web / "data/timeline.json")
    (web / "timeline.html").write_text(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Timeline</title><link rel="icon" href="data:,">\n'
        '<link rel="stylesheet" href="timelinejs/css/timeline.css">\n<script src="timelinejs/js/timeline.js"></script>\n'
        '</head><body><div id="timeline" style="width: 100%; height: 640px"></div>\n'
        "<script>window.timeline = new TL.Timeline('timeline', 'data/timeline.json', {font: null});</script>\n"
        "</body></html>\n",
        encoding="utf-8",
    )
    return web
