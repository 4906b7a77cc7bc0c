"""dossier import: the seed captures as drafts that pass check, an HTML page, Markdown kept as text, never overwriting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dossier.build import BuildReport, check
from dossier.cli import main
from dossier.errors import EditorError
from tests.test_cleaning import HAND, RAW, TODAY

FIXTURES = Path(__file__).parent / "fixtures"


def test_imported_drafts_pass_check(
    make_project: Callable[[dict[str, str | bytes]], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project({"content/dossier.yaml": "title: T\nas_of: 2022-04-21\nsummary: S\n"})
    for capture in sorted(HAND):
        assert main(["-C", str(project), "import", str(RAW / capture)]) == 0
    out = capsys.readouterr().out
    assert "wrote " in out and out.count("copied ") == 5
    assert sorted(p.name for p in (project / "content/raw").iterdir()) == sorted(HAND)
    report = BuildReport()
    assert check(project, report).articles == ()  # drafts until reviewed: the build leaves them out
    assert (len(report.drafts_left_out), report.warnings) == (5, [])
    records = check(project, drafts=True)
    assert len(records.articles) == 5 and all(a.draft for a in records.articles)
    untitled = sorted(a.title for a in records.articles if not a.headline)
    assert untitled == [
        "Prime Minister Naftali Bennett proposes that Israel serve as a mediator between Russia and…",
        "Prime Minister Naftali Bennett told Russian President Vladimir Putin on Sunday that he is…",
        "This Kiev apartment building was hit by a Russian missile on February 26, 2022",
    ]


def test_never_overwrites(make_project: Callable[[dict[str, str | bytes]], Path], capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/dossier.yaml": "title: T\nas_of: 2022-04-21\nsummary: S\n"})
    capture = RAW / "001_c6d3385f79e52722.txt"
    assert main(["-C", str(project), "import", str(capture), "--id", "toi-envoy"]) == 0
    draft = project / "content/articles/toi-envoy.md"
    before = draft.read_bytes()
    capsys.readouterr()
    assert main(["-C", str(project), "import", str(capture), "--id", "toi-envoy"]) == 1
    assert capsys.readouterr().err == f"dossier: error: {draft} already exists; edit it, or pick another id with --id\n"
    assert draft.read_bytes() == before
    # A different capture with the name of one already in content/raw/ is refused, and no draft is written.
    other = project / "elsewhere" / capture.name
    other.parent.mkdir()
    other.write_text("Something else entirely, written as a sentence of the article.\n", encoding="utf-8")
    with pytest.raises(EditorError, match="already exists with different content"):
        from dossier.importer import import_capture

        import_capture(project, other, record_id="other")
    assert not (project / "content/articles/other.md").exists()


def test_html_page(make_project: Callable[[dict[str, str | bytes]], Path]) -> None:
    from dossier.importer import import_capture

    project = make_project({"content/dossier.yaml": "title: T\nas_of: 2022-04-21\nsummary: S\n"})
    imported = import_capture(project, FIXTURES / "capture.html", today=TODAY)
    assert imported.article.name == "example-courier-2022-04-07-envoy-says-talks-could-be-held-in-jerusalem.md"
    draft = imported.draft
    assert (draft.title, draft.author, draft.outlet, draft.published) == (
        "Envoy says talks could be held in Jerusalem",
        "Dana Writer",
        "The Example Courier",
        "2022-04-07",
    )
    assert draft.subtitle == "The ambassador said both leaders would be welcome, but the decision is theirs."
    assert [p.split()[0] for p in draft.paragraphs] == ["Israel", "He", "“What", "The"]
    text = imported.article.read_text(encoding="utf-8")
    for chrome in ("World News", "Read more", "Day 40", "Subscribe", "Tags:", "Copyright", "Home", "photo credit"):
        assert chrome not in text.split("\n---\n", 1)[1], chrome
    assert 'url: "https://courier.example/world/envoy-talks-jerusalem"' in text
    assert (project / "content/raw/capture.html").read_bytes() == (FIXTURES / "capture.html").read_bytes()
    check(project)


MARKDOWN_LINE = (
    "They *all* agreed, _x_ said: [talks](javascript:alert(1)) and ![pic](x.png) with <b>bold</b>, "
    "<https://example.org>, `code`, ~~struck~~, &amp; a back\\slash\\*."
)


@pytest.mark.parametrize(
    "line",
    [
        MARKDOWN_LINE,
        "[talks]: https://example.org/ a reference definition that must stay text, not vanish.",
        "1. A numbered line, + a plus, and # a hash, that must stay one plain paragraph.",
    ],
)
def test_markdown_in_a_capture_stays_text(make_project: Callable[[dict[str, str | bytes]], Path], line: str) -> None:
    from dossier.importer import import_capture
    from dossier.markup import plain_text

    project = make_project({"content/dossier.yaml": "title: T\nas_of: 2022-04-21\nsummary: S\n"})
    capture = project / "capture.txt"
    capture.write_text(f"A headline for the markdown test\n{line}\n", encoding="utf-8")
    imported = import_capture(project, capture, record_id="md", today=TODAY)
    assert imported.draft.paragraphs == [line]
    records = check(project, drafts=True)  # no javascript: link, no image, no raw HTML
    assert plain_text(records.articles[0].body) == line


@pytest.mark.parametrize("text", ["", "  \n\t\n", "\ufeff\n"])
def test_an_empty_text_capture_is_refused(make_project: Callable[[dict[str, str | bytes]], Path], text: str) -> None:
    from dossier.importer import import_capture

    project = make_project({"content/dossier.yaml": "title: T\nas_of: 2022-04-21\nsummary: S\n"})
    capture = project / "empty.txt"
    capture.write_text(text, encoding="utf-8")
    message = (
        f"no article text in {capture} (it is empty); paste the article's text into it, or save the article's own page as .html"
    )
    with pytest.raises(EditorError) as raised:
        import_capture(project, capture, today=TODAY)
    assert str(raised.value) == message
    assert not (project / "content/articles").exists() and not (project / "content/raw").exists()


def test_an_id_that_cannot_be_made_or_is_not_valid(make_project: Callable[[dict[str, str | bytes]], Path]) -> None:
    from dossier.importer import import_capture

    project = make_project({"content/dossier.yaml": "title: T\nas_of: 2022-04-21\nsummary: S\n"})
    capture = project / "dashes.txt"
    capture.write_text("— — — — — — — — — — — — — — — — — — — — .\n", encoding="utf-8")
    with pytest.raises(EditorError) as raised:
        import_capture(project, capture, today=TODAY)
    assert str(raised.value) == (
        "cannot make an id from the capture's headline, outlet and date (no letters or digits); pass one with --id"
    )
    with pytest.raises(EditorError) as raised:
        import_capture(project, capture, record_id="Not An Id", today=TODAY)
    assert str(raised.value) == "--id 'Not An Id' is not a valid id; use lowercase letters, digits and single hyphens"
    assert import_capture(project, capture, record_id="dashes", today=TODAY).article.name == "dashes.md"


def test_without_trafilatura_an_html_import_says_which_extra_to_install(
    make_project: Callable[[dict[str, str | bytes]], Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    project = make_project({"content/dossier.yaml": "title: T\nas_of: 2022-04-21\nsummary: S\n"})
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as when the [import] extra is not installed
    assert main(["-C", str(project), "import", str(Path(__file__).parent / "fixtures/capture.html")]) == 1
    assert capsys.readouterr().err == (
        "dossier: error: importing an HTML page needs trafilatura: pip install 'dossier-ssg[import]' "
        "(a .txt capture needs nothing more)\n"
    )
    assert not (project / "content/articles").exists()
