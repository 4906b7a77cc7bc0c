"""Partial dates: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, with their precision kept.

Parsing returns a :class:`PartialDate` or an error message; formatting shows the
precision as written ("2021", "Oct 2021", "27 Feb 2022"), in the language of the
:class:`~dossier.i18n.Labels` given (English unless told: messages and exports).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from dossier.errors import describe_type
from dossier.i18n import ENGLISH, MONTHS, Labels

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DATETIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to the year, the month or the day (optionally with a time)."""

    year: int
    month: int | None = None
    day: int | None = None
    time: str | None = None  # "HH:MM", only with a day

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def sort_key(self) -> tuple[dt.date, int]:
        """Earliest possible day first; on ties the coarser precision first."""
        rank = {"year": 0, "month": 1, "day": 2}[self.precision]
        return (self.earliest(), rank)

    def iso(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text

    def label(self, labels: Labels = ENGLISH) -> str:
        """The date as shown, to its precision: "27 Feb 2022" (with its time: "27 Feb 2022, 10:00"), "Feb 2022", "2022"."""
        if self.day and self.month:
            text = labels("{day} {month} {year}", day=self.day, month=labels.month_short(self.month), year=self.year)
            return labels("{date}, {time}", date=text, time=self.time) if self.time else text
        if self.month:
            return labels("{month} {year}", month=labels.month_short(self.month), year=self.year)
        return str(self.year)


def when(
    date: PartialDate,
    end: PartialDate | None = None,
    approximate: bool = False,
    time: str | None = None,
    labels: Labels = ENGLISH,
) -> str:
    """A date as shown: precision kept, its time if given, "c." when approximate, a range joined with an en dash."""
    text = date.label(labels)
    if time:
        text = labels("{date}, {time}", date=text, time=time)
    if end is not None and end != date:
        text = labels("{start} – {end}", start=text, end=end.label(labels))
    return labels("c. {date}", date=text) if approximate else text


def parse_time(text: str) -> str | None:
    """A time of day written ``HH:MM`` (24-hour clock) in that form, or None."""
    match = _TIME_RE.match(text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_date(value: object, allow_time: bool = False) -> PartialDate | str:
    """Turn a YAML value into a PartialDate, or return what is wrong with it."""
    if isinstance(value, dt.datetime):
        if not allow_time:
            return f"expected a date written {DATE_FORMS}, got a date and time"
        return PartialDate(value.year, value.month, value.day, f"{value.hour:02d}:{value.minute:02d}")
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return f"expected a date written {DATE_FORMS}, got {describe_type(value)}"
    text = str(value).strip()
    time = None
    match = _DATETIME_RE.match(text) if allow_time else None
    if match:
        text, time = match.group(1), f"{match.group(2)}:{match.group(3)}"
        if int(match.group(2)) > 23 or int(match.group(3)) > 59:
            return f"'{value}' is not a real time of day"
    match = _DATE_RE.match(text)
    if not match:
        forms = DATE_FORMS + (" (optionally followed by HH:MM)" if allow_time else "")
        return f"expected a date written {forms}, got '{value}'"
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if year < 1:
        return f"'{value}' is not a real calendar date (there is no year 0000)"
    if month is not None and not 1 <= month <= 12:
        return f"'{value}' is not a real calendar date (month {month:02d} does not exist)"
    if day is not None and month is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return f"'{value}' is not a real calendar date ({MONTHS[month - 1]} {year} has {last} days)"
    return PartialDate(year, month, day, time)
