"""Drafts, warnings, --strict and free pages: a draft is left out of build, check, the exports and search and shown,
marked, in the preview; a published record never refers to one; placeholder text and stray files are warnings."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from dossier.build import BuildReport, build, check
from dossier.errors import DossierError, Location, warning
from dossier.model import link_records
from dossier.new import DRAFT_LINE, new_record
from dossier.serve import Preview
from dossier.server import error_page
from tests.helpers import SAMPLE, run_main, tree

TODAY = dt.date(2022, 3, 5)
DRAFTS = {
    "content/articles/courier-2022-03-02-zanzibar.md": (
        "---\ntitle: Zanzibar report\noutlet: The Courier\npublished: 2022-03-02\ndraft: true\n---\n"
        "Alice Example met Dana Draftee in Zanzibar on Wednesday.\n"
    ),
    "content/actors/dana-draftee.yaml": "name: Dana Draftee\nkind: person\naliases: [Zanzibarian]\ndraft: true\n",
    "content/events/2022-03-02-zanzibar-meeting.yaml": (
        "title: Alice meets Dana in Zanzibar\ndate: 2022-03-02\nkind: meeting\nactors: [alice-example, dana-draftee]\n"
        "tags: [zanzibar-talks]\nstatus: reported\n"
        "summary: '[Dana](actor:dana-draftee) met Alice, says [the Courier](source:1).'\n"
        "sources:\n  - article: courier-2022-03-02-zanzibar\n    quote: Alice Example met Dana Draftee in Zanzibar\n"
        "draft: true\n"
    ),
    "content/pages/zanzibar-notes.md": "---\ntitle: Zanzibar notes\ndraft: true\n---\nHow the Zanzibar material was found.\n",
}
DRAFT_PAGES = (
    "articles/courier-2022-03-02-zanzibar/index.html",
    "actors/dana-draftee/index.html",
    "events/2022-03-02-zanzibar-meeting/index.html",
    "pages/zanzibar-notes/index.html",
    "events/2022-03-03-quiet-zanzibar-call/index.html",  # as dossier new left it: no source yet
)
BASE_URL = "https://example.org/dossier/"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample project with a draft of every kind, and an event just started with dossier new."""
    root = tmp_path / "project"
    shutil.copytree(SAMPLE, root)
    for rel, text in DRAFTS.items():
        (root / rel).write_text(text, encoding="utf-8")
    new_record(root, "event", "Quiet Zanzibar call", date="2022-03-03", today=TODAY)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- build and check leave drafts out ------------------------------------------------------------------------------


def test_build_leaves_every_draft_out_of_the_pages_the_exports_the_feeds_and_search(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    report = build(project, out, search=False, base_url=BASE_URL)
    assert report.warnings == []
    assert len(report.drafts_left_out) == 5
    built = tree(out)
    assert not any((out / page).exists() for page in DRAFT_PAGES)
    assert not (out / "tags/zanzibar-talks").exists()  # a tag only drafts have
    # No page, export (dossier.json, CSV, calendar, TimelineJS), sitemap or feed names anything of a draft.
    mentions = sorted(p for p, data in built.items() if re.search(rb"anzibar|Draftee|draftee", data))
    assert mentions == []
    assert {"data/dossier.json", "data/events.csv", "data/events.ics", "data/timeline.json", "sitemap.xml", "feed.xml"} <= set(
        built
    )
    # The search index is made from the pages' data, which know nothing of the drafts either.
    search = link_records(check(project)).search
    assert not any("anzibar" in record_id or "draftee" in record_id for entries in search.values() for record_id in entries)
    # The site is the one built without the drafts at all, byte for byte.
    for rel in (*DRAFTS, "content/events/2022-03-03-quiet-zanzibar-call.yaml"):
        (project / rel).unlink()
    build(project, tmp_path / "without", search=False, base_url=BASE_URL)
    assert tree(tmp_path / "without") == built


def test_check_says_which_drafts_it_left_out(project: Path) -> None:
    result = run_main("-C", str(project), "check")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "no problems found in 10 records (3 events, 4 actors, 2 articles, 1 page); left out 5 drafts "
        "(content/actors/dana-draftee.yaml, content/articles/courier-2022-03-02-zanzibar.md, "
        "content/events/2022-03-02-zanzibar-meeting.yaml, ...)\n"
    )


