"""dossier import: drafts of the five seed captures against the hand-cleaned articles, an HTML page, never overwriting.

Run ``python -m tests.test_importer`` to print the comparison table kept in the README.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from dossier.build import BuildReport, check
from dossier.cli import main
from dossier.errors import EditorError
from dossier.importer import Draft, article_text, read_capture
from dossier.load import split_front_matter

REPO = Path(__file__).parent.parent
RAW = REPO / "content" / "raw"
FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2024, 5, 6)
HAND = {  # capture -> the hand-cleaned article made from it
    "000_b397fe7f7f029dcf.txt": "unattributed-2022-02-27-koren-mediation-option",
    "001_c6d3385f79e52722.txt": "toi-2022-04-ben-zvi-jerusalem-talks",
    "002_9f4127f4181aa6fb.txt": "jpost-2022-01-19-zelensky-asked-bennett-to-mediate",
    "003_a9942ff15d0fd62a.txt": "unattributed-2022-02-27-bennett-putin-call",
    "004_e587f4a8280a3ea5.txt": "toi-2022-02-27-liveblog-bennett-putin-call",
}
# Paragraphs the importer keeps that the editor dropped: a stock photo's caption.
KNOWN_EXTRA = {
    "002_9f4127f4181aa6fb.txt": [
        "::: caption An activist holds Russia's national flag, during a rally at the war memorial complex Savur-Mohyla, damaged in the recent fighting with Ukraine's government forces,marking the 78th anniversary of the liberation of the Donbas region,Ukraine September 8, 2021. :::"
    ]
}
CHROME = [  # lines of the captures that must not reach a draft
    "Photo Credit",
    "Previous article",
    "Next article",
    "writes news at",
    "steampunk heart",
    "Uncategorized",
    "Source: TOI",
    "Coronavirus Israeli News",
    "Jerusalem Post World News",
    "photo credit",
    "(credit:",
    "Tags Naftali Bennett",
    "Subscribe for our daily newsletter",
    "Hot Opinion",
    "Most Read",
    "Copyright",
    "Read more on the Russia-Ukraine War",
    "Day 4 of the Russian invasion",
    "Responsibly covering",
    "ToI Community",
    "Already a member",
    "Join Our Community",
    "•",
]


def paragraphs(markdown: str) -> list[str]:
    return [" ".join(block.split()) for block in markdown.split("\n\n") if block.strip()]


def hand_cleaned(capture: str) -> tuple[str, list[str]]:
    text = (REPO / "content" / "articles" / f"{HAND[capture]}.md").read_text(encoding="utf-8")
    split = split_front_matter("x.md", text, [])
    assert split is not None
    return split[0], paragraphs(split[1])


def draft_of(capture: str) -> tuple[Draft, list[str]]:
    draft = read_capture(RAW / capture)
    body = article_text(draft, capture, TODAY).split("\n---\n", 1)[1]
    return draft, paragraphs(body)


def comparison(capture: str) -> dict[str, int | str]:
    _, hand = hand_cleaned(capture)
    draft, made = draft_of(capture)
    return {
        "capture": capture,
        "hand": len(hand),
        "kept": sum(p in made for p in hand),
        "missed": sum(p not in made for p in hand),
        "extra": sum(p not in hand for p in made),
        "dropped": sum(draft.dropped.values()),
        "found": ", ".join(k for k in ("title", "subtitle", "author", "published", "updated", "outlet") if getattr(draft, k))
        or "—",
    }


@pytest.mark.parametrize("capture", sorted(HAND))
def test_draft_keeps_every_hand_cleaned_paragraph_and_no_chrome(capture: str) -> None:
    _, hand = hand_cleaned(capture)
    _, made = draft_of(capture)
    assert [p for p in hand if p not in made] == []
    assert [p for p in made if p not in hand] == KNOWN_EXTRA.get(capture, [])
    assert made == [p for p in made if p in hand or p in KNOWN_EXTRA.get(capture, [])]
    assert [p for p in hand if p in made] == hand  # same order
    for line in CHROME:
        assert all(line not in p for p in made), line


@pytest.mark.parametrize(
    ("capture", "expected"),
    [
        ("000_b397fe7f7f029dcf.txt", {"title": None, "outlet": None, "author": None, "published": None}),
        (
            "001_c6d3385f79e52722.txt",
            {
                "title": "Israeli envoy to Russia: Would be ‘honor’ to host Putin-Zelensky talks in Jerusalem",
                "outlet": "The Times of Israel",
                "author": None,
                "published": None,
            },
        ),
        (
            "002_9f4127f4181aa6fb.txt",
            {
                "title": "Ukraine president asked Bennett to mediate with Russia, Putin said no",
                "subtitle": "Prime Minister Naftali Bennett brought up the topic of Ukraine in his meeting with President Vladimir Putin in Sochi, offering to assist in averting a crisis between the countries.",
                "outlet": "The Jerusalem Post",
                "author": "Lahav Harkov",
                "published": "2022-01-19",
                "updated": "2022-01-19",
            },
        ),
        ("003_a9942ff15d0fd62a.txt", {"title": None, "outlet": None, "author": None, "published": None}),
        ("004_e587f4a8280a3ea5.txt", {"title": None, "outlet": "The Times of Israel", "author": None, "published": None}),
    ],
)
def test_detected_front_matter_matches_the_hand_cleaned(capture: str, expected: dict[str, str | None]) -> None:
    draft, _ = draft_of(capture)
    assert {key: getattr(draft, key) for key in expected} == expected


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


def test_hard_wrapped_text_and_markdown_escaping() -> None:
    from dossier.importer import clean_text, escape

    wrapped = "\n\n".join(
        "This paragraph of the article was wrapped at a fixed width by the program that saved\n"
        f"it, so its lines must be joined again into paragraph number {n} of the draft text."
        for n in range(4)
    )
    made = clean_text(wrapped).paragraphs
    assert len(made) == 4 and all(
        p.startswith("This paragraph") and p.endswith(f"number {n} of the draft text.") for n, p in enumerate(made)
    )
    assert escape("# not a heading") == "\\# not a heading"
    assert escape("1. not a list") == "1\\. not a list"
    assert escape("Plain.") == "Plain."
    assert (
        escape("Talks at the working levels [of diplomats]... & more!") == "Talks at the working levels [of diplomats]... & more!"
    )


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


if __name__ == "__main__":
    rows = [comparison(capture) for capture in sorted(HAND)]
    print(
        "| capture | hand-cleaned paragraphs | kept in draft | missed | extra in draft | chrome lines dropped | front matter found |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        print(f"| `{r['capture']}` | {r['hand']} | {r['kept']} | {r['missed']} | {r['extra']} | {r['dropped']} | {r['found']} |")


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
