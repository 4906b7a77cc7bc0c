"""Search: what Pagefind indexes, its filters, sort and metadata, and the search page in a real browser.

The sample project (tests/sample) holds two words made for these tests: "convoy" occurs only in the
event 2021-aid, and "Metropolis" only as an alias of the actor Capital City.
"""

from __future__ import annotations

import base64
import contextlib
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

import dossier.index
from dossier import search_entries
from dossier.build import build, check
from dossier.dates import PartialDate
from dossier.errors import Cancelled, PagefindError
from dossier.index import PARTS, _Service, keep_old_chunks
from dossier.model import link_records
from dossier.project import Output
from dossier.records import Event
from dossier.search_entries import index_parts, span
from dossier.write import files_in
from tests.conftest import AXE_JS, SAMPLE, free_port, wait_for
from tests.helpers import sample_copy, tree

REPO = Path(__file__).parent.parent

# Every page Pagefind should index in the sample: its events, actors and articles.
INDEXED = {
    "events/2022-02-27-call/", "events/2022-02-disputed-venue/", "events/2021-aid/",
    "actors/alice-example/", "actors/bob-sample/", "actors/examplia/", "actors/capital-city/",
    "articles/gazette-2022-02-28-offer/", "articles/herald-2022-03-01-venue/",
}  # fmt: skip

RESULT_LINKS = ".results a.result-title"
SEARCH = """async ([bundle, term, options]) => {
  const pagefind = await import(bundle + "pagefind.js");
  await pagefind.init();
  const found = await pagefind.search(term, options);
  const pages = await Promise.all(found.results.map((result) => result.data()));
  return pages.map((p) => ({url: p.url, meta: p.meta, filters: p.filters, content: p.content, excerpt: p.excerpt}));
}"""

FILTERS = """async (bundle) => {
  const pagefind = await import(bundle + "pagefind.js");
  await pagefind.init();
  return await pagefind.filters();
}"""


# ---------------------------------------------------------------------------
# The built HTML (no browser)


