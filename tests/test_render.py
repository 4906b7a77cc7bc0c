"""Render: every page of the site map exists, and hostile text in any field is shown as text, never run."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from playwright.sync_api import Page

from dossier.build import build

PAYLOAD = '<script>window.__pwned=1</script>"><svg onload=window.__pwned=1><img src=x onerror="window.__pwned=1"> javascript:window.__pwned=1'
YAML_PAYLOAD = PAYLOAD.replace("\\", "\\\\").replace('"', '\\"')


def hostile_project() -> dict[str, str | bytes]:
    text = f'"{YAML_PAYLOAD}"'
    return {
        "content/dossier.yaml": f"title: {text}\nsubtitle: {text}\nas_of: 2022-03-01\nsummary: {text}\nkey_points:\n  - text: {text}\n    events: [e]\n",
        "content/actors/a.yaml": f"name: {text}\nkind: person\naliases: [{text}]\nsummary: {text}\nroles:\n  - title: {text}\n    source: {{article: r, quote: {text}}}\n",
        "content/events/e.yaml": (
            f"title: {text}\ndate: 2022-02-27\nkind: call\nactors: [a]\ntags: [x]\nstatus: disputed\nsummary: {text}\n"
            f"sources:\n  - article: r\n    quote: {text}\n    note: {text}\n"
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
    assert len(pages) == 11  # 7 fixed pages, one event, actor, article and tag
    for page in pages:
        audit = Audit()
        html = page.read_text(encoding="utf-8")
        audit.feed(html)
        allowed = {
            "script {'src': '../pagefind/pagefind-ui.js', 'defer': None}",
            "script {'src': '../static/search.js', 'defer': None}",
        }
        assert set(audit.scripts) <= allowed, page
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
        "index.html", "404.html", "timeline/index.html", "actors/index.html", "articles/index.html", "tags/index.html", "search/index.html",
        "events/2022-02-27-call/index.html", "events/2022-02-disputed-venue/index.html", "events/2021-aid/index.html",
        "actors/alice-example/index.html", "actors/bob-sample/index.html", "actors/examplia/index.html", "actors/capital-city/index.html",
        "articles/gazette-2022-02-28-offer/index.html", "articles/herald-2022-03-01-venue/index.html",
        "tags/mediation/index.html", "tags/venue/index.html",
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
        if "pagefind" in page.parts:
            continue
        links = Links()
        links.feed(page.read_text(encoding="utf-8"))
        for url in links.urls:
            assert not url.startswith(("/", "http:", "https:", "//")), (page, url)
            if url.startswith(("#", "data:")):
                continue
            target = (page.parent / url.split("#")[0]).resolve()
            assert target.is_relative_to(sample_site.resolve()), (page, url)
            assert target.is_file() or (target / "index.html").is_file() or "pagefind" in url, (page, url)


def test_dates_statuses_and_disagreement_are_shown(sample_site: Path) -> None:
    timeline = (sample_site / "timeline/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2022-02">c. Feb 2022</time>' in timeline
    assert '<time datetime="2021">2021 – Jan 2022</time>' in timeline
    assert '<span class="badge status-disputed">disputed</span>' in timeline
    venue = (sample_site / "events/2022-02-disputed-venue/index.html").read_text(encoding="utf-8")
    assert "<strong>Disputed.</strong> The sources disagree about this event" in venue
    assert (
        'The Gazette says Bob proposed it; the <a href="../../articles/herald-2022-03-01-venue/">Herald</a> says Alice did.'
        in venue
    )


def test_project_templates_override_the_default_theme_file_by_file(tmp_path: Path) -> None:
    import shutil

    from tests.helpers import SAMPLE

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


def test_with_a_base_url_the_site_has_a_sitemap_and_an_atom_feed_of_events(tmp_path: Path) -> None:
    import shutil
    import xml.etree.ElementTree as ET

    from tests.helpers import SAMPLE

    project = tmp_path / "p"
    shutil.copytree(SAMPLE, project)
    config = project / "content/dossier.yaml"
    config.write_text(config.read_text() + "base_url: https://example.org/dossier\n")
    out = tmp_path / "site"
    build(project, out, search=False)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    locs = [e.text for e in ET.parse(out / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert len(locs) == 17 and "https://example.org/dossier/" in locs
    assert "https://example.org/dossier/events/2022-02-27-call/" in locs
    assert not any(loc.endswith("404.html") for loc in locs)
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.find("a:updated", ns).text == "2022-03-01T00:00:00Z"
    entries = feed.findall("a:entry", ns)
    assert [e.find("a:id", ns).text for e in entries] == [
        "https://example.org/dossier/events/2022-02-27-call/",
        "https://example.org/dossier/events/2022-02-disputed-venue/",
        "https://example.org/dossier/events/2021-aid/",
    ]
    assert entries[0].find("a:title", ns).text == "27 Feb 2022: Alice Example offers Bob Sample mediation in a phone call"
    assert entries[0].find("a:summary", ns).text == "<p>Alice called Bob and offered to mediate.</p>\n"
    overview = (out / "index.html").read_text(encoding="utf-8")
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Sample dossier: a mediation offer: events" href="https://example.org/dossier/feed.xml">'
        in overview
    )
    missing = (out / "404.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/dossier/timeline/">timeline</a>' in missing


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
    item = timeline.split('href="../events/2022-02-disputed-venue/"', 1)[1].split("</li>", 1)[0]
    actor_chips = item.split('<span class="visually-hidden">Actors: </span>', 1)[1].split("</p>", 1)[0]
    assert "Bob Sample" in actor_chips and "Capital City" not in actor_chips
    assert (
        '<p class="chips places"><span class="places-label">Where:</span> '
        '<a class="chip place" href="../actors/capital-city/" dir="auto">Capital City</a>' in item
    )

    bob = (sample_site / "actors/bob-sample/index.html").read_text(encoding="utf-8")
    with_ = bob.split('<h2 id="with">Appears with</h2>', 1)[1].split("</section>", 1)[0]
    places = bob.split('<h2 id="places">Places</h2>', 1)[1].split("</section>", 1)[0]
    assert "Alice Example" in with_ and "Capital City" not in with_
    assert '<a href="../../actors/capital-city/" dir="auto">Capital City</a> <span class="muted">1 shared event</span>' in places
    city = (sample_site / "actors/capital-city/index.html").read_text(encoding="utf-8")
    assert "Bob Sample" in city.split('<h2 id="with">Appears with</h2>', 1)[1].split("</section>", 1)[0]
    assert 'id="places"' not in city  # no other place shares its events


def test_parallel_rendering_runs_in_worker_processes_and_gives_the_same_bytes(tmp_path: Path) -> None:
    import os

    from dossier.build import check
    from dossier.model import link_records
    from dossier.render import make_env, render_site
    from tests.test_benchmarks import generate

    project = generate(tmp_path / "project", size=100)
    site = link_records(check(project))
    serial = render_site(site, make_env(project), project, workers=1)
    parallel = render_site(site, make_env(project), project, workers=2, min_pages=1)
    assert serial.processes == {os.getpid()}
    assert len(parallel.processes) == 2 and os.getpid() not in parallel.processes, "the pages were not rendered by two workers"
    assert len(parallel.outputs) == len(serial.outputs) > 100
    assert [(o.path, o.data) for o in parallel.outputs] == [(o.path, o.data) for o in serial.outputs]


def test_a_template_error_in_a_worker_comes_back_located(tmp_path: Path) -> None:
    import shutil

    import pytest

    from dossier.build import check
    from dossier.errors import DossierError
    from dossier.model import link_records
    from dossier.render import make_env, render_site
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
