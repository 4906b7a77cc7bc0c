"""Render: every page of the site map exists, and hostile text in any field is shown as text, never run."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from playwright.sync_api import Page

from dossier.build import build, check
from dossier.model import link_records
from dossier.pages import Page as PageJob
from dossier.pages import Produce, site_map
from dossier.render import PIECE, _page_bytes, _slow_first
from tests.helpers import SAMPLE

PAYLOAD = '<script>window.__pwned=1</script>"><svg onload=window.__pwned=1><img src=x onerror="window.__pwned=1"> javascript:window.__pwned=1'
YAML_PAYLOAD = PAYLOAD.replace("\\", "\\\\").replace('"', '\\"')


def hostile_project() -> dict[str, str | bytes]:
    text = f'"{YAML_PAYLOAD}"'
    return {
        "content/dossier.yaml": f"title: {text}\nsubtitle: {text}\nas_of: 2022-03-01\nsummary: {text}\nkey_points:\n  - text: {text}\n    events: [e]\n",
        "content/actors/a.yaml": f"name: {text}\nkind: person\naliases: [{text}]\nsummary: {text}\nroles:\n  - title: {text}\n    source: {{article: r, quote: {text}}}\n",
        "content/events/e.yaml": (
            f"title: {text}\ndate: 2022-02-27\ntime: '10:00'\nkind: call\nactors: [a]\ntags: [x]\nstatus: disputed\nsummary: {text}\n"
            f"sources:\n  - article: r\n    quote: {text}\n    note: {text}\n    aspect: {text}\n    says: {text}\n"
            f"  - article: r\n    quote: {text}\n    aspect: {text}\n    says: {text}\n"
        ),
        "content/articles/r.md": (
            f"---\ntitle: {text}\nsubtitle: {text}\noutlet: {text}\nauthor: {text}\npublished: 2022-02-27\n"
            f'url: "https://example.org/\\"><svg/onload=window.__pwned=1>"\nnotes: {text}\n---\n{PAYLOAD}\n\n# {PAYLOAD}\n'
        ),
    }


class Audit(HTMLParser):
    """Collects every script element and every event-handler or javascript: attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "svg", "img", "iframe", "object", "embed"):
            self.scripts.append(f"{tag} {dict(attrs)}")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"{tag} {name}={value}")