class SearchData(HTMLParser):
    """Every data-pagefind-* attribute of a page, with what it captures and where it sits."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.bodies: list[str] = []
        self.filters: dict[str, list[str]] = {}
        self.meta: dict[str, str] = {}
        self.sorts: dict[str, str] = {}
        self.outside_ignored: list[str] = []  # search data not inside a hidden data-pagefind-ignore block

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag not in ("meta", "link", "input", "br", "hr", "img", "wbr"):
            self.stack.append((tag, attributes))
        if "data-pagefind-body" in attributes:
            self.bodies.append(tag)
        for kind, store in (("filter", self.filters), ("meta", self.meta), ("sort", self.sorts)):
            spec = attributes.get(f"data-pagefind-{kind}")
            if spec is None:
                continue
            match = re.fullmatch(r"(\w+)\[([\w-]+)\]", spec)
            assert match, f"search data should be captured from an attribute: {spec!r}"
            key, value = match[1], attributes[match[2]] or ""
            if kind == "filter":
                self.filters.setdefault(key, []).append(value)
            else:
                assert key not in store, f"two values for {kind} {key}"
                store[key] = value  # type: ignore[assignment]
            if not any(hidden_and_ignored(a) for _, a in self.stack):
                self.outside_ignored.append(spec)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def hidden_and_ignored(attributes: dict[str, str | None]) -> bool:
    """Hidden from readers and left out of the index (mode "index": filters, meta and sorts still apply)."""
    return (
        "hidden" in attributes
        and "data-pagefind-ignore" in attributes
        and attributes["data-pagefind-ignore"] in (None, "", "index")
    )


def search_data(site: Path, rel: str) -> SearchData:
    parser = SearchData()
    parser.feed((site / rel / "index.html").read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_an_event_page_carries_its_filters_sort_key_and_metadata(sample_site: Path) -> None:
    data = search_data(sample_site, "events/2022-02-27-call")
    assert data.bodies == ["article"]
    assert data.filters == {
        "type": ["event"], "status": ["confirmed"], "year": ["2022"], "month": ["2022-02"],
        "actor": ["alice-example", "bob-sample"], "tag": ["mediation"],
    }  # fmt: skip
    assert data.sorts == {"date": "2022-02-27"}
    assert data.meta == {"type": "event", "date": "27 Feb 2022", "status": "confirmed"}
    assert data.outside_ignored == []
    ranged = search_data(sample_site, "events/2021-aid")
    assert ranged.filters["year"] == ["2021", "2022"]
    assert "month" not in ranged.filters  # its start is known only to the year
    assert ranged.meta == {"type": "event", "date": "2021 – Jan 2022", "status": "reported"}
    approximate = search_data(sample_site, "events/2022-02-disputed-venue")
    assert approximate.meta["date"] == "c. Feb 2022"
    assert approximate.filters["tag"] == ["mediation", "venue"]


def test_actor_and_article_pages_carry_their_search_data(sample_site: Path) -> None:
    actor = search_data(sample_site, "actors/examplia")
    assert actor.filters == {"type": ["actor"], "year": ["2021", "2022"], "actor": ["examplia"]}
    assert actor.sorts == {"date": "2021-01-01"}
    assert actor.meta == {"type": "actor", "date": "2021 – Jan 2022"}
    article = search_data(sample_site, "articles/herald-2022-03-01-venue")
    assert article.filters == {
        "type": ["article"], "year": ["2022"], "month": ["2022-03"],
        "actor": ["alice-example", "bob-sample", "examplia", "capital-city"],
    }  # fmt: skip
    assert article.sorts == {"date": "2022-03-01"}
    assert article.meta == {"type": "article", "date": "1 Mar 2022, 09:30"}
    alias_page = (sample_site / "actors/capital-city/index.html").read_text(encoding="utf-8")
    body = alias_page.split("data-pagefind-body", 1)[1]
    assert 'Also written: <span dir="auto">Metropolis</span>' in body


def test_only_event_actor_and_article_pages_are_indexed(sample_site: Path) -> None:
    indexed = set()
    for page in sample_site.rglob("*.html"):
        if "pagefind" in page.relative_to(sample_site).parts:
            continue
        data = SearchData()
        data.feed(page.read_text(encoding="utf-8"))
        rel = page.parent.relative_to(sample_site).as_posix() + "/"
        if data.bodies:
            indexed.add(rel)
            # With a sort active Pagefind drops pages without its key, so every indexed page has one.
            assert set(data.sorts) == {"date"} and data.filters["type"] and set(data.meta) >= {"type"}, rel
            assert data.outside_ignored == [], rel
        else:
            assert not data.filters and not data.sorts and not data.meta, rel
    assert indexed == INDEXED
    for rel in ("index.html", "timeline/index.html", "actors/index.html", "articles/index.html", "tags/index.html"):
        assert "data-pagefind-body" not in (sample_site / rel).read_text(encoding="utf-8"), rel


def test_the_header_box_is_a_plain_form_to_the_search_page_which_has_one_box_of_its_own(sample_site: Path) -> None:
    html = (sample_site / "events/2021-aid/index.html").read_text(encoding="utf-8")
    assert '<form class="search-box" role="search" action="../../search/" method="get">' in html
    assert '<input id="site-search" name="q" type="search"' in html
    assert re.findall(r"<script[^>]*>", html) == [  # only the "/" key, and data that never runs
        '<script src="../../static/site.js" defer>',
        '<script type="application/ld+json">',
    ]
    search = (sample_site / "search/index.html").read_text(encoding="utf-8")
    assert 'class="search-box"' not in search and search.count('type="search"') == 1
    assert '<form class="search-form" role="search" action="../search/" method="get">' in search
    assert 'data-bundle="../pagefind/"' in search


FAKE_PAGEFIND = """#!{python}
import base64, json, sys
buffer = b""
while chunk := sys.stdin.buffer.read1(65536):
    buffer += chunk
    while b"," in buffer:
        message, buffer = buffer.split(b",", 1)
        request = json.loads(base64.b64decode(message))
        kind = request["payload"]["type"]
        payload = {{"type": "NewIndex", "index_id": 1}} if kind == "NewIndex" else {{"type": "Error", "message": "{said}"}}
        sys.stdout.buffer.write(base64.b64encode(json.dumps({{"message_id": request["message_id"], "payload": payload}}).encode()) + b",")
        sys.stdout.flush()
