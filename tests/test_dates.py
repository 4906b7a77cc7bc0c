"""Dates: partial dates keep their precision, are validated against the calendar and sort totally."""

from __future__ import annotations

import datetime as dt

from dossier.dates import PartialDate, parse_date


def test_precision_is_shown_as_written() -> None:
    assert parse_date(2021) == PartialDate(2021)
    assert parse_date("2021-10") == PartialDate(2021, 10)
    assert parse_date(dt.date(2022, 2, 27)) == PartialDate(2022, 2, 27)
    assert [d.label() for d in (PartialDate(2021), PartialDate(2021, 10), PartialDate(2022, 2, 27))] == [
        "2021",
        "Oct 2021",
        "27 Feb 2022",
    ]
    assert parse_date("2022-02-27 14:05", allow_time=True) == PartialDate(2022, 2, 27, "14:05")
    assert PartialDate(2022, 2, 27, "14:05").label() == "27 Feb 2022, 14:05"


def test_impossible_dates_are_explained() -> None:
    assert parse_date("2022-02-29") == "'2022-02-29' is not a real calendar date (Feb 2022 has 28 days)"
    assert parse_date("2024-02-29") == PartialDate(2024, 2, 29)
    assert parse_date("2022-00") == "'2022-00' is not a real calendar date (month 00 does not exist)"
    assert parse_date("Feb 2022") == "expected a date written YYYY, YYYY-MM or YYYY-MM-DD, got 'Feb 2022'"
    assert parse_date(True) == "expected a date written YYYY, YYYY-MM or YYYY-MM-DD, got a true/false value (true)"
    assert parse_date(dt.datetime(2022, 1, 1, 5, 0)) == "expected a date written YYYY, YYYY-MM or YYYY-MM-DD, got a date and time"


def test_ranges_and_sort_keys_put_coarser_precision_first_on_ties() -> None:
    year, month, day = PartialDate(2022), PartialDate(2022, 1), PartialDate(2022, 1, 1)
    assert sorted([day, month, year], key=PartialDate.sort_key) == [year, month, day]
    assert PartialDate(2022, 2).latest() == dt.date(2022, 2, 28)
    assert PartialDate(2021).latest() == dt.date(2021, 12, 31)