def test_hostile_text_in_every_field_is_escaped(make_project: Callable[[dict[str, str | bytes]], Path], tmp_path: Path) -> None:
    root = make_project(hostile_project())
    out = tmp_path / "site"
    build(root, out, search=False)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 12  # 8 fixed pages, one event, actor, article and tag
    overview = "svg {'viewbox': '0 0 960 66', 'width': '100%', 'role': 'group', 'aria-label': 'Every event on a time axis, by principal actor'}"
    key = "svg {'viewbox': '-6 -6 12 12', 'width': '12', 'height': '12'}"  # the overview's key: a mark per status
    for page in pages:
        audit = Audit()
        html = page.read_text(encoding="utf-8")
        audit.feed(html)
        allowed = {
            "script {'src': 'static/site.js', 'defer': None}",
            "script {'src': '../static/site.js', 'defer': None}",
            "script {'src': '../../static/site.js', 'defer': None}",
            "script {'src': '../static/search.js', 'defer': None}",
            "script {'src': '../static/filters.js', 'defer': None}",
            "script {'src': '../../static/filters.js', 'defer': None}",
            "script {'type': 'application/ld+json'}",  # data, never run (tests/test_structured.py)
        }
        inline = {"script {}"} if page.name == "404.html" else set()  # the 404 page mends its links with a script of its own
        if page.parent.name == "search":  # the names of filter values, as JSON: it parses, and names the hostile actor
            inline.add("script {'type': 'application/json', 'id': 'search-labels'}")
            raw = page.read_text(encoding="utf-8").split('<script type="application/json" id="search-labels">', 1)[1]
            raw = raw.split("</script>", 1)[0]
            assert "<" not in raw and json.loads(raw)["actor"]["a"] == PAYLOAD
        assert set(audit.scripts) <= allowed | {overview, key} | inline, page
        assert audit.bad == [], page
    event_html = (out / "events/e/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;&#34;&gt;&lt;svg onload=window.__pwned=1&gt;" in event_html


def test_hostile_text_cannot_run_in_a_browser(
    make_project: Callable[[dict[str, str | bytes]], Path], tmp_path: Path, serve_static, page: Page
) -> None:
    root = make_project(hostile_project())
    out = tmp_path / "site"
    build(root, out, search=False)
    base = serve_static(out)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for rel in ("", "events/e/", "actors/a/", "articles/r/", "timeline/", "actors/", "articles/", "tags/x/"):
        page.goto(base + rel)
        assert page.evaluate("() => window.__pwned") is None, rel
        assert "<script>window.__pwned=1</script>" in page.locator("main").inner_text(), rel
    assert dialogs == []


def test_every_page_of_the_site_map_is_built(sample_site: Path) -> None:
    expected = {
        "index.html", "404.html", "brief/index.html", "timeline/index.html", "actors/index.html", "articles/index.html", "tags/index.html", "search/index.html",
        "events/2022-02-27-call/index.html", "events/2022-02-disputed-venue/index.html", "events/2021-aid/index.html",
        "actors/alice-example/index.html", "actors/bob-sample/index.html", "actors/examplia/index.html", "actors/capital-city/index.html",
        "articles/gazette-2022-02-28-offer/index.html", "articles/herald-2022-03-01-venue/index.html",
        "tags/mediation/index.html", "tags/venue/index.html", "pages/about/index.html",
    }  # fmt: skip
    assert {p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*.html") if "pagefind" not in p.parts} == expected


def test_links_are_relative_and_nothing_loads_from_another_host(sample_site: Path) -> None:
    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.urls: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                if (name in ("href", "src") and value and tag != "a") or (
                    name == "href" and value and not value.startswith(("https://", "http://", "mailto:"))
                ):
                    self.urls.append(value)

    for page in sample_site.rglob("*.html"):
        if "pagefind" in page.parts or page.name == "404.html":  # 404.html is served at any depth: see its own test
            continue
        links = Links()
        links.feed(page.read_text(encoding="utf-8"))
        for url in links.urls:
            assert not url.startswith(("/", "http:", "https:", "//")), (page, url)
            if url.startswith(("#", "data:", "?")):  # a fragment, inline data, or this page with a filter
                continue
            target = (page.parent / url.split("#")[0]).resolve()
            assert target.is_relative_to(sample_site.resolve()), (page, url)
            assert target.is_file() or (target / "index.html").is_file() or "pagefind" in url, (page, url)


def test_dates_statuses_and_disagreement_are_shown(sample_site: Path) -> None:
    timeline = (sample_site / "timeline/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2022-02">c. Feb 2022</time>' in timeline
    assert '<time datetime="2021">2021 – Jan 2022</time>' in timeline
    assert '<span class="badge status-disputed">disputed</span>' in timeline


def test_a_disputed_event_sets_the_accounts_side_by_side_each_at_its_passage(sample_site: Path) -> None:
    venue = (sample_site / "events/2022-02-disputed-venue/index.html").read_text(encoding="utf-8")
    block = venue.split('<section class="dispute" aria-labelledby="who-says-what">', 1)[1].split("</section>", 1)[0]
    assert venue.index("who-says-what") < venue.index('<div class="prose">')  # at the top, before the summary
    assert 'The sources contradict each other on <a href="#aspect-1">who proposed the venue</a>.' in block
    accounts = re.findall(
        r'<a class="account-source" href="([^"]+)">(.*?)</a>\s*<div class="says prose">(.*?)</div>', block, re.S
    )
    assert [(href, " ".join(name.split())) for href, name, _ in accounts] == [
        (
            "../../articles/gazette-2022-02-28-offer/#cite-2022-02-disputed-venue-1",
            '<span dir="auto">The Sample Gazette</span>, 28 Feb 2022',
        ),
        (
            "../../articles/herald-2022-03-01-venue/#cite-2022-02-disputed-venue-2",
            '<span dir="auto">The Sample Herald</span>, 1 Mar 2022, 09:30',
        ),
    ]
    assert [says.strip() for _, _, says in accounts] == [
        "<p>Bob proposed it.</p>",
        '<p>Alice proposed it, according to <a href="../../articles/herald-2022-03-01-venue/#cite-2022-02-disputed-venue-2">'
        "a senior official</a>.</p>",
    ]
    summary = venue.split('<div class="prose">', 1)[1].split("</div>", 1)[0]
    assert '<a href="../../articles/gazette-2022-02-28-offer/#cite-2022-02-disputed-venue-1">who proposed it</a>' in summary


def test_every_link_to_an_article_lands_on_a_passage_that_exists(sample_site: Path) -> None:
    anchors = {
        page.relative_to(sample_site).parent.as_posix(): set(re.findall(r'id="([^"]+)"', page.read_text(encoding="utf-8")))
        for page in (sample_site / "articles").glob("*/index.html")
    }
    landed = 0
    for page in sample_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"]*articles/[^"/]+/(?:#[^"]*)?)"', html):
            target = (page.parent / href.split("#")[0]).resolve().relative_to(sample_site.resolve()).as_posix()
            if "#" in href and target in anchors:
                assert href.split("#", 1)[1] in anchors[target], (page, href)
                landed += 1
            elif page.parent.parent.name == "events":
                raise AssertionError(f"{page}: {href} lands on the top of an article")
    assert landed >= 6


def test_an_article_marks_each_cited_range_once_and_lists_who_cites_it(sample_site: Path) -> None:
    gazette = (sample_site / "articles/gazette-2022-02-28-offer/index.html").read_text(encoding="utf-8")
    body = gazette.split('<div class="prose article-body" dir="auto">', 1)[1].split("</div>", 1)[0]
    # the overview links "Alice Example spoke with Bob Sample by phone"; the call cites a longer quote from the same start
    assert re.findall(r'<span class="anchor" id="([^"]+)">', body) == [
        "role-alice-example-1",
        "q-"
        + __import__("hashlib").sha1(b"gazette-2022-02-28-offer\0Alice Example spoke with Bob Sample by phone").hexdigest()[:10],
        "cite-2022-02-27-call-1",
        "cite-2022-02-disputed-venue-1",
    ]
    assert (
        '<span class="anchor" id="cite-2022-02-27-call-1"><span class="cited-label" data-pagefind-ignore>Cited by 27 Feb 2022: '
        in body
    )
    assert (
        '<a class="backref" href="#cited-1" data-pagefind-ignore><span class="visually-hidden">who cites this passage: </span>[1]</a>'
        in body
    )
    citations = gazette.split('<ol class="citations">', 1)[1].split("</ol>\n  </section>", 1)[0]
    assert re.findall(r'<li><a href="([^"]+)" dir="auto">([^<]+)</a></li>', citations) == [
        ("../../actors/alice-example/#roles", "Alice Example: Prime Minister of Examplia"),
        ("../../", "The dossier&#39;s overview"),
        ("../../pages/about/", "About this sample"),
        ("../../events/2022-02-27-call/#source-1", "27 Feb 2022: Alice Example offers Bob Sample mediation in a phone call"),
        ("../../events/2022-02-disputed-venue/#source-1", "Feb 2022: Capital City proposed as a venue"),
    ]
    style = gazette.split("<style>", 1)[1].split("</style>", 1)[0]
    assert ':where(.article-body > *):has(#cite-2022-02-27-call-1:target) mark[data-cited~="c3"]' in style


def test_an_article_without_a_headline_and_its_caption(sample_site: Path) -> None:
    herald = (sample_site / "articles/herald-2022-03-01-venue/index.html").read_text(encoding="utf-8")
    assert "The capture prints no headline; this title is the editor’s description." in herald
    assert (
        '<figure class="caption"><figcaption><span class="caption-label">Photo caption</span>\n'
        "<p>Alice and Bob at an earlier meeting.</p>\n</figcaption></figure>"
    ) in herald


def test_project_templates_override_the_default_theme_file_by_file(tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "p"
    shutil.copytree(SAMPLE, project)
    (project / "templates/partials").mkdir(parents=True)
    (project / "templates/partials/footer.html").write_text("<footer>Our own footer for {{ site.dossier.title }}</footer>\n")
    (project / "templates/static").mkdir()
    (project / "templates/static/extra.css").write_text("body{}")
    out = tmp_path / "site"
    build(project, out, search=False)
    overview = (out / "index.html").read_text(encoding="utf-8")
    assert "<footer>Our own footer for Sample dossier: a mediation offer</footer>" in overview
    assert '<header class="site-header"' in overview  # the rest still comes from the default theme
    assert (out / "static/extra.css").read_text() == "body{}"
    assert (out / "static/style.css").is_file()


def test_with_a_base_url_the_site_has_a_sitemap_and_an_atom_feed_of_events(tmp_path: Path, monkeypatch) -> None:
    import os
    import shutil
    import xml.etree.ElementTree as ET

    project = tmp_path / "p"
    shutil.copytree(SAMPLE, project)
    config = project / "content/dossier.yaml"
    config.write_text(config.read_text() + "base_url: https://example.org/dossier\n")
    # when each record last changed: the files' modification times, whatever the events' dates
    day = 1_700_000_000  # 2023-11-14T22:13:20Z
    for path in (project / "content").rglob("*.*"):
        os.utime(path, (day, day))
    os.utime(project / "content/events/2022-02-27-call.yaml", (day + 3600, day + 3600))
    os.utime(project / "content/actors/bob-sample.yaml", (day + 7200, day + 7200))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "site"
    build(project, out, search=False)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    urls = {
        e.find("s:loc", ns).text: e.find("s:lastmod", ns).text
        for e in ET.parse(out / "sitemap.xml").getroot().findall("s:url", ns)
    }
    assert len(urls) == 19 and "https://example.org/dossier/brief/" in urls and "https://example.org/dossier/pages/about/" in urls
    assert not any(loc.endswith("404.html") for loc in urls)
    assert urls["https://example.org/dossier/events/2022-02-27-call/"] == "2023-11-14T23:13:20Z"
    assert urls["https://example.org/dossier/events/2021-aid/"] == "2023-11-14T22:13:20Z"
    assert urls["https://example.org/dossier/tags/mediation/"] == "2023-11-14T23:13:20Z"  # its newest event
    assert urls["https://example.org/dossier/tags/venue/"] == "2023-11-14T22:13:20Z"
    assert urls["https://example.org/dossier/actors/bob-sample/"] == "2023-11-15T00:13:20Z"
    assert urls["https://example.org/dossier/"] == urls["https://example.org/dossier/timeline/"] == "2023-11-15T00:13:20Z"
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.find("a:updated", ns).text == "2023-11-15T00:13:20Z"  # the newest change of any record
    entries = feed.findall("a:entry", ns)
    assert [e.find("a:id", ns).text for e in entries] == [
        "https://example.org/dossier/events/2022-02-disputed-venue/",
        "https://example.org/dossier/events/2022-02-27-call/",
        "https://example.org/dossier/events/2021-aid/",
    ]
    assert [e.find("a:updated", ns).text for e in entries] == [
        "2023-11-14T22:13:20Z",
        "2023-11-14T23:13:20Z",
        "2023-11-14T22:13:20Z",
    ]
    assert entries[1].find("a:title", ns).text == "27 Feb 2022: Alice Example offers Bob Sample mediation in a phone call"
    assert entries[1].find("a:summary", ns).text == "<p>Alice called Bob and offered to mediate.</p>\n"
    overview = (out / "index.html").read_text(encoding="utf-8")
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Sample dossier: a mediation offer: events" href="https://example.org/dossier/feed.xml">'
        in overview
    )
    missing = (out / "404.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/dossier/timeline/">timeline</a>' in missing

    # SOURCE_DATE_EPOCH clamps every later change to it: a reproducible build says when the sources were fixed
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(day + 1800))
    build(project, out, search=False)
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.find("a:updated", ns).text == "2023-11-14T22:43:20Z"
    assert [e.find("a:updated", ns).text for e in feed.findall("a:entry", ns)] == [
        "2023-11-14T22:13:20Z",
        "2023-11-14T22:43:20Z",
        "2023-11-14T22:13:20Z",
    ]


def test_templates_compiled_in_an_earlier_build_are_recompiled_when_edited(tmp_path: Path) -> None:
    import shutil

    from tests.helpers import SAMPLE

    project = tmp_path / "p"
    shutil.copytree(SAMPLE, project)
    footer = project / "templates/partials/footer.html"
    footer.parent.mkdir(parents=True)
    out = tmp_path / "site"
    for text in ("<footer>first</footer>\n", "<footer>second</footer>\n", "<footer>first</footer>\n"):
        footer.write_text(text)
        build(project, out, search=False)  # one process, as in `dossier serve`: the compiled templates are kept
        assert text.strip() in (out / "timeline/index.html").read_text(encoding="utf-8")


def test_places_are_listed_apart_from_the_actors(sample_site: Path) -> None:
    venue = (sample_site / "events/2022-02-disputed-venue/index.html").read_text(encoding="utf-8")
    actors = venue.split('<h2 id="actors" data-pagefind-ignore>Actors</h2>', 1)[1].split("</section>", 1)[0]
    where = venue.split('<h2 id="where" data-pagefind-ignore>Where</h2>', 1)[1].split("</section>", 1)[0]
    assert "Bob Sample" in actors and "Capital City" not in actors
    assert '<a class="chip place" href="../../actors/capital-city/" dir="auto">Capital City</a>' in where
    assert "Bob Sample" not in where
    assert venue.index('id="actors"') < venue.index('id="where"') < venue.index('id="sources"')  # headings in order, all h2
    call = (sample_site / "events/2022-02-27-call/index.html").read_text(encoding="utf-8")
    assert 'id="where"' not in call  # no places, no empty section

    timeline = (sample_site / "timeline/index.html").read_text(encoding="utf-8")
    item = timeline.split('<a class="event-title" href="../events/2022-02-disputed-venue/"', 1)[1].split("</li>", 1)[0]
    actor_chips = item.split('<span class="visually-hidden">Actors: </span>', 1)[1].split("</div>", 1)[0]
    assert "Bob Sample" in actor_chips and "Capital City" not in actor_chips
    assert '<span>in <a class="place" href="../actors/capital-city/" dir="auto">Capital City</a></span>' in item

    bob = (sample_site / "actors/bob-sample/index.html").read_text(encoding="utf-8")
    with_ = bob.split('<h2 id="with">Appears with</h2>', 1)[1].split("</section>", 1)[0]
    places = bob.split('<h2 id="places">Places</h2>', 1)[1].split("</section>", 1)[0]
    assert "Alice Example" in with_ and "Capital City" not in with_
    assert (
        '<a href="../../actors/capital-city/" dir="auto">Capital City</a> <a class="shared" href="?actor=capital-city#events">'
        "1 shared event</a>" in places
    )
    city = (sample_site / "actors/capital-city/index.html").read_text(encoding="utf-8")
    assert "Bob Sample" in city.split('<h2 id="with">Appears with</h2>', 1)[1].split("</section>", 1)[0]
    assert 'id="places"' not in city  # no other place shares its events


@pytest.mark.parametrize("start_method", ["fork", "forkserver"])
def test_parallel_rendering_runs_in_worker_processes_and_gives_the_same_bytes(tmp_path: Path, start_method: str) -> None:
    import os

    from dossier.build import check
    from dossier.environment import make_env
    from dossier.model import link_records
    from dossier.render import render_site
    from tests.test_benchmarks import generate

    project = generate(tmp_path / "project", size=100)
    (project / "content/pages").mkdir()
    (project / "content/pages/about.md").write_text("---\ntitle: About\n---\nA page of a record type without a class.\n")
    site = link_records(check(project))
    serial = render_site(site, make_env(project), project, workers=1)
    # forkserver (the preview's) sends the model to workers started from a clean process: every record must pickle
    parallel = render_site(site, make_env(project), project, workers=2, min_pages=1, start_method=start_method)
    assert serial.processes == {os.getpid()}
    assert len(parallel.processes) == 2 and os.getpid() not in parallel.processes, "the pages were not rendered by two workers"
    assert len(parallel.outputs) == len(serial.outputs) > 100
    assert [(o.path, o.data) for o in parallel.outputs] == [(o.path, o.data) for o in serial.outputs]


def test_a_template_error_in_a_worker_comes_back_located(tmp_path: Path) -> None:
    import shutil

    import pytest

    from dossier.build import check
    from dossier.environment import make_env
    from dossier.errors import DossierError
    from dossier.model import link_records
    from dossier.render import render_site
    from tests.helpers import SAMPLE

    project = tmp_path / "p"
    shutil.copytree(SAMPLE, project)
    (project / "templates").mkdir()
    (project / "templates/actor.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{{ actor.nope }}\n{% endblock %}\n'
    )
    site = link_records(check(project))
    with pytest.raises(DossierError) as error:
        render_site(site, make_env(project), project, workers=2, min_pages=1)
    assert [str(p) for p in error.value.problems] == [
        "templates/actor.html:3:1: error: template error: 'dossier.records.Actor object' has no attribute 'nope'; "
        "fix this line of the template"
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_who_says_what_leads_to_each_passage_highlighted_and_labelled(
    sample_site: Path, serve_static, page: Page, scheme: str
) -> None:
    from playwright.sync_api import expect

    base = serve_static(sample_site)
    page.emulate_media(color_scheme=scheme)
    page.goto(base + "events/2022-02-disputed-venue/")
    block = page.get_by_role("region", name="Who says what")
    expect(block).to_be_visible()
    accounts = block.locator(".accounts li")
    expect(accounts).to_have_count(2)
    expect(accounts.nth(0)).to_contain_text("The Sample Gazette, 28 Feb 2022")
    expect(accounts.nth(1)).to_contain_text("Alice proposed it")
    accounts.nth(1).get_by_role("link", name="The Sample Herald, 1 Mar 2022, 09:30").click()
    expect(page).to_have_url(base + "articles/herald-2022-03-01-venue/#cite-2022-02-disputed-venue-2")
    label = page.locator("#cite-2022-02-disputed-venue-2 .cited-label")
    expect(label).to_be_visible()
    expect(label).to_have_text("Cited by Feb 2022: Capital City proposed as a venue")
    marked = page.locator('mark[data-cited~="c1"]')
    expect(marked).to_have_text("It was Alice who first proposed Capital City")
    assert marked.evaluate("m => getComputedStyle(m).outlineStyle") == "solid"
    other = page.locator('mark[data-cited~="c2"]')  # another cited passage of the article, not the one landed on
    assert other.evaluate("m => getComputedStyle(m).outlineStyle") == "none"
    page.get_by_role("link", name="who cites this passage: [1]").click()
    expect(page.locator("#cited-1")).to_contain_text("Feb 2022: Capital City proposed as a venue")


@pytest.mark.parametrize("missing", ["no-such-page", "events/no-such-event/", "actors/gone/deeper/still/"])
def test_the_404_page_works_at_any_depth_without_a_base_url(sample_site: Path, serve_static, browser, missing: str) -> None:
    from playwright.sync_api import expect

    base = serve_static(sample_site, prefix="/some/path/", not_found=True)
    context = browser.new_context()  # not the page fixture: the page itself answers 404, which the console reports
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.location.get('url')}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(base + missing)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    header = page.locator(".site-header")
    assert header.evaluate("h => getComputedStyle(h).borderBottomStyle") == "solid"  # the theme's styles, inline
    timeline = page.get_by_role("main").get_by_role("link", name="timeline")
    expect(timeline).to_have_attribute("href", "/some/path/timeline/")  # mended once the site's folder is found
    timeline.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
    context.close()
    assert errors == [f"{base + missing}: Failed to load resource: the server responded with a status of 404 (Not Found)"]


def test_an_event_page_leads_to_its_neighbours_and_back_to_its_place_on_the_timeline(sample_site: Path) -> None:
    call = (sample_site / "events/2022-02-27-call/index.html").read_text(encoding="utf-8")
    assert '<a href="../../timeline/#event-2022-02-27-call">Timeline</a>' in call
    neighbours = call.split('<nav class="neighbours"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a rel="(prev|next)" href="([^"]+)">', neighbours) == [
        ("prev", "../../events/2021-aid/"),
        ("next", "../../events/2022-02-disputed-venue/"),
    ]
    timeline = (sample_site / "timeline/index.html").read_text(encoding="utf-8")
    assert '<li class="event-item" id="event-2022-02-27-call"' in timeline
    first = (sample_site / "events/2021-aid/index.html").read_text(encoding="utf-8")
    assert 'rel="prev"' not in first and 'rel="next"' in first


def test_an_articles_editors_note_is_folded_and_an_inferred_date_is_marked(tmp_path: Path) -> None:
    out = tmp_path / "site"
    from tests.conftest import REPO

    build(REPO, out, search=False)
    article = (out / "articles/toi-2022-04-ben-zvi-jerusalem-talks/index.html").read_text(encoding="utf-8")
    assert '<details class="callout editor-note" data-pagefind-ignore>' in article  # closed until asked for
    assert "<dd>c. Apr 2022</dd>" in article
    listing = (out / "articles/index.html").read_text(encoding="utf-8")
    order = re.findall(r'<a href="([^"]+)" dir="auto">', listing.split('<ol class="article-list">', 1)[1].split("</ol>", 1)[0])
    assert order[-1] == "../articles/toi-2022-04-ben-zvi-jerusalem-talks/"  # April, last: not "date not given"
    assert "c. Apr 2022" in listing and "date not given" not in listing
    actors = (out / "actors/index.html").read_text(encoding="utf-8")
    eventless = actors.split('<h2 id="eventless">', 1)[1]
    people = actors.split('<h2 id="kind-person">', 1)[1].split("</section>", 1)[0]
    for name in re.findall(r'dir="auto">([^<]+)</a>', eventless):
        assert f'dir="auto">{name}</a>' not in people


THEMED_BASE = """{% extends "default/base.html" %}
{% block styles %}<link rel="stylesheet" href="{{ root }}static/extra.css">{% endblock %}
{% block head %}<meta name="desk" content="{{ site.dossier.title }}">{% endblock %}
{% block header %}<p class="masthead">The desk's edition</p>{{ super() }}{% endblock %}
{% block footer %}{{ super() }}<p class="colophon">Edited by the desk.</p>{% endblock %}
{% block scripts %}<script src="{{ root }}static/extra.js" defer></script>{% endblock %}
"""


def _main(html: str) -> str:
    return html.split('<main id="main" tabindex="-1">', 1)[1].split("</main>", 1)[0]


def test_a_project_base_extends_the_default_theme_by_name_and_every_page_gets_its_blocks(tmp_path: Path) -> None:
    import shutil

    from dossier.environment import make_env
    from dossier.fragments import memoize_partials
    from tests.helpers import SAMPLE, tree

    project = tmp_path / "themed"
    shutil.copytree(SAMPLE, project)
    (project / "templates/static").mkdir(parents=True)
    (project / "templates/base.html").write_text(THEMED_BASE, encoding="utf-8")
    (project / "templates/static/extra.css").write_text(".masthead { font-weight: 700; }\n", encoding="utf-8")
    (project / "templates/static/extra.js").write_text("", encoding="utf-8")
    build(project, tmp_path / "site", search=False)
    build(SAMPLE, tmp_path / "plain", search=False)
    themed, plain = tree(tmp_path / "site"), tree(tmp_path / "plain")
    assert {"static/extra.css", "static/extra.js", "static/style.css", "static/filters.js"} <= themed.keys()
    pages = [path for path in plain if path.endswith(".html")]
    assert len(pages) == 20  # the sample has a free page too
    for path in pages:
        html, theirs = themed[path].decode(), plain[path].decode()
        root = "/" if path == "404.html" else "../" * path.count("/")  # the 404 page: links from "/", mended in place
        head = html.split("</head>", 1)[0]
        # the project's stylesheet after the theme's (the 404 page's is inline), its meta before the page's own head
        theme = "</style>" if path == "404.html" else f'href="{root}static/style.css"'
        assert head.index(theme) < head.index(f'href="{root}static/extra.css"'), path
        assert '<meta name="desk" content="Sample dossier: a mediation offer">' in head, path
        assert '<p class="masthead">The desk\'s edition</p><header class="site-header"' in html, path
        assert html.endswith(
            f'<p class="colophon">Edited by the desk.</p><script src="{root}static/extra.js" defer></script></body>\n</html>\n'
        )
        assert _main(html) == _main(theirs), path  # the theme's content, partials and all, as without the project's base
    assert '<script src="../static/filters.js" defer></script></head>' in themed["timeline/index.html"].decode()
    # the included partials are reused exactly as without a project base: the same ones, found the same way
    assert memoize_partials(make_env(project)) == memoize_partials(make_env(SAMPLE))


def test_a_project_partial_can_wrap_the_theme_partial_of_the_same_name(tmp_path: Path) -> None:
    import shutil

    from tests.helpers import SAMPLE

    project = tmp_path / "wrapped"
    shutil.copytree(SAMPLE, project)
    (project / "templates/partials").mkdir(parents=True)
    (project / "templates/partials/status.html").write_text(
        '<span class="mine">{% include "default/partials/status.html" %}</span>', encoding="utf-8"
    )
    build(project, tmp_path / "site", search=False)
    timeline = (tmp_path / "site/timeline/index.html").read_text(encoding="utf-8")
    assert '<span class="mine"><span class="badge status-confirmed">confirmed</span>\n</span>' in timeline


def test_a_project_base_that_extends_itself_is_told_to_extend_the_default_one(tmp_path: Path) -> None:
    import shutil

    from tests.helpers import SAMPLE, run_main

    project = tmp_path / "loop"
    shutil.copytree(SAMPLE, project)
    (project / "templates").mkdir()
    (project / "templates/base.html").write_text('{% extends "base.html" %}\n{% block footer %}{% endblock %}\n')
    result = run_main("-C", str(project), "build", "--no-search")
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "templates/base.html:1:1: error: template error: this template extends or includes itself without end; to build "
        'on the default theme\'s base.html, extend it by its full name: {% extends "default/base.html" %}',
        "1 error found; nothing was written",
    ]
    assert not (project / "site").exists()


def test_a_big_site_makes_its_exports_and_whole_dossier_pages_first_and_the_rest_in_order() -> None:
    jobs = site_map(link_records(check(SAMPLE)))
    ordered, alone = _slow_first(jobs)
    slow = ordered[:alone]
    assert sorted(map(id, ordered)) == sorted(map(id, jobs))  # every job, once
    assert {job.name for job in slow if isinstance(job, Produce)} == {job.name for job in jobs if isinstance(job, Produce)}
    assert {job.path for job in slow if isinstance(job, PageJob)} >= {"index.html", "timeline/index.html", "brief/index.html"}
    assert not any(isinstance(job, PageJob) and job.template in ("event.html", "actor.html") for job in slow)
    assert ordered[alone:] == [job for job in jobs if job not in slow]  # the records' pages, in site-map order


def test_a_page_is_encoded_a_piece_at_a_time_into_the_same_bytes() -> None:
    template = jinja2.Environment(autoescape=True).from_string("{% for n in items %}<p>{{ n }} – “é” 🙂 {{ w }}</p>{% endfor %}")
    variables = {"items": range(PIECE // 10), "w": "<b>"}
    whole = template.render(variables).encode("utf-8")
    assert len(whole) > 3 * PIECE  # many pieces, some cut inside a run of text
    assert _page_bytes(template, variables) == whole
    assert _page_bytes(template, {"items": [], "w": ""}) == b""