"""


def test_an_error_pagefind_reports_fails_the_build_and_keeps_the_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sample_copy(tmp_path)
    out = project / "site"
    build(project, out, search=False)
    before = tree(out)
    fake = tmp_path / "pagefind"
    fake.write_text(FAKE_PAGEFIND.format(python=sys.executable, said="cannot index this site"))
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    with pytest.raises(PagefindError) as error:
        build(project, out)
    assert str(error.value) == "search indexing failed: cannot index this site"
    assert tree(out) == before
    assert sorted(p.name for p in project.iterdir()) == ["content", "site"]


def test_a_part_pagefind_fails_on_fails_the_build_keeps_the_site_and_leaves_no_part_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = sample_copy(tmp_path)
    out = project / "site"
    build(project, out)
    before = tree(out)
    real, seen = dossier.index.index_files, []

    def second_fails(folder: Path, cancel: object = None) -> list[Output]:
        seen.append(sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")))
        if len(seen) == 2:
            raise PagefindError("search indexing failed: cannot index this part")
        return real(folder)

    monkeypatch.setattr(search_entries, "PART_PAGES", 3)
    monkeypatch.setattr(dossier.index, "index_files", second_fails)
    with pytest.raises(PagefindError) as error:
        build(project, out)
    assert str(error.value) == "search indexing failed: cannot index this part"
    assert tree(out) == before
    assert sorted(p.name for p in project.iterdir()) == ["content", "site"]
    assert len(seen) >= 2 and all(len(pages) in (2, 3) for pages in seen)  # each part on a folder of its own pages


def event_pages(tmp_path: Path, count: int) -> Path:
    """A site of ``count`` event pages, ``events/eN/index.html``, each marked for the index."""
    site = tmp_path / "site"
    for n in range(count):
        (site / f"events/e{n}").mkdir(parents=True)
        (site / f"events/e{n}/index.html").write_text("<p data-pagefind-body>text</p>")
    return site


def test_a_failing_part_stops_the_pagefind_indexing_beside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = event_pages(tmp_path, 4)
    stopped: list[bool] = []

    def first_fails(folder: Path, cancel: threading.Event) -> list[Output]:
        if (folder / "events/e0").exists():
            time.sleep(0.2)  # the other part is under way
            raise PagefindError("search indexing failed: part one")
        stopped.append(cancel.wait(10))  # as a Pagefind that would run on: it is killed
        raise Cancelled("stopped")

    monkeypatch.setattr(dossier.index, "index_files", first_fails)
    parts = [["events/e0/index.html", "events/e1/index.html"], ["events/e2/index.html", "events/e3/index.html"]]
    with pytest.raises(PagefindError) as error:
        dossier.index.run_pagefind(site, tmp_path / "bundle", parts=parts)
    assert str(error.value) == "search indexing failed: part one"
    assert stopped == [True]
    assert not (tmp_path / "bundle").exists() or not any((tmp_path / "bundle").iterdir())


def test_a_newer_save_stops_every_pagefind_indexing_a_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = event_pages(tmp_path, 4)
    stopped: list[bool] = []

    def runs_on(folder: Path, cancel: threading.Event) -> list[Output]:
        stopped.append(cancel.wait(10))  # as a Pagefind that would run on: it is killed
        raise Cancelled("stopped")

    monkeypatch.setattr(dossier.index, "index_files", runs_on)
    newer_save = threading.Event()
    threading.Timer(0.3, newer_save.set).start()
    parts = [[f"events/e{n}/index.html"] for n in range(4)]
    with pytest.raises(Cancelled) as error:
        dossier.index.run_pagefind(site, tmp_path / "bundle", cancel=newer_save, parts=parts)
    assert str(error.value) == "search indexing was stopped by a newer save"
    assert stopped == [True, True]  # the two running were stopped, the two waiting never began
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("marked", [True, False], ids=["pages-mark-what-is-indexed", "theme-marks-nothing"])
def test_the_pages_outside_the_parts_go_with_the_first_as_one_index_would_take_them(tmp_path: Path, marked: bool) -> None:
    site = tmp_path / "site"
    body = " data-pagefind-body" if marked else ""
    pages = {f"events/e{n}/index.html": f"<main{body}><h1>Event {n}</h1></main>" for n in range(4)}
    pages["pages/about/index.html"] = (
        "<main data-pagefind-body><h1>About</h1></main>" if marked else "<main><h1>About</h1></main>"
    )
    pages["timeline/index.html"] = "<main><h1>Timeline</h1></main>"  # marks nothing: with marked pages, not indexed
    for path, html in pages.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(f"<html lang='en'><body>{html}</body></html>")
    parts = [["events/e0/index.html", "events/e1/index.html"], ["events/e2/index.html", "events/e3/index.html"]]
    dossier.index.run_pagefind(site, parts=parts)
    counts = [
        json.loads((site / "pagefind" / f / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"]
        for f in ("", "part-2/")
    ]
    assert counts == ([3, 2] if marked else [4, 2])
    assert sorted(p.name for p in (site / "pagefind").iterdir() if p.name.startswith(".")) == [".dossier-site"]


def test_a_failed_index_in_parts_leaves_no_bundle_folder_it_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = event_pages(tmp_path, 1)

    def fails(folder: Path, cancel: object = None) -> list[Output]:
        raise PagefindError("search indexing failed: no")

    monkeypatch.setattr(dossier.index, "index_files", fails)
    with pytest.raises(PagefindError):
        dossier.index.run_pagefind(site, tmp_path / "bundle", parts=[["events/e0/index.html"], []])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_only_the_old_index_s_own_files_are_kept_beside_a_new_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for path in ("pagefind.js", "fragment/en_a.pf_fragment", "fragment/en_b.pf_fragment", "fragment/en_kept.pf_fragment"):
        (old / path).parent.mkdir(parents=True, exist_ok=True)
        (old / path).write_text(f"old {path}")
    (new / "fragment").mkdir(parents=True)
    (new / "pagefind.js").write_text("new pagefind.js")
    own = ["pagefind.js", "fragment/en_a.pf_fragment", "fragment/en_b.pf_fragment"]  # en_kept: kept from an older one
    keep_old_chunks(old, new, own)
    assert sorted(files_in(new)) == ["fragment/en_a.pf_fragment", "fragment/en_b.pf_fragment", "pagefind.js"]
    assert (new / "pagefind.js").read_text() == "new pagefind.js"
    assert (new / "fragment/en_b.pf_fragment").read_text() == "old fragment/en_b.pf_fragment"


def test_pagefinds_answers_are_read_whole_however_the_pipe_cuts_them() -> None:
    read, write = os.pipe()
    answers = [base64.b64encode(json.dumps({"message_id": 1, "payload": {"n": n}}).encode()) for n in range(3)]
    stream = b",".join(answers) + b","
    os.write(write, stream[:7])  # a piece of the first answer
    process = types.SimpleNamespace(stdout=os.fdopen(read, "rb"), wait=lambda: 1)
    service = _Service(process, io.BytesIO(b"it stopped"))  # type: ignore[arg-type]
    os.write(write, stream[7:])  # the rest of it, then two more in one piece
    os.close(write)
    assert [service._next_answer() for _ in answers] == answers  # the second and third: one read, two answers
    with pytest.raises(PagefindError) as error:  # the output ended: Pagefind stopped, and says why
        service._next_answer()
    assert str(error.value) == "search indexing failed (pagefind exit code 1): it stopped"


def test_span_of_events() -> None:
    def event(start: PartialDate, end: PartialDate | None = None) -> Event:
        return Event(id="e", title="t", date=start, kind="k", status="confirmed", sources=(), end=end)

    a = event(PartialDate(2021), PartialDate(2023, 1))
    b = event(PartialDate(2022, 2, 27))
    assert span([b]) == "27 Feb 2022"
    assert span([b, a]) == "2021 – Jan 2023"
    assert span([]) == ""


# ---------------------------------------------------------------------------
# The index, through Pagefind's JS API in Chromium; every browser test runs at the root and under a sub-path


@pytest.fixture(scope="module", params=["", "/some/path/"], ids=["root", "sub-path"])
def base(request: pytest.FixtureRequest, sample_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site served over HTTP at the root or under a sub-path, once per module; its base URL."""
    prefix: str = request.param
    directory = sample_site
    if prefix:
        directory = tmp_path_factory.mktemp("webroot")
        mount = directory / prefix.strip("/")
        mount.parent.mkdir(parents=True)
        mount.symlink_to(sample_site.resolve(), target_is_directory=True)
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(directory)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}{prefix or '/'}"
        wait_for(url)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


