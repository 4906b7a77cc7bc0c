"""Passages: where a text's record and source links lead, its HTML made once per process, and cited ranges numbered."""

from __future__ import annotations

from dossier.dates import PartialDate
from dossier.markup import ROOT
from dossier.passages import Passage, ranges, text_html
from dossier.records import Citation, Event


def talks(event_id: str) -> Event:
    return Event(event_id, "Talks", PartialDate(2022), "meeting", "confirmed", (Citation("art-1", "b"),))


def test_text_html_resolves_record_links_and_an_events_source_links_from_the_root() -> None:
    html = text_html("See [Ann](actor:ann) and [the source](source:1).\n\n# Heading", 2, talks("talks"))
    assert html == (
        f'<p>See <a href="{ROOT}actors/ann/">Ann</a> and <a href="{ROOT}articles/art-1/#cite-talks-1">the source</a>.</p>\n'
        "<h3>Heading</h3>\n"
    )
    assert text_html("See [the source](source:1).", 2) == "<p>See the source.</p>\n"  # no event: its text is kept


def test_text_html_is_made_once_for_a_text_and_shared_by_events_that_name_no_source() -> None:
    text = "Only [Ann](actor:ann)."
    assert text_html(text, 2, talks("one")) is text_html(text, 2, talks("two")) is text_html(text, 2)
    with_source = "[It](source:1)."
    assert text_html(with_source, 2, talks("one")) != text_html(with_source, 2, talks("two"))


def test_a_source_link_is_resolved_however_its_colon_is_written() -> None:
    event = talks("talks")
    expected = f'<p><a href="{ROOT}articles/art-1/#cite-talks-1">it</a></p>\n'
    for text in ("[it](source:1)", "[it](source&#58;1)", "[it](source\\:1)", "[it][r]\n\n[r]: source&#58;1"):
        assert text_html(text, 2, event) == expected, text


def test_cited_ranges_are_numbered_in_the_order_a_reader_meets_their_numbers() -> None:
    body = "Intro.\n\nThe offer stood. Kyiv answered. Moscow did not.\n"

    def cited(start: int, end: int, record: str) -> Passage:
        return Passage("a", f"cite-{record}", "event", record, record, record, "#source-1", "source", 1, start, end)

    found = ranges((cited(0, 48, "whole"), cited(0, 16, "first"), cited(17, 31, "second"), cited(0, 16, "again")), body)
    assert [(r.number, r.text, [p.record_id for p in r.passages]) for r in found] == [
        (1, "The offer stood.", ["first", "again"]),  # its number stands after "stood.", before the others'
        (2, "Kyiv answered.", ["second"]),
        (3, "The offer stood. Kyiv answered. Moscow did not.", ["whole"]),  # begun first, ended last
    ]
