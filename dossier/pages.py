"""Pages: the site map — every file a build renders, as an ordered, named list of producers (:data:`OUTPUTS`).

Each producer is a pure function of the site model that yields :class:`Page` jobs
(a template to render at a path, with its variables) or finished
:class:`~dossier.project.Output` files. A new page type or export is one function
added to :data:`OUTPUTS` (the exports are in ``exports`` and ``timelines``), or for an
export, one template ``templates/exports/NAME`` (rendered to ``data/NAME``); a new record
type with a template gets its pages from :func:`record_pages` without any change here.

With ``base_url`` the sitemap and the Atom feed are written too. Their ``lastmod`` and
``updated`` are when the records last changed, not when the events happened: a record
page's is its file's modification time (clamped to ``SOURCE_DATE_EPOCH`` when that is
set, see ``load.last_change``), a list's the latest of the records it shows, so two
builds of the same files are byte-identical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from dossier import brief, exports, timelines
from dossier.model import Site
from dossier.project import DATA, EXPORTS, Output, Streamed
from dossier.registry import TAG_SECTION, record_types


@dataclass(frozen=True)
class Page:
    """A file to render: its path under the output folder, its template and the template's variables."""

    path: str
    template: str
    variables: Mapping[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> str:
        """The relative path from this page back to the site root."""
        return "../" * self.path.count("/")


@dataclass(frozen=True)
class Produce:
    """Files made by a function of the whole model (the data exports), run by the renderer like a page: in a worker
    on large sites, its files written where the pages go."""

    name: str
    producer: Callable[[Site], Iterable[Output | Streamed]]


Job = Page | Output | Produce
Producer = Callable[[Site], Iterable[Job]]


def produced(producer: Callable[[Site], Iterable[Output | Streamed]]) -> Producer:
    """An output made of files computed from the whole model: one :class:`Produce` job, run when the site renders."""

    def jobs(site: Site) -> Iterator[Job]:
        yield Produce(producer.__name__, producer)

    jobs.__doc__ = producer.__doc__
    return jobs


def fixed_pages(site: Site) -> Iterator[Job]:
    """The overview, the timeline, the indexes, search and the 404 page."""
    yield Page("index.html", "index.html", {"section": "overview"})
    yield Page("timeline/index.html", "timeline.html", {"section": "timeline"})
    yield Page("actors/index.html", "actors.html", {"section": "actors"})
    yield Page("articles/index.html", "articles.html", {"section": "articles"})
    yield Page(f"{TAG_SECTION}/index.html", "tags.html", {"section": "tags"})
    yield Page("search/index.html", "search.html", {"section": "search"})
    yield Page(brief.PATH, "brief.html", {"section": "brief"})  # the template makes the brief: only when it renders
    # A host serves 404.html at any depth: with a base_url its links are absolute; without, they start at "/" and
    # the page finds the site's folder from the address (the first known section in it) and mends them.
    sections = sorted(
        {t.section for t in record_types()} | {TAG_SECTION, "timeline", "search", "static", "pagefind", "data", "brief"}
    )
    yield Page("404.html", "404.html", {"section": "", "root": site.dossier.base_url or "/", "sections": sections})


def record_pages(site: Site) -> Iterator[Job]:
    """A page per record of every record type that has a template, the record as a variable named after its type."""
    for record_type in record_types():
        if record_type.template is None:
            continue
        for record in site.records.get(record_type.name, ()):
            yield Page(
                f"{record_type.section}/{record.id}/index.html",
                record_type.template,
                {"section": record_type.nav, record_type.name: record, "page_record": record},
            )


def tag_pages(site: Site) -> Iterator[Job]:
    """A page per tag, listing its events."""
    for tag, events in site.tags.items():
        yield Page(f"{TAG_SECTION}/{tag}/index.html", "tag.html", {"section": "tags", "tag": tag, "events": events})


def template_exports(site: Site) -> Iterator[Job]:
    """Every export template, ``templates/exports/NAME`` of the project or the theme, rendered to ``data/NAME``."""
    for name in site.export_templates:
        yield Page(f"{DATA}/{name}", f"{EXPORTS}/{name}", {"section": ""})


def feeds(site: Site) -> Iterator[Job]:
    """With a ``base_url``, the sitemap of every page and the Atom feed of events, whose links must be absolute."""
    base = site.dossier.base_url
    if not base:
        return
    pages = [
        (job.path.removesuffix("index.html"), changed(site, job))
        for producer in (fixed_pages, record_pages, tag_pages)
        for job in producer(site)
        if isinstance(job, Page) and job.path.endswith(".html") and job.path != "404.html"
    ]
    updated = {event.id: timestamp(site.changed.get(event.path, 0)) for event in site.events}
    everything = timestamp(max(site.changed.values(), default=0))
    yield Page("sitemap.xml", "sitemap.xml", {"section": "", "root": base, "pages": pages})
    yield Page("feed.xml", "feed.xml", {"section": "", "root": base, "updated": updated, "feed_updated": everything})


def changed(site: Site, page: Page) -> str:
    """When what a page shows last changed: its record's file, a tag page's events, else any record."""
    record = page.variables.get("page_record")
    if record is not None:
        return timestamp(site.changed.get(record.path, 0))
    events = page.variables.get("events") if "tag" in page.variables else None
    if events is not None:
        return timestamp(max((site.changed.get(e.path, 0) for e in events), default=0))
    return timestamp(max(site.changed.values(), default=0))


def timestamp(seconds: int) -> str:
    """Seconds since 1970 as a W3C / RFC 3339 date and time in UTC."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


OUTPUTS: tuple[tuple[str, Producer], ...] = (
    ("overview, indexes and brief", fixed_pages),
    ("record pages", record_pages),
    ("tag pages", tag_pages),
    ("dossier.json and its schema", produced(exports.data_json)),
    ("events.csv and actors.csv", produced(exports.spreadsheets)),
    ("events.ics", produced(timelines.calendar)),
    ("timeline.json", produced(timelines.timelinejs)),
    ("export templates", template_exports),
    ("sitemap and feed", feeds),
)


def site_map(site: Site, outputs: Iterable[tuple[str, Producer]] = OUTPUTS) -> list[Job]:
    """Every job of every output, in order."""
    return [job for _, producer in outputs for job in producer(site)]