class Index:
    """Pagefind's JS API on one page of the served site (the index loads once, for many queries)."""

    def __init__(self, page: Page, base: str) -> None:
        self.page, self.base, self.path = page, base, "/" + base.split("/", 3)[3]

    def search(self, term: str | None, bundle: str = "pagefind/", **options: Any) -> list[dict[str, Any]]:
        return self.page.evaluate(SEARCH, [self.base + bundle, term, options])

    def urls(self, term: str | None, bundle: str = "pagefind/", **options: Any) -> list[str]:
        """Result pages as site-relative paths ("events/ID/"), whatever the prefix."""
        return [r["url"].removeprefix(self.path) for r in self.search(term, bundle, **options)]

    def filters(self) -> dict[str, dict[str, int]]:
        return self.page.evaluate(FILTERS, self.base + "pagefind/")


@contextlib.contextmanager
def index_on(browser: Any, base: str) -> Iterator[Index]:
    """Pagefind's JS API on a page of the site served at ``base``, in a context of its own."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base)
        yield Index(page, base)
    finally:
        context.close()


@pytest.fixture(scope="module")
def index(base: str, browser: Any) -> Iterator[Index]:
    """One page with Pagefind loaded, shared by this module's index tests; fails on any console error, like ``page``."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base)
    yield Index(page, base)
    context.close()
    assert errors == [], f"browser console errors: {errors}"