def test_build_says_which_drafts_it_left_out(project: Path, tmp_path: Path) -> None:
    (project / "content/pages/zanzibar-notes.md").unlink()
    for rel in ("content/actors/dana-draftee.yaml", "content/events/2022-03-02-zanzibar-meeting.yaml"):
        (project / rel).unlink()
    (project / "content/articles/courier-2022-03-02-zanzibar.md").unlink()
    result = run_main("-C", str(project), "build", "--no-search", "--base-url", BASE_URL, "--out", str(tmp_path / "site"))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.endswith("; left out 1 draft (content/events/2022-03-03-quiet-zanzibar-call.yaml)\n")


def test_a_published_record_may_not_refer_to_a_draft(project: Path) -> None:
    event = project / "content/events/2022-02-27-call.yaml"
    edit(event, "actors: [alice-example, bob-sample]", "actors: [alice-example, bob-sample, dana-draftee]")
    edit(event, "offered to mediate.", "offered to mediate ([notes](page:zanzibar-notes)).")
    with pytest.raises(DossierError) as raised:
        check(project)
    assert [str(p) for p in raised.value.problems] == [
        "content/events/2022-02-27-call.yaml:4:37: error: actor 'dana-draftee' is a draft, which dossier build leaves out; "
        "remove 'draft: true' from content/actors/dana-draftee.yaml to publish it, or remove this reference",
        "content/events/2022-02-27-call.yaml:7:10: error: page 'zanzibar-notes' is a draft, which dossier build leaves out; "
        "remove 'draft: true' from content/pages/zanzibar-notes.md to publish it, or remove this reference",
    ]
    # Published, the draft actor is a record like any other, and the event may list it.
    edit(project / "content/actors/dana-draftee.yaml", "draft: true\n", "")
    edit(project / "content/pages/zanzibar-notes.md", "draft: true\n", "")
    assert "dana-draftee" in check(project).events[1].actors


# --- the preview shows them, marked -------------------------------------------------------------------------------


def test_the_preview_shows_every_draft_marked_and_a_new_event_without_sources_breaks_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    preview = Preview(project, project / "site", search=False)
    preview.rebuild()
    assert preview.problems == []
    out, err = capsys.readouterr()
    assert err == "" and out.startswith("built 26 pages")  # the 20 of the sample, 5 drafts and a tag only a draft has
    site = project / "site"
    for page in DRAFT_PAGES:
        html = (site / page).read_text(encoding="utf-8")
        assert '<p class="draft-banner" role="note" data-pagefind-ignore><strong>Draft.</strong>' in html, page
    new_event = (site / DRAFT_PAGES[-1]).read_text(encoding="utf-8")
    assert "<code>content/events/2022-03-03-quiet-zanzibar-call.yaml</code>" in new_event
    assert "TODO: what happened, in a few sentences (Markdown)." in new_event
    assert 'id="sources"' not in new_event  # no heading over an empty list
    assert '<h2 id="sources" data-pagefind-ignore>Sources</h2>' in (site / DRAFT_PAGES[2]).read_text(encoding="utf-8")
    published = (site / "events/2022-02-27-call/index.html").read_text(encoding="utf-8")
    assert "draft-banner" not in published
    badge = '<span class="badge draft-badge" title="A draft: only the preview shows it">draft</span>'
    timeline = (site / "timeline/index.html").read_text(encoding="utf-8")
    items = re.findall(r'<li class="event-item" id="event-([^"]+)".*?</li>', timeline, re.S)
    marked = [i for i in items if badge in timeline.split(f'id="event-{i}"', 1)[1].split("</li>", 1)[0]]
    assert sorted(marked) == ["2022-03-02-zanzibar-meeting", "2022-03-03-quiet-zanzibar-call"]
    actors = (site / "actors/index.html").read_text(encoding="utf-8")
    assert f'<a href="../actors/dana-draftee/" dir="auto">Dana Draftee</a> {badge}' in actors
    assert f'<a href="../articles/courier-2022-03-02-zanzibar/" dir="auto">Zanzibar report</a> {badge}' in (
        site / "articles/index.html"
    ).read_text(encoding="utf-8")
    assert f'<a href="../../pages/zanzibar-notes/" dir="auto">Zanzibar notes</a> {badge}' in published  # the footer
    assert (site / "tags/zanzibar-talks/index.html").is_file()


