"""Render: the site model through Jinja templates into a list of output files (pure, no disk writes).

Templates come from the project's ``templates/`` first and the default theme
shipped with the package second, so a project overrides the theme file by file.
Every page gets ``root``, the relative path back to the site root, so all links are
relative and the site works under any path prefix.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from dossier import markup
from dossier.dates import PartialDate
from dossier.fragments import memoize_partials
from dossier.model import Site
from dossier.records import Actor, Article, Event

THEME = Path(__file__).parent / "theme"
SECTIONS = {"event": "events", "actor": "actors", "article": "articles", "tag": "tags"}


@dataclass(frozen=True)
class Output:
    """One file of the built site: its path under the output folder and its bytes."""

    path: str
    data: bytes


def template_dirs(project_root: Path) -> list[Path]:
    """Where templates and static files are looked up, project first."""
    own = project_root / "templates"
    return [own, THEME] if own.is_dir() and own.resolve() != THEME.resolve() else [THEME]


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory across builds (``serve`` rebuilds many times); Jinja
    checks each entry against the template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


BYTECODE = MemoryBytecodeCache()


def make_env(project_root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(project_root)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build, one compile per template: no stat() of the file at every include
        bytecode_cache=BYTECODE,
    )
    env.filters.update(md=_md, url=_url, when=when, date=_date, lookup=_lookup, years=years, span=span)
    env.globals.update(url_for=_url_for, article_html=_article_html)
    return env


def page_url(kind: str, record_id: str) -> str:
    return f"{SECTIONS[kind]}/{record_id}/"


@lru_cache(maxsize=65536)
def _md_html(text: str, shift: int) -> str:
    return markup.render(text, page_url, shift=shift)


@jinja2.pass_context
def _md(context: jinja2.runtime.Context, text: str | None, shift: int = 2) -> Markup:
    """Markdown to HTML, with record links made relative to the current page."""
    if not text:
        return Markup("")
    return Markup(_md_html(text, shift).replace(markup.ROOT, context["root"]))


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, record: Event | Actor | Article) -> str:
    kind = {Event: "event", Actor: "actor", Article: "article"}[type(record)]
    return str(context["root"]) + page_url(kind, record.id)


@jinja2.pass_context
def _url_for(context: jinja2.runtime.Context, kind: str, record_id: str = "") -> str:
    path = page_url(kind, record_id) if record_id else f"{kind}/" if kind else ""
    return str(context["root"]) + path


def _lookup(ids: list[str] | tuple[str, ...], table: dict[str, Any]) -> list[Any]:
    return [table[key] for key in ids]


def _date(value: PartialDate | None) -> str:
    return value.label() if value else "date not given"


def when(event: Event) -> str:
    """An event's date as shown: precision kept, "c." when approximate, ranges joined with an en dash."""
    text = event.date.label()
    if event.end is not None and event.end != event.date:
        text = f"{text} – {event.end.label()}"
    return f"c. {text}" if event.approximate else text


def years(events: list[Event] | tuple[Event, ...]) -> list[int]:
    """Every year the events cover, from each start to its end, in order (the search page's year filter)."""
    covered = {year for event in events for year in range(event.date.year, (event.end or event.date).year + 1)}
    return sorted(covered)


def span(events: list[Event] | tuple[Event, ...]) -> str:
    """The dates a set of events covers, from the earliest start to the latest end ("" for none)."""
    if not events:
        return ""
    first = min((event.date for event in events), key=PartialDate.sort_key)
    last = max((event.end or event.date for event in events), key=PartialDate.latest)
    return first.label() if first == last else f"{first.label()} – {last.label()}"


@jinja2.pass_context
def _article_html(context: jinja2.runtime.Context, site: Site, article: Article) -> Markup:
    root = str(context["root"])
    passages = []
    for p in site.passages[article.id]:
        href = f"{root}{page_url(p.cited_by, p.record_id)}{p.fragment}"
        after = (
            f'<a class="backref" href="{escape(href)}" title="{escape(p.label)}" data-pagefind-ignore>'
            f'<span class="visually-hidden">Cited by </span>{escape(p.short)}</a>'
        )
        passages.append(markup.Passage(p.block, p.start, p.end, p.anchor, after))
    html = markup.render(article.body, page_url, shift=1, passages=passages)
    return Markup(html.replace(markup.ROOT, root))