def test_a_word_only_one_event_contains_finds_that_event(index: Index) -> None:
    results = index.search("convoy")
    assert [r["url"] for r in results] == [index.path + "events/2021-aid/"]
    assert results[0]["meta"] == {"title": "Examplia sends aid", "type": "event", "date": "2021 – Jan 2022", "status": "reported"}
    assert "<mark>convoy" in results[0]["excerpt"]


def test_an_alias_finds_its_actor_and_every_event_that_lists_it(index: Index) -> None:
    results = index.search("Metropolis")
    assert results[0]["url"] == index.path + "actors/capital-city/"  # the actor's own page ranks first
    assert {r["url"] for r in results} == {index.path + "actors/capital-city/", index.path + "events/2022-02-disputed-venue/"}


def test_filters_narrow_the_results(index: Index) -> None:
    everything = index.search("Capital")
    assert {r["filters"]["type"][0] for r in everything} == {"event", "actor", "article"}
    for key, value in (
        ("type", "event"),
        ("actor", "bob-sample"),
        ("tag", "venue"),
        ("year", "2021"),
        ("status", "disputed"),
        ("month", "2022-02"),
    ):
        narrowed = index.search("Capital", filters={key: value})
        assert 0 < len(narrowed) < len(everything), (key, value)
        expected = {r["url"] for r in everything if value in r["filters"].get(key, [])}
        assert {r["url"] for r in narrowed} == expected, (key, value)
    filters = index.filters()
    assert set(filters) == {"type", "actor", "tag", "year", "month", "status"}
    assert set(filters["type"]) == {"event", "actor", "article"}
    assert set(filters["actor"]) == {"alice-example", "bob-sample", "capital-city", "examplia"}
    assert filters["status"] == {"confirmed": 1, "reported": 1, "disputed": 1}
    assert set(filters["month"]) == {"2022-02", "2022-03"}
    assert set(filters["tag"]) == {"mediation", "venue"}
    assert set(filters["year"]) == {"2021", "2022"}


def test_every_indexed_page_sorts_by_date(index: Index) -> None:
    newest = index.urls(None, sort={"date": "desc"})
    oldest = index.urls(None, sort={"date": "asc"})
    assert len(newest) == len(INDEXED) and set(newest) == set(oldest) == INDEXED
    assert newest[:2] == ["articles/herald-2022-03-01-venue/", "articles/gazette-2022-02-28-offer/"]
    assert set(newest[-2:]) == set(oldest[:2]) == {"events/2021-aid/", "actors/examplia/"}


def test_navigation_and_page_furniture_match_nothing(index: Index) -> None:
    # Menu entries, and headings and labels that every page of a kind carries, are left out of the index.
    for word in ("Overview", "Timeline", "Sources", "Tags", "Search", "outlet", "published"):
        assert index.search(word) == [], word
    # Pagefind 1.5 makes metadata searchable: the type shown in results finds the pages of that type, and only those.
    assert set(index.urls("Actors")) == {rel for rel in INDEXED if rel.startswith("actors/")}
    # Neither the hidden search data (type, ISO dates) nor hints and back-links show up in what is indexed.
    furniture = re.compile(r"\b(event|actor|article)\b|\d{4}-\d\d-\d\d|Cited by|Read it in|sources give|who cites")
    # An event's status is a filter, and each result shows it: its badge would only open the excerpt ("confirmed Bennett...").
    events = [r for r in index.search(None) if "/events/" in r["url"]]
    assert events and all(re.match(r"\w+ [A-Z]", r["content"]) for r in events)  # its kind, then its title
    for result in index.search(None):
        assert not furniture.search(result["content"]), result["url"]


# ---------------------------------------------------------------------------
# The search page, as a reader uses it


def shown(page: Page, pages: int = 1) -> list[str]:
    """The results the search page shows, once it has shown them (``pages`` of 20): its status gives their number
    before they come."""
    status = page.locator(".search-status")
    expect(status).to_have_text(re.compile(r"^\d+ results?\b"))
    number = re.match(r"\d+", status.text_content() or "")
    assert number is not None
    expect(page.locator(RESULT_LINKS)).to_have_count(min(int(number.group()), 20 * pages))  # 20 a page (static/search.js)
    return page.locator(RESULT_LINKS).evaluate_all("links => links.map(link => link.href)")


