"""Structured data: every event, actor and article page carries schema.org JSON-LD of the right type, every page a
meta description and Open Graph tags, canonical links only with a base_url; no text can leave its script element."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from dossier.build import build, check
from dossier.model import link_records
from dossier.structured import script_json, shorten
from tests.helpers import SAMPLE
from tests.test_render import PAYLOAD, hostile_project

REPO = Path(__file__).parent.parent
FIRST = link_records(check(REPO))
TYPES = {"person": "Person", "organization": "Organization", "state": "Country", "place": "Place"}


class Head(HTMLParser):
    """The meta tags, links and JSON-LD scripts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("name" in values or "property" in values):
            self.meta[values.get("name") or values["property"]] = values["content"]
        elif tag == "link":
            self.links[values["rel"]] = values["href"]
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = self._in_ld and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld[-1] += data


def head(page: Path) -> Head:
    parsed = Head()
    parsed.feed(page.read_text(encoding="utf-8"))
    return parsed


def json_ld(page: Path) -> dict:
    (data,) = head(page).json_ld
    return json.loads(data)


def test_every_event_actor_and_article_page_has_json_ld_of_its_type(first_dossier: Path) -> None:
    for event in FIRST.events:
        data = json_ld(first_dossier / f"events/{event.id}/index.html")
        assert (data["@context"], data["@type"], data["name"]) == ("https://schema.org", "Event", event.title)
        assert data["startDate"].startswith(event.date.iso())
        assert [a["name"] for a in data.get("attendee", [])] == [a.name for a in FIRST.event_actors[event.id]]
        assert [p["name"] for p in data.get("location", [])] == [p.name for p in FIRST.event_places[event.id]]
        assert all(
            a["@type"] == TYPES[actor.kind]
            for a, actor in zip(data.get("attendee", []), FIRST.event_actors[event.id], strict=True)
        )
        assert {s["@type"] for s in data["subjectOf"]} == {"NewsArticle"}
    for actor in FIRST.actors:
        data = json_ld(first_dossier / f"actors/{actor.id}/index.html")
        assert (data["@type"], data["name"], data["url"]) == (TYPES[actor.kind], actor.name, f"../../actors/{actor.id}/")
    for article in FIRST.articles:
        data = json_ld(first_dossier / f"articles/{article.id}/index.html")
        assert (data["@type"], data["headline"]) == ("NewsArticle", article.title)
        assert [e["url"] for e in data["about"]] == [f"../../events/{e.id}/" for e in FIRST.citing_events[article.id]]
    bennett = json_ld(first_dossier / "actors/naftali-bennett/index.html")
    assert bennett["jobTitle"] == [role.title for role in FIRST.actor["naftali-bennett"].roles]
    overview = json_ld(first_dossier / "index.html")
    assert overview["@type"] == "Dataset" and overview["temporalCoverage"] == "2021/2022-04"
    assert [d["contentUrl"] for d in overview["distribution"]] == [
        "data/dossier.json", "data/events.csv", "data/actors.csv", "data/events.ics", "data/timeline.json",
    ]  # fmt: skip


def test_every_page_has_a_description_and_open_graph_tags_and_no_canonical_link_without_base_url(first_dossier: Path) -> None:
    pages = sorted(first_dossier.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        parsed = head(page)
        assert parsed.meta["description"] and len(parsed.meta["description"]) <= 200, page
        assert parsed.meta["og:description"] == parsed.meta["description"], page
        assert parsed.meta["og:site_name"] == FIRST.dossier.title
        assert parsed.meta["og:title"] and parsed.meta["og:type"] in ("website", "article", "profile"), page
        assert "canonical" not in parsed.links and "og:url" not in parsed.meta, page
    call = head(first_dossier / "events/2022-02-27-bennett-putin-call/index.html")
    assert call.meta["og:title"] == FIRST.event["2022-02-27-bennett-putin-call"].title
    assert call.meta["description"].startswith("27 Feb 2022: ")
    assert head(first_dossier / "index.html").meta["og:title"] == FIRST.dossier.title


def test_with_a_base_url_pages_have_canonical_links_and_absolute_addresses(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(SAMPLE, out, search=False, base_url="https://example.org/d/")
    for rel, canonical in (
        ("index.html", "https://example.org/d/"),
        ("events/2022-02-27-call/index.html", "https://example.org/d/events/2022-02-27-call/"),
        ("tags/venue/index.html", "https://example.org/d/tags/venue/"),
        ("brief/index.html", "https://example.org/d/brief/"),
    ):
        parsed = head(out / rel)
        assert parsed.links["canonical"] == parsed.meta["og:url"] == canonical
    assert "canonical" not in head(out / "404.html").links  # served at any address: it has none of its own
    data = json_ld(out / "events/2022-02-27-call/index.html")
    assert data["url"] == "https://example.org/d/events/2022-02-27-call/"
    assert data["attendee"][0]["url"] == "https://example.org/d/actors/alice-example/"


def test_json_ld_cannot_leave_its_script_element(make_project: Callable[[dict[str, str | bytes]], Path], tmp_path: Path) -> None:
    root = make_project(hostile_project())
    out = tmp_path / "site"
    build(root, out, search=False)
    for rel, key in (("events/e/", "name"), ("actors/a/", "name"), ("articles/r/", "headline"), ("", "name")):
        html = (out / rel / "index.html").read_text(encoding="utf-8")
        (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert "<" not in script and ">" not in script and "&" not in script  # \u003c, \u003e, \u0026 instead
        assert json.loads(script)[key] == PAYLOAD  # the text itself, whole
        assert html.count("</script>") == html.count("<script")  # no script element ends early or opens in the data
        assert head(out / rel / "index.html").meta["og:title"].startswith("<script>") or rel == ""
    assert str(script_json({"x": "</script><!--&\u2028"})) == '{"x":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028"}'


def test_descriptions_are_cut_at_a_word() -> None:
    assert shorten("short text") == "short text"
    assert shorten("one two three four", limit=12) == "one two…"
    assert shorten("a\n  b") == "a b"
    assert len(shorten("word " * 100)) <= 200