def test_in_the_preview_a_reference_to_a_draft_is_a_warning_said_once(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project / "content/events/2022-02-27-call.yaml", "bob-sample]", "bob-sample, dana-draftee]")
    preview = Preview(project, project / "site", search=False)
    preview.rebuild()
    assert preview.problems == []
    assert capsys.readouterr().err == (
        "content/events/2022-02-27-call.yaml:4:37: warning: actor 'dana-draftee' is a draft: the preview shows it, but "
        "dossier build stops here until you remove 'draft: true' from content/actors/dana-draftee.yaml to publish it, "
        "or remove this reference\n"
        "1 warning found; the preview shows the site anyway\n"
    )
    html = (project / "site/events/2022-02-27-call/index.html").read_text(encoding="utf-8")
    assert '<a class="chip" href="../../actors/dana-draftee/" dir="auto">Dana Draftee</a>' in html
    preview.rebuild(["content/events/2022-02-27-call.yaml"])
    assert capsys.readouterr().err == ""  # the same warnings again: not repeated on every save


def test_a_draft_with_an_error_is_an_error_in_the_preview_too(project: Path) -> None:
    edit(project / "content/events/2022-03-02-zanzibar-meeting.yaml", "kind: meeting", "kind: meting")
    preview = Preview(project, project / "site", search=False)
    preview.rebuild()
    assert [str(p) for p in preview.problems] == [
        "content/events/2022-03-02-zanzibar-meeting.yaml:3:7: error: 'kind' must be one of meeting, call, statement, offer, "
        "report, military, sanction, aid, other; got 'meting' (did you mean 'meeting'?)"
    ]


def test_the_error_page_says_which_problems_are_warnings() -> None:
    html = error_page([warning(Location("content/notes.txt"), "not a file dossier reads")])
    assert "<code>content/notes.txt:1:1</code>: warning: not a file dossier reads" in html


# --- placeholders, stray files and --strict -----------------------------------------------------------------------


def test_dossier_new_writes_drafts_whose_placeholders_warn_once_published(project: Path) -> None:
    article = new_record(project, "article", "Courier follow-up", date="2022-03-04", today=TODAY).path
    new_event = project / "content/events/2022-03-03-quiet-zanzibar-call.yaml"
    for path in (article, new_event):
        assert DRAFT_LINE in path.read_text(encoding="utf-8")
        edit(path, DRAFT_LINE, "")
    edit(new_event, "sources: []", "sources: [{article: gazette-2022-02-28-offer, quote: spoke with Bob Sample}]")
    report = BuildReport()
    check(project, report)
    assert [str(p) for p in report.warnings] == [
        "content/articles/courier-follow-up.md:10:1: warning: placeholder text left in the article's text: "
        '"TODO: replace this paragraph with..."; replace it with the article\'s own text, word for word: one paragraph '
        "per block, a blank line between paragraphs",
        "content/events/2022-03-03-quiet-zanzibar-call.yaml:9:10: warning: placeholder text left in 'summary': "
        '"TODO: what happened, in a few..."; write what happened, in a few sentences instead',
    ]


