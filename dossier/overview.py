"""Overview: the timeline's picture of the whole story, laid out at build time for an inline SVG.

A time axis across the dossier's dates and a lane for each of its principal actors
(the people, organisations and states in most events) plus one for the events none of
them is in. Each event is a mark in the lanes of its principal actors: a dot for a day,
a bar across the month or year for a coarser date or a span. Where marks would overlap
they are set side by side, so each stays a link of its own; in a lane crowded beyond
``SPREAD`` events, marks within a few units of each other are drawn as one with their
count, linking to that month in the list, so the picture stays legible and small at any
size (at most a few hundred marks a lane). Pure: numbers in, geometry out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from dossier.dates import PartialDate
from dossier.i18n import ENGLISH, Labels
from dossier.records import Actor, Event

WIDTH = 960  # the drawing's width in SVG units; it scales to the page
LEFT = 160  # room for the lane labels
LANE = 30  # height of a lane
SPREAD = 120  # events a lane may hold and still show each as its own mark; beyond, close marks are gathered
STACK = 3  # dots stacked in one place of a lane before the next goes beside them
STEP = 8  # the vertical distance between stacked dots
DOT = 8  # the horizontal distance between dots set side by side
BARS = 5  # rows of bars in a lane
BAR_STEP = 5.5
TOP = 8
AXIS = 28  # room for the axis labels below the lanes
BIN = 10  # in a crowded lane, SVG units within which marks are gathered into one
LANES = 6  # principal actors shown as lanes
STATUS_LAYER = {"disputed": 1, "planned": 1}  # gathered apart from (and drawn over) the settled events


@dataclass(frozen=True)
class Mark:
    """One mark: a dot (``width`` 0) or a bar, for one event or, aggregated, several."""

    x: float
    width: float
    lane: int
    dy: float  # offset from the lane's middle, for marks stacked in one place
    count: int  # events it stands for
    status: str  # the event's status; "mixed" for an aggregate of confirmed and reported events
    precision: str  # "day", "month" (a month or less), "long" (a year, or a span beyond a month)
    label: str  # its accessible name
    events: tuple[str, ...]  # the events it stands for
    anchor: str  # for an aggregate: the month of the list it links to ("m2022-02")

    @property
    def event_id(self) -> str:
        """The event a single mark links to ("" for an aggregate)."""
        return self.events[0] if self.count == 1 else ""


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    major: bool  # a year boundary


@dataclass(frozen=True)
class Overview:
    width: int
    height: int
    lanes: tuple[str, ...]  # lane labels, top to bottom
    lane_ids: tuple[str, ...]  # the actor of each lane ("" for the others)
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]
    events: int

    @property
    def most(self) -> int:
        """The largest number of events one mark stands for."""
        return max((m.count for m in self.marks), default=1)

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def lane_height(self) -> int:
        return LANE

    def lane_y(self, lane: int) -> float:
        return TOP + lane * LANE + LANE / 2

    @property
    def axis_y(self) -> int:
        return TOP + len(self.lanes) * LANE


def _span(date: PartialDate, end: PartialDate | None) -> tuple[dt.date, dt.date]:
    last = end or date
    return date.earliest(), max(last.latest(), date.earliest())


def layout(
    events: Sequence[Event],
    actors: Mapping[str, Actor],
    label: Mapping[str, str],
    principal: int = LANES,
    labels: Labels = ENGLISH,
) -> Overview | None:
    """The overview of ``events`` (``label``: each event's accessible name), or None when there is nothing to draw;
    its own words (the lane of the other actors, tick and aggregate labels) in the language of ``labels``."""
    if not events:
        return None
    counts = Counter(a for e in events for a in dict.fromkeys(e.actors) if actors[a].kind != "place")
    top = [a for a, _ in sorted(counts.items(), key=lambda kv: (-kv[1], actors[kv[0]].name.casefold(), kv[0]))[:principal]]
    lane_of = {actor_id: index for index, actor_id in enumerate(top)}
    others = len(top)
    spans = {e.id: _span(e.date, e.end) for e in events}
    first = min(start for start, _ in spans.values())
    last = max(end for _, end in spans.values())
    first, last = dt.date(first.year, first.month, 1), last
    days = max(1, (last - first).days + 1)
    scale = (WIDTH - LEFT - 10) / days

    def x(day: dt.date) -> float:
        return round(LEFT + (day - first).days * scale, 1)

    placed: dict[int, list[tuple[Event, str]]] = defaultdict(list)
    for event in events:
        start, end = spans[event.id]
        precision = "day" if event.date.day and start == end else "long" if (end - start).days > 31 else "month"
        for lane in sorted({lane_of[a] for a in event.actors if a in lane_of}) or [others]:
            placed[lane].append((event, precision))
    marks: list[Mark] = []
    for lane in sorted(placed):
        items = placed[lane]
        if len(items) <= SPREAD:
            marks += _spread(lane, items, spans, x, scale, label)
        else:
            marks += _gathered(lane, items, spans, x, scale, label, labels)
    marks.sort(key=lambda m: (m.precision != "long", STATUS_LAYER.get(m.status, 0), m.lane, m.x))  # long spans below
    lane_names = [actors[a].name for a in top] + ([labels("Others")] if any(m.lane == others for m in marks) else [])
    return Overview(
        WIDTH,
        TOP + len(lane_names) * LANE + AXIS,
        tuple(lane_names),
        (*top, ""),
        tuple(marks),
        _ticks(first, last, x, labels),
        len(events),
    )


def relabelled(overview: Overview | None, label: Mapping[str, str]) -> Overview | None:
    """``overview`` with each single event's mark named by ``label`` (an aggregate's name counts its events): the
    same layout after a save that changed titles only."""
    if overview is None:
        return None
    marks = tuple(
        dataclasses.replace(m, label=label[m.events[0]]) if m.count == 1 and m.label != label[m.events[0]] else m
        for m in overview.marks
    )
    return (
        overview
        if all(a is b for a, b in zip(marks, overview.marks, strict=True))
        else dataclasses.replace(overview, marks=marks)
    )


XY = Callable[[dt.date], float]


def _spread(
    lane: int,
    items: list[tuple[Event, str]],
    spans: Mapping[str, tuple[dt.date, dt.date]],
    x: XY,
    scale: float,
    label: Mapping[str, str],
) -> list[Mark]:
    """Every event of a lane as its own mark: dots that would overlap are set side by side (up to ``STACK`` high,
    then moved right), bars stacked in rows."""
    marks = []
    taken: set[tuple[int, int]] = set()
    rows: list[float] = []  # where the last bar of each row ends
    for event, precision in sorted(items, key=lambda item: (spans[item[0].id], item[0].id)):
        start, end = spans[event.id]
        if precision == "day":
            column = round((x(start) - LEFT) / DOT)
            while True:
                free = [row for row in range(STACK) if (column, row) not in taken]
                if free:
                    break
                column += 1
            taken.add((column, free[0]))
            dy = (free[0] - (STACK - 1) / 2) * STEP
            marks.append(Mark(LEFT + column * DOT, 0.0, lane, dy, 1, event.status, precision, label[event.id], (event.id,), ""))
            continue
        left, width = x(start), max(2.0, round(x(end) - x(start) + scale, 1))
        row = next((r for r, ends in enumerate(rows) if ends < left), None)
        if row is None:
            row = len(rows) if len(rows) < BARS else min(range(len(rows)), key=rows.__getitem__)
            rows += [0.0] * (row + 1 - len(rows))
        rows[row] = left + width
        dy = (row - (BARS - 1) / 2) * BAR_STEP
        marks.append(Mark(left, width, lane, dy, 1, event.status, precision, label[event.id], (event.id,), ""))
    return marks


def _gathered(
    lane: int,
    items: list[tuple[Event, str]],
    spans: Mapping[str, tuple[dt.date, dt.date]],
    x: XY,
    scale: float,
    label: Mapping[str, str],
    labels: Labels = ENGLISH,
) -> list[Mark]:
    """A crowded lane: the marks within ``BIN`` of each other gathered into one with their count, spans longer than a
    month by their start year, disputed and planned events apart from the settled ones."""
    gathered: dict[tuple[int, str, int], list[Event]] = defaultdict(list)
    for event, precision in items:
        start = spans[event.id][0]
        place = start.year if precision == "long" else int((x(start) - LEFT) // BIN)
        gathered[(STATUS_LAYER.get(event.status, 0), "long" if precision == "long" else "short", place)].append(event)
    own = {event.id: precision for event, precision in items}
    marks = []
    for (_, kind, _), events in sorted(gathered.items()):
        # one event keeps its own shape; several short ones are a dot with their count, several long ones a bar
        precision = own[events[0].id] if len(events) == 1 else "long" if kind == "long" else "day"
        earliest = min(spans[e.id][0] for e in events)
        width = 0.0 if precision == "day" else max(2.0, round(x(max(spans[e.id][1] for e in events)) - x(earliest) + scale, 1))
        if len(events) == 1:
            (event,) = events
            marks.append(Mark(x(earliest), width, lane, 0.0, 1, event.status, precision, label[event.id], (event.id,), ""))
            continue
        statuses = {e.status for e in events}
        status = statuses.pop() if len(statuses) == 1 else "mixed"
        month = labels("{month} {year}", month=labels.month_short(earliest.month), year=earliest.year)
        if status == "mixed":
            text = labels("{count} events from {month}", count=len(events), month=month)
        else:
            text = labels("{count} events from {month} ({status})", count=len(events), month=month, status=labels(status))
        anchor = f"m{earliest.year}-{earliest.month:02d}"
        marks.append(
            Mark(x(earliest), width, lane, 0.0, len(events), status, precision, text, tuple(e.id for e in events), anchor)
        )
    return marks


def _ticks(first: dt.date, last: dt.date, x: object, labels: Labels = ENGLISH) -> tuple[Tick, ...]:
    """Month ticks for up to about three years (labelled sparsely), year ticks beyond."""
    assert callable(x)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    ticks = []
    if months <= 36:
        step = 1 if months <= 12 else 3
        year, month = first.year, first.month
        for index in range(months):
            if index % step == 0 or month == 1:
                short = labels.month_short(month)
                text = labels("{month} {year}", month=short, year=year) if month == 1 or index == 0 else short
                ticks.append(Tick(x(dt.date(year, month, 1)), text, month == 1))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        every = max(1, (last.year - first.year + 1) // 12)
        for year in range(first.year, last.year + 1):
            if (year - first.year) % every == 0:
                ticks.append(Tick(x(max(first, dt.date(year, 1, 1))), str(year), True))
    return tuple(ticks)