def test_the_header_box_leads_to_results_that_show_type_date_and_status(base: str, page: Page) -> None:
    page.goto(base + "actors/bob-sample/")
    box = page.get_by_role("search").get_by_role("searchbox", name="Search the dossier")
    box.fill("convoy")
    box.press("Enter")
    expect(page).to_have_url(base + "search/?q=convoy")
    own = page.get_by_role("searchbox", name="Search events, actors and articles")
    expect(own).to_have_value("convoy")
    expect(own).to_be_focused()
    expect(page.get_by_role("searchbox")).to_have_count(1)  # one box on the search page
    expect(page.locator(".search-status")).to_have_text("1 result for “convoy”.")
    result = page.locator(".result")
    expect(result.locator(".result-meta")).to_have_text("Event2021 – Jan 2022reported")
    expect(result.locator(".result-excerpt mark")).to_have_text("convoy.")
    assert result.evaluate("r => getComputedStyle(r).fontFamily") == page.evaluate(
        "() => getComputedStyle(document.body).fontFamily"
    )
    result.get_by_role("link", name="Examplia sends aid").click()
    expect(page).to_have_url(base + "events/2021-aid/")


def test_filters_work_without_words_and_live_in_the_url(base: str, index: Index, page: Page) -> None:
    page.goto(base + "search/?status=disputed")
    expect(page.locator(".search-status")).to_have_text("1 result (status: disputed).")
    assert shown(page) == [index.base + "events/2022-02-disputed-venue/"]
    page.goto(base + "search/?month=2022-02&type=event")
    expected = [index.base + rel for rel in index.urls(None, filters={"month": "2022-02", "type": "event"})]
    expect(page.locator(".search-status")).to_have_text("2 results (type: Events; month: February 2022).")
    assert sorted(shown(page)) == sorted(expected)
    # choose with the page's own controls: the URL follows, a reload and a shared link keep the view
    page.goto(base + "search/?q=Capital")
    expect(page.locator(".search-status")).to_contain_text("results for “Capital”")
    page.locator(".facet[data-facet='actor'] summary").click()
    page.get_by_label("Bob Sample").check()
    expect(page).to_have_url(base + "search/?q=Capital&actor=bob-sample")
    narrowed = shown(page)
    assert narrowed and set(narrowed) == {index.base + rel for rel in index.urls("Capital", filters={"actor": "bob-sample"})}
    page.get_by_label("Order").select_option("newest")
    expect(page).to_have_url(base + "search/?q=Capital&actor=bob-sample&sort=newest")
    newest = [index.base + rel for rel in index.urls("Capital", filters={"actor": "bob-sample"}, sort={"date": "desc"})]
    expect(page.locator(RESULT_LINKS)).to_have_count(len(newest))
    assert shown(page) == newest
    page.reload()
    expect(page.get_by_label("Bob Sample")).to_be_checked()
    expect(page.locator(RESULT_LINKS)).to_have_count(len(newest))
    assert shown(page) == newest


def test_a_name_searched_for_brings_its_actor_first_once_and_only_in_best_match_order(
    base: str, index: Index, page: Page
) -> None:
    ranked = index.urls("Alice")  # Pagefind's own order
    assert ranked.index("actors/alice-example/") > 0  # (an event naming Alice Example ranks above her page)
    page.goto(base + "search/?q=alice")
    pinned = ["actors/alice-example/"] + [url for url in ranked if url != "actors/alice-example/"]
    assert shown(page) == [index.base + url for url in pinned]
    expect(page.locator(".search-status")).to_have_text(f"{len(ranked)} results for “alice”.")
    page.goto(base + "search/?q=Exam%20ali")  # every word, each the start of a word of the name, in any order
    assert shown(page)[0] == index.base + "actors/alice-example/"
    page.goto(base + "search/?q=Alice&sort=newest")  # an order the reader chose is kept
    assert shown(page) == [index.base + url for url in index.urls("Alice", sort={"date": "desc"})]
    page.goto(base + "search/?q=Alice&type=event&type=actor")  # with actors among the types chosen: pinned
    assert shown(page)[0] == index.base + "actors/alice-example/"
    page.goto(base + "search/?q=Alice&year=2022")  # with any other filter, Pagefind's order
    assert shown(page) == [index.base + url for url in index.urls("Alice", filters={"year": "2022"})]


def test_a_long_list_of_values_can_be_searched(base: str, page: Page) -> None:
    page.goto(base + "search/")
    expect(page.locator(".search-status")).to_contain_text("Type words, or choose filters")
    actors = page.locator(".facet[data-facet='actor']")
    actors.locator("summary").click()
    expect(actors.locator("label.option")).to_have_count(4)  # the sample has four: the box to find one shows from 13


