"""Search entries: how the pages of a large dossier are split into the parts of its search index."""

from __future__ import annotations

import pytest

from dossier import search_entries
from dossier.search_entries import SearchEntry, index_parts


def entry(kind: str, sort_date: str) -> SearchEntry:
    return SearchEntry(kind, sort_date, "", "", (), (), (), ())


def entries(dates: dict[str, dict[str, str]]) -> dict[str, dict[str, SearchEntry]]:
    return {kind: {record_id: entry(kind, date) for record_id, date in ids.items()} for kind, ids in dates.items()}


def test_a_dossier_that_fits_in_one_index_has_no_parts() -> None:
    search = entries({"event": {f"e{i}": "2022-01-01" for i in range(5)}})
    assert index_parts(search, 5) == ()
    assert index_parts({}, 5) == ()


def test_parts_follow_the_date_search_sorts_by_and_are_as_even_as_they_can_be() -> None:
    search = entries(
        {
            "event": {"late": "2022-03-01", "early": "2021-05-02", "mid": "2022-01-10", "mid-too": "2022-01-10"},
            "actor": {"undated": "0000-00-00", "first-seen": "2021-05-01"},
            "article": {"report": "2022-02-01"},
        }
    )
    assert index_parts(search, 3) == (  # three parts of at most three pages, made four: two Pagefinds run at once
        ("actors/undated/index.html",),
        ("actors/first-seen/index.html", "events/early/index.html"),
        ("events/mid-too/index.html", "events/mid/index.html"),  # the same date: by path
        ("articles/report/index.html", "events/late/index.html"),
    )


def test_every_page_is_in_exactly_one_part_and_no_part_is_over_the_size() -> None:
    search = entries({"event": {f"event-{i:05d}": f"20{10 + i % 13}-{1 + i % 12:02d}-01" for i in range(10_001)}})
    parts = index_parts(search, 2_500)
    assert [len(part) for part in parts] == [1666, 1667, 1667, 1667, 1667, 1667]  # five needed, made six
    pages = [page for part in parts for page in part]
    assert sorted(pages) == sorted(f"events/{record_id}/index.html" for record_id in search["event"])
    dates = [search["event"][page.split("/")[1]].sort_date for page in pages]
    assert dates == sorted(dates)


def test_the_size_of_a_part_is_read_when_the_parts_are_made(monkeypatch: pytest.MonkeyPatch) -> None:
    search = entries({"event": {f"e{i}": "2022-01-01" for i in range(4)}})
    assert index_parts(search) == ()
    monkeypatch.setattr(search_entries, "PART_PAGES", 2)
    assert [len(part) for part in index_parts(search)] == [2, 2]


def test_the_number_of_parts_is_a_multiple_of_the_pagefinds_that_run_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    search = entries({"event": {f"e{i:02d}": f"2022-01-{1 + i:02d}" for i in range(10)}})
    assert [len(part) for part in index_parts(search, 4)] == [2, 3, 2, 3]
    monkeypatch.setattr(search_entries, "PARTS_AT_ONCE", 3)
    assert [len(part) for part in index_parts(search, 4)] == [3, 3, 4]
    monkeypatch.setattr(search_entries, "PARTS_AT_ONCE", 1)
    assert [len(part) for part in index_parts(search, 4)] == [3, 3, 4]
    assert [len(part) for part in index_parts(search, 5)] == [5, 5]
