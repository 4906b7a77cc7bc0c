"""Cleaning: drafts of the seed captures against the hand-cleaned articles (paragraphs, chrome, front matter), hard-wrapped text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dossier.cleaning import Draft
from dossier.importer import article_text, read_capture
from dossier.load import split_front_matter

REPO = Path(__file__).parent.parent
RAW = REPO / "content" / "raw"
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


def test_hard_wrapped_text_and_markdown_escaping() -> None:
    from dossier.cleaning import clean_text
    from dossier.importer import escape

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


# python -m tests.test_cleaning prints the comparison table kept in the README.
if __name__ == "__main__":
    rows = [comparison(capture) for capture in sorted(HAND)]
    print(
        "| capture | hand-cleaned paragraphs | kept in draft | missed | extra in draft | chrome lines dropped | front matter found |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        print(f"| `{r['capture']}` | {r['hand']} | {r['kept']} | {r['missed']} | {r['extra']} | {r['dropped']} | {r['found']} |")