def test_slash_puts_the_cursor_in_the_search_box_from_any_page(base: str, page: Page) -> None:
    page.goto(base + "timeline/")
    page.keyboard.press("/")
    expect(page.get_by_role("searchbox", name="Search the dossier")).to_be_focused()
    page.keyboard.type("convoy")
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "search/?q=convoy")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_page_with_results_and_filters_has_no_axe_violations(base: str, page: Page, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(base + "search/?q=Capital&type=event")
    expect(page.locator(RESULT_LINKS).first).to_be_visible()
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']})")
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == []


# ---------------------------------------------------------------------------
# A large dossier's index, made in parts (the sample, in parts of three pages)


FOUR_PARTS = ["", "part-2/", "part-3/", "part-4/"]  # the sample's 9 pages in parts of at most 3, made 4: 2 run at once


@pytest.fixture(scope="module")
def parted_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parted") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_entries, "PART_PAGES", 3)
        build(SAMPLE, out)
    return out


def sample_dates() -> dict[str, str]:
    """The date each indexed page of the sample sorts by, by site-relative path ("events/ID/")."""
    search = link_records(check(SAMPLE)).search
    return {f"{kind}s/{record_id}/": entry.sort_date for kind, entries in search.items() for record_id, entry in entries.items()}


def test_a_large_dossier_is_indexed_in_parts_that_follow_the_date(parted_site: Path, sample_site: Path) -> None:
    bundle = parted_site / "pagefind"
    assert json.loads((bundle / PARTS).read_text()) == FOUR_PARTS
    assert json.loads((sample_site / "pagefind" / PARTS).read_text()) == [""]  # a small one is one index, as before
    counts = [json.loads((bundle / f / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"] for f in FOUR_PARTS]
    assert counts == [2, 2, 2, 3]
    assert sorted(p.name for p in bundle.iterdir() if p.is_dir()) == ["filter", "fragment", "index", "part-2", "part-3", "part-4"]
    parts = index_parts(link_records(check(SAMPLE)).search, 3)
    dates = sample_dates()
    spans = [[dates[path.removesuffix("index.html")] for path in part] for part in parts]
    assert all(max(a) <= min(b) for a, b in itertools.pairwise(spans))  # each part's dates come after the ones before
    assert len({date for span in spans for date in span}) > 3  # so the parts cut across dates


def test_each_part_indexes_its_own_pages(parted_site: Path, serve_static: Callable[..., str], browser: Any) -> None:
    parts = index_parts(link_records(check(SAMPLE)).search, 3)
    with index_on(browser, serve_static(parted_site, prefix="/some/path/")) as index:
        found = [sorted(index.urls(None, "pagefind/" + folder)) for folder in FOUR_PARTS]
    assert found == [sorted(path.removesuffix("index.html") for path in part) for part in parts]


def test_the_search_page_searches_every_part_as_one_index(
    parted_site: Path, sample_site: Path, serve_static: Callable[..., str], page: Page
) -> None:
    dates = sample_dates()
    base = serve_static(parted_site, prefix="/some/path/")
    one = serve_static(sample_site)
    page.goto(base + "search/")
    expect(page.locator(".search-status")).to_have_text("Type words, or choose filters, to search 9 pages.")
    counts = page.locator(".facet .count").all_text_contents()
    page.goto(one + "search/")
    expect(page.locator(".search-status")).to_have_text("Type words, or choose filters, to search 9 pages.")
    assert page.locator(".facet .count").all_text_contents() == counts  # the parts' counts added up
    every = "?type=event&type=actor&type=article"
    for query, order in ((every + "&sort=newest", -1), (every + "&sort=oldest", 1), ("?type=event&sort=newest", -1)):
        page.goto(base + "search/" + query)
        expect(page.locator(".search-status")).to_contain_text("results")
        links = [link.removeprefix(base) for link in shown(page)]
        expected = {path for path in dates if query.startswith(every) or path.startswith("events/")}
        assert set(links) == expected, query
        assert [dates[link] for link in links] == sorted((dates[link] for link in links), reverse=order < 0), query
    page.goto(base + "search/?q=Capital")
    expect(page.locator(".search-status")).to_contain_text("results for “Capital”")
    by_parts = (
        page.locator(".search-status").text_content(),
        set(shown(page)),
        page.locator(".facet .count").all_text_contents(),
    )
    page.goto(one + "search/?q=Capital")
    expect(page.locator(".search-status")).to_contain_text("results for “Capital”")
    whole = (page.locator(".search-status").text_content(), set(shown(page)), page.locator(".facet .count").all_text_contents())
    assert by_parts[0] == whole[0] and by_parts[2] == whole[2]
    assert {link.removeprefix(base) for link in by_parts[1]} == {link.removeprefix(one) for link in whole[1]}


def test_the_search_page_asks_for_the_list_of_parts_anew_each_time(
    parted_site: Path, serve_static: Callable[..., str], page: Page, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(parted_site, site)
    listed = site / "pagefind" / PARTS
    month = 30 * 24 * 3600
    os.utime(listed, (time.time() - month, time.time() - month))  # old: a browser would keep it for days
    base = serve_static(site)
    page.goto(base + "search/")
    expect(page.locator(".search-status")).to_have_text("Type words, or choose filters, to search 9 pages.")
    listed.write_text(json.dumps([""]))  # the site built again, as one index (of the first part's 2 pages)
    os.utime(listed, (time.time() - month + 3600, time.time() - month + 3600))
    page.goto(base + "search/")
    expect(page.locator(".search-status")).to_have_text("Type words, or choose filters, to search 2 pages.")


def test_without_a_list_of_parts_the_index_is_one_and_a_broken_list_is_an_error(
    parted_site: Path, sample_site: Path, serve_static: Callable[..., str], browser: Any, tmp_path: Path
) -> None:
    one = tmp_path / "one"
    shutil.copytree(sample_site, one)
    (one / "pagefind" / PARTS).unlink()  # an index made before the parts, kept with --keep-index
    broken = tmp_path / "broken"
    shutil.copytree(parted_site, broken)
    (broken / "pagefind" / PARTS).write_text('{"parts": 4}')
    context = browser.new_context()  # the missing list is a 404 in the console
    try:
        page = context.new_page()
        page.goto(serve_static(one) + "search/")
        expect(page.locator(".search-status")).to_have_text("Type words, or choose filters, to search 9 pages.")
        page.goto(serve_static(broken) + "search/")
        expect(page.locator(".search-status")).to_have_text(
            "Search could not load its index (dossier-parts.json is not a list of parts). "
            "Browse the timeline, the actors or the sources instead."
        )
    finally:
        context.close()


# ---------------------------------------------------------------------------
# The bundled dossier (the repository's own content/)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "site"
    build(REPO, out)
    return out


def test_every_spelling_of_an_actor_finds_every_event_that_lists_it(bundled: Path, serve_static, browser: Any) -> None:
    site = link_records(check(REPO))
    missing = {}
    with index_on(browser, serve_static(bundled, prefix="/some/path/")) as index:
        for actor in site.actors:
            wanted = {f"events/{e.id}/" for e in site.actor_events[actor.id]}
            for name in (actor.name, *actor.aliases):
                found = set(index.urls(name, filters={"type": "event"}))
                if not wanted <= found:
                    missing[(actor.id, name)] = sorted(wanted - found)
    assert missing == {}


def test_the_bundled_dossier_finds_gomel_from_the_header_box(bundled: Path, serve_static: Callable[..., str], page: Page) -> None:
    site = link_records(check(REPO))
    expected = {e.id for e in site.events if "gomel" in e.actors or "Gomel" in e.title + e.summary}
    assert len(expected) >= 2
    base = serve_static(bundled, prefix="/some/path/")
    page.goto(base + "timeline/")
    box = page.get_by_role("searchbox", name="Search the dossier")
    box.fill("Gomel")
    box.press("Enter")
    expect(page).to_have_url(base + "search/?q=Gomel")
    page.get_by_role("checkbox", name="Events").check()
    expect(page).to_have_url(base + "search/?q=Gomel&type=event")
    expect(page.locator(".search-status")).to_contain_text("results for “Gomel” (type: Events).")
    hrefs = set(shown(page))
    assert {f"{base}events/{event_id}/" for event_id in expected} <= hrefs


def test_show_more_pages_through_every_part_in_date_order(bundled: Path, serve_static: Callable[..., str], page: Page) -> None:
    search = link_records(check(REPO)).search
    dates = {f"{kind}s/{record_id}/": entry.sort_date for kind, entries in search.items() for record_id, entry in entries.items()}
    parted = bundled.parent / "parted"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_entries, "PART_PAGES", 20)
        build(REPO, parted)
    assert len(json.loads((parted / "pagefind" / PARTS).read_text())) == 6
    base = serve_static(parted, prefix="/some/path/")
    page.goto(base + "search/?type=event&type=actor&type=article&sort=newest")
    expect(page.locator(".search-status")).to_have_text(f"{len(dates)} results (type: Events or Actors or Articles).")
    more = page.get_by_role("button", name="Show more results")
    for shown_now in range(20, len(dates), 20):
        expect(page.locator(RESULT_LINKS)).to_have_count(shown_now)
        more.click()
    expect(page.locator(RESULT_LINKS)).to_have_count(len(dates))
    expect(more).to_be_hidden()
    links = [link.removeprefix(base) for link in shown(page, pages=6)]
    assert sorted(links) == sorted(dates)  # each page once
    assert [dates[link] for link in links] == sorted(dates.values(), reverse=True)