def _root_for(path: str) -> str:
    depth = path.count("/")
    return "../" * depth


def pages(site: Site) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every page of the site map as (output path, template, page variables); with a base_url also the
    sitemap and the Atom feed of events, whose links must be absolute."""
    html = list(_html_pages(site))
    yield from html
    base = site.dossier.base_url
    if base:
        urls = [path.removesuffix("index.html") for path, _, _ in html if path != "404.html"]
        yield "sitemap.xml", "sitemap.xml", {"section": "", "root": base, "urls": urls}
        yield "feed.xml", "feed.xml", {"section": "", "root": base}


def _html_pages(site: Site) -> Iterator[tuple[str, str, dict[str, Any]]]:
    yield "index.html", "index.html", {"section": "overview"}
    yield "timeline/index.html", "timeline.html", {"section": "timeline"}
    yield "actors/index.html", "actors.html", {"section": "actors"}
    yield "articles/index.html", "articles.html", {"section": "articles"}
    yield "tags/index.html", "tags.html", {"section": "tags"}
    yield "search/index.html", "search.html", {"section": "search"}
    # A host serves 404.html at any depth: with a base_url its links are absolute, else relative to the root.
    yield "404.html", "404.html", {"section": "", "root": site.dossier.base_url or ""}
    for event in site.events:
        yield f"events/{event.id}/index.html", "event.html", {"section": "timeline", "event": event}
    for actor in site.actors:
        yield f"actors/{actor.id}/index.html", "actor.html", {"section": "actors", "actor": actor}
    for article in site.articles:
        yield f"articles/{article.id}/index.html", "article.html", {"section": "articles", "article": article}
    for tag, events in site.tags.items():
        yield f"tags/{tag}/index.html", "tag.html", {"section": "tags", "tag": tag, "events": events}


PAGES_PER_WORKER = 200  # below this many pages per worker, forking costs more than it saves


def render_site(
    site: Site, env: jinja2.Environment, workers: int | None = None, min_pages: int = PAGES_PER_WORKER
) -> list[Output]:
    """Render every page, in site-map order; pure apart from reading templates.

    Sites with at least ``min_pages`` pages per worker are rendered by forked worker
    processes (``workers`` of them, default one per CPU), a chunk of pages at a time;
    the result is the same list of bytes as from one process.
    """
    jobs = list(pages(site))
    memoize_partials(env)
    workers = min(workers or _cpus(), len(jobs) // max(1, min_pages))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _render_pages(site, env, jobs)
    global _FORKED
    _FORKED = (site, env, jobs)  # inherited by the forked workers, never pickled
    size = max(8, min(256, len(jobs) // (workers * 8)))
    chunks = [(start, min(start + size, len(jobs))) for start in range(0, len(jobs), size)]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [output for part in pool.map(_render_chunk, chunks) for output in part]
    except Exception:  # a failing page fails again here, in this process, with its own traceback
        return _render_pages(site, env, jobs)
    finally:
        _FORKED = None


_FORKED: tuple[Site, jinja2.Environment, list[tuple[str, str, dict[str, Any]]]] | None = None


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _render_chunk(bounds: tuple[int, int]) -> list[Output]:
    """In a worker: render the pages ``bounds`` names from the forked parent's job list."""
    assert _FORKED is not None
    site, env, jobs = _FORKED
    return _render_pages(site, env, jobs[bounds[0] : bounds[1]])


def _render_pages(site: Site, env: jinja2.Environment, jobs: list[tuple[str, str, dict[str, Any]]]) -> list[Output]:
    outputs = []
    cache: dict[str, jinja2.Template] = {}
    for path, name, variables in jobs:
        template = cache.get(name) or cache.setdefault(name, env.get_template(name))
        html = template.render({"site": site, "root": _root_for(path), **variables})
        outputs.append(Output(path, html.encode("utf-8")))
    return outputs


def static_files(project_root: Path) -> list[Output]:
    """The theme's static assets, the project's own overriding the default theme's file by file."""
    found: dict[str, Path] = {}
    for directory in reversed(template_dirs(project_root)):
        static = directory / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    found[f"static/{path.relative_to(static).as_posix()}"] = path
    return [Output(rel, found[rel].read_bytes()) for rel in sorted(found)]