def test_an_imported_article_is_a_draft_whose_notes_warn_once_published(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capture = project / "capture.txt"
    capture.write_text("Envoy offers talks in Jerusalem\nThe envoy said talks could be held in Jerusalem, officials said.\n")
    assert run_main("-C", str(project), "import", str(capture), "--id", "envoy").stdout.startswith(
        "wrote " + str(project / "content/articles/envoy.md") + " (a draft of 1 paragraph: review it against the capture, "
        "then remove 'draft: true' to publish it)\n"
    )
    left = BuildReport()
    assert "envoy" not in [a.id for a in check(project, left).articles]  # a draft until reviewed: left out, without a word
    assert "content/articles/envoy.md" in left.drafts_left_out and left.warnings == []
    edit(project / "content/articles/envoy.md", DRAFT_LINE, "")
    report = BuildReport()
    check(project, report)
    assert [str(p) for p in report.warnings] == [
        "content/articles/envoy.md:5:3: warning: placeholder text left in 'notes': \"TODO: draft made by `dossier import`...\"; "
        "write editor's notes, e.g. how a missing date was inferred instead"
    ]


def test_stray_files_in_content_are_warnings_and_strict_makes_them_errors(project: Path, tmp_path: Path) -> None:
    (project / "content/notes.txt").write_text("to do\n", encoding="utf-8")
    (project / "content/.notes.txt.swp").write_text("editor noise: never mentioned", encoding="utf-8")
    line = "content/notes.txt:1:1: warning: not a file dossier reads: content/ holds dossier.yaml and the folders events/, "
    line += "actors/, articles/, pages/, raw/; move it out of content/\n"
    result = run_main("-C", str(project), "check")
    assert (result.returncode, result.stderr) == (0, line + "1 warning found\n")
    assert result.stdout.startswith("no errors found in 10 records")
    strict = run_main("-C", str(project), "check", "--strict")
    assert (strict.returncode, strict.stdout) == (1, "")
    assert strict.stderr == line + "1 warning (errors under --strict) found; nothing was written\n"
    # build --strict writes nothing, and leaves the site it would have replaced as it was.
    out = tmp_path / "site"
    assert run_main("-C", str(project), "build", "--no-search", "--base-url", BASE_URL, "--out", str(out)).returncode == 0
    before = tree(out)
    (project / "content/events/2021-aid.yaml").unlink()
    built = run_main("-C", str(project), "build", "--no-search", "--base-url", BASE_URL, "--out", str(out), "--strict")
    assert (built.returncode, built.stdout, built.stderr) == (1, "", strict.stderr)
    assert tree(out) == before


def test_build_strict_builds_without_a_base_url_and_says_what_that_leaves_out(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_main("-C", str(SAMPLE), "build", "--no-search", "--strict", "--out", str(out))
    assert (result.returncode, result.stderr) == (0, "")  # a note, not a warning: a site without an address is fine
    assert result.stdout.splitlines()[-1].startswith("note: no base_url, so this build leaves out sitemap.xml")
    assert (out / "index.html").is_file() and not (out / "sitemap.xml").exists()


# --- free pages ---------------------------------------------------------------------------------------------------


def test_a_free_page_is_linked_as_page_id_and_never_takes_a_section_address(project: Path, tmp_path: Path) -> None:
    (project / "content/pages/timeline.md").write_text("---\ntitle: Aaa, a page named timeline\n---\nText.\n")
    edit(
        project / "content/events/2022-02-27-call.yaml", "offered to mediate.", "offered to mediate ([how we know](page:about))."
    )
    out = tmp_path / "site"
    build(project, out, search=False)
    event = (out / "events/2022-02-27-call/index.html").read_text(encoding="utf-8")
    assert '<a href="../../pages/about/">how we know</a>' in event
    assert '<p class="pages-note"><a href="../../pages/timeline/" dir="auto">Aaa, a page named timeline</a> · ' in event
    assert "Aaa, a page named timeline" in (out / "pages/timeline/index.html").read_text(encoding="utf-8")
    assert "<h1>Timeline</h1>" in (out / "timeline/index.html").read_text(encoding="utf-8")
    edit(project / "content/events/2022-02-27-call.yaml", "(page:about)", "(page:abuot)")
    result = run_main("-C", str(project), "check")
    assert result.stderr.splitlines()[0] == (
        "content/events/2022-02-27-call.yaml:7:10: error: unknown page 'abuot' in link (did you mean 'about'?)"
    )
