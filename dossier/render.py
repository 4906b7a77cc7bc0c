"""Render: the site map's pages through Jinja templates into output files (no disk writes).

Templates come from the project's ``templates/`` first and the default theme shipped
with the package second, so a project overrides the theme file by file; the default
theme is also reachable by name under ``default/``, so that a project's ``base.html``
can extend ``default/base.html`` and override only some of its blocks. Every page
gets ``root``, the relative path back to the site root, so all links are relative and
the site works under any path prefix. The interface speaks the dossier's language (an
environment is made for one: ``make_env(root, site.labels)``): ``_`` and ``_n`` translate
(see ``dossier.i18n``), and the date filters follow it. Large sites are rendered by forked worker
processes; a template error in a worker comes back as a located problem.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import jinja2
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from dossier import chronology, i18n, markup
from dossier.brief import make_brief
from dossier.dates import PartialDate, when
from dossier.diagnostics import template_problem
from dossier.errors import DossierError, Problem
from dossier.fragments import memoize_partials
from dossier.model import Site
from dossier.pages import Job, Produce, site_map
from dossier.passages import SOURCE_SCHEME, resolve_link, resolve_source
from dossier.project import DEFAULT_THEME, EXPORTS, THEME, Output, template_dirs
from dossier.recording import TEMPLATE, Recorder, RecordingSite
from dossier.records import Event
from dossier.registry import ACTOR_KIND_LABELS, STATUS_MEANINGS, STATUSES, kind_of, page_url
from dossier.signals import die_with_client, die_with_parent
from dossier.structured import page_meta
from dossier.write import write_file

ANCHORS = "partials/passage_anchors.html"  # at the start of a cited range: where links to it land, and their labels
BACKREF = "partials/backref.html"  # after a cited range: the link to the records citing it


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


class Environment(jinja2.Environment):
    """Jinja's environment, noting every template a page loads (extends, includes, the theme's partials that
    helpers render) in the page's recording, so that a rebuild renders again the pages using an edited template."""

    recorder: Recorder | None = None

    def _load_template(self, name: Any, globals: Any) -> jinja2.Template:
        if self.recorder is not None and isinstance(name, str):
            self.recorder.note((TEMPLATE, name))
        return super()._load_template(name, globals)


def make_loader(project_root: Path) -> jinja2.BaseLoader:
    """The project's templates, then the default theme's; the default theme's also as ``default/NAME``."""
    return jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({DEFAULT_THEME: jinja2.FileSystemLoader(str(THEME))}),
            jinja2.FileSystemLoader([str(d) for d in template_dirs(project_root)]),
        ]
    )


def make_env(project_root: Path, labels: i18n.Labels = i18n.ENGLISH) -> jinja2.Environment:
    """The templates of the project at ``project_root``, speaking ``labels``'s language (the site's: ``site.labels``)."""
    env = Environment(
        loader=make_loader(project_root),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build, one compile per template: no stat() of the file at every include
        bytecode_cache=BYTECODE,
    )
    env.filters.update(md=_md, url=_url, lookup=_lookup, log_share=log_share)
    env.filters.update(  # the dates as the language writes them
        when=partial(chronology.when, labels=labels),
        date=partial(_date, labels=labels),
        published=partial(_published, labels=labels),
    )
    env.globals.update(
        _=Gettext(labels),
        _n=NGettext(labels),
        url_for=_url_for,
        article_html=_article_html,
        actor_kinds=ACTOR_KIND_LABELS,
        statuses=STATUS_MEANINGS,
        search_labels=search_labels,
        page_meta=page_meta,
        make_brief=make_brief,
    )
    return env


def autoescape(name: str | None) -> bool:
    """HTML escaping for every template except the exports in other formats (``exports/events.md``, ``exports/x.csv``)."""
    name = name or ""
    return not name.startswith(f"{EXPORTS}/") or name.endswith((".html", ".htm", ".xml", ".svg"))


@lru_cache(maxsize=65536)
def _md_html(text: str, shift: int, event: Event | None) -> str:
    def resolve(scheme: str, record_id: str, title: str) -> str | None:
        if scheme == SOURCE_SCHEME:
            return resolve_source(event, record_id) if event is not None else None
        return resolve_link(scheme, record_id, title)

    return markup.render(text, resolve, shift=shift)


@jinja2.pass_context
def _md(context: jinja2.runtime.Context, text: str | None, event: Event | None = None, shift: int = 2) -> Markup:
    """Markdown to HTML, with record links made relative to the current page; ``event`` resolves its ``source:N`` links."""
    if not text:
        return Markup("")
    if event is not None and f"{SOURCE_SCHEME}:" not in text:
        event = None  # the same text renders the same for every event: one cache entry
    return Markup(_md_html(text, shift, event).replace(markup.ROOT, context["root"]))


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, record: Any) -> str:
    return str(context["root"]) + page_url(kind_of(record), record.id)


@jinja2.pass_context
def _url_for(context: jinja2.runtime.Context, kind: str, record_id: str = "", fragment: str = "") -> str:
    """A record's page (``url_for('event', id)``; the dossier's is the overview), or a section (``url_for('tags')``)."""
    path = page_url(kind, record_id) if record_id else f"{kind}/" if kind else ""
    return (str(context["root"]) + path or "./") + fragment


def _lookup(ids: Sequence[str], table: dict[str, Any]) -> list[Any]:
    return [table[key] for key in ids]


def _filled(eval_ctx: EvalContext, text: str, values: dict[str, Any]) -> str:
    """A translated text with its ``{name}`` placeholders filled (left as they are without values, e.g. for a script);
    in an HTML template the text and the values are escaped (a value that is already HTML, such as a
    ``{% set %}…{% endset %}`` block, is kept as it is)."""
    if not eval_ctx.autoescape:
        return text.format(**values) if values else text
    if not values:
        return _escaped(text)
    return Markup(str(_escaped(text)).format(**{name: escape(value) for name, value in values.items()}))


@lru_cache(maxsize=4096)
def _escaped(text: str) -> Markup:
    return escape(text)


# The templates' _ and _n. They need no page context (which Jinja would copy for every call in a loop or block):
# the language is the environment's, the escaping the template's.
@dataclass(frozen=True)
class Gettext:
    """``{{ _("Timeline") }}``, ``{{ _("Current to {date}", date=...) }}``: the text in the language of ``labels``."""

    labels: i18n.Labels

    @jinja2.pass_eval_context
    def __call__(self, eval_ctx: EvalContext, text: str, /, **values: Any) -> str:
        return _filled(eval_ctx, self.labels.translate(text), values)


@dataclass(frozen=True)
class NGettext:
    """``{{ _n("{count} event", "{count} events", n) }}``: the form ``n`` needs, in the language of ``labels``."""

    labels: i18n.Labels

    @jinja2.pass_eval_context
    def __call__(self, eval_ctx: EvalContext, one: str, other: str, count: int, /, **values: Any) -> str:
        return _filled(eval_ctx, self.labels.plural_form(one, other, count), {"count": count, **values})


def _date(value: PartialDate | None, labels: i18n.Labels) -> str:
    return value.label(labels) if value else labels("date not given")


def _published(article: Any, labels: i18n.Labels) -> str:
    """An article's date as shown: "c." when the editor inferred it, "date not given" when nobody could."""
    if article.published is None:
        return labels("date not given")
    return when(article.published, approximate=article.approximate, labels=labels)


def search_labels(site: Site) -> dict[str, dict[str, str]]:
    """How the search page names filter values the index holds as ids (actors and months by name, types and statuses
    in the dossier's language), and the search script's own words, translated."""
    words = site.labels
    months = sorted({m for entries in site.search.values() for entry in entries.values() for m in entry.months})
    return {
        "actor": {a.id: a.name for a in site.actors},
        "month": {m: words("{month} {year}", month=words.month(int(m[5:])), year=m[:4]) for m in months},
        "type": {"event": words("Events"), "actor": words("Actors"), "article": words("Articles")},
        "result": {"event": words("Event"), "actor": words("Actor"), "article": words("Article")},
        "status": {status: words(status) for status in STATUSES},
        "text": {text: words.translate(text) for text in i18n.SEARCH_SCRIPT},
    }


def log_share(count: int, most: int) -> float:
    """Where ``count`` falls between 1 and ``most`` on a log scale (0 to 1): heights that show both 2 and 2,000."""
    return math.log(count) / math.log(most) if most > 1 else 0.0


@jinja2.pass_context
def _article_html(context: jinja2.runtime.Context, site: Site, article: Any) -> Markup:
    """An article's text with every cited range marked: the theme's anchors at its start (where links to it land)
    and its link to the list of citations after its end; its caption blocks labelled in the dossier's language."""
    root = str(context["root"])
    anchors = context.environment.get_template(ANCHORS)
    backref = context.environment.get_template(BACKREF)
    marks = []
    for cited in site.cited[article.id]:
        before = anchors.render(cited=cited, root=root).strip()
        after = backref.render(cited=cited, root=root).strip()
        marks.append(markup.Mark(cited.block, cited.start, cited.end, cited.key, before, after))
    html = markup.render(article.body, resolve_link, shift=1, marks=marks).replace(markup.ROOT, root)
    caption = Markup('<span class="caption-label">{}</span>').format(site.labels("Photo caption"))
    return Markup(html.replace(markup.CAPTION_LABEL, caption))


@dataclass(frozen=True)
class Rendered:
    """What rendering gave: the files (their bytes, unless they were written into a folder), what each page read of
    the site model, and the processes that rendered them."""

    outputs: list[Output]
    reads: dict[str, frozenset[Any]]  # page path -> the model paths and templates it read (see ``recording``)
    processes: frozenset[int]
    made: dict[str, tuple[str, ...]]  # name of a Produce job -> the paths of the files it made
    seconds: dict[str, float]  # page path or Produce job name -> how long it took


PAGES_PER_WORKER = 200  # below this many pages per worker, forking costs more than it saves


def render_site(
    site: Site,
    env: jinja2.Environment,
    root: Path,
    jobs: Sequence[Job] | None = None,
    workers: int | None = None,
    min_pages: int = PAGES_PER_WORKER,
    into: Path | None = None,
    start_method: str = "fork",
    progress: Callable[[str, int, int], None] | None = None,
    record: bool = True,
) -> Rendered:
    """Render every job of the site map (or ``jobs``), in order; pure apart from reading templates (and, with
    ``into``, writing each file there as soon as it is made, so no page travels back from a worker).

    Sites with at least ``min_pages`` pages per worker are rendered by worker processes (``workers`` of them,
    default one per CPU), a chunk of pages at a time: forked from this process (the model is inherited, never
    copied), or with ``start_method="forkserver"`` started from a clean server process and sent the model once,
    which is safe where this process has other threads (the preview's server). The result is the same bytes as
    from one process. A template error, in a worker or here, is raised as a :class:`DossierError` located in the
    template. ``progress("render", done, total)`` is told how far it got, a chunk of jobs at a time. Without
    ``record``, what pages read is not recorded (a build that no rebuild follows saves that time).
    """
    jobs = list(site_map(site) if jobs is None else jobs)
    speaks = env.globals.get("_")
    if not isinstance(speaks, Gettext) or speaks.labels != site.labels:
        raise ValueError(f"templates made for another language than the site's ({site.labels.language}): see make_env")
    memoize_partials(env)
    workers = min(workers or _cpus(), len(jobs) // max(1, min_pages))
    tell = progress or (lambda phase, done, total: None)
    parts: list[tuple[int, Part | Problem]] = []
    if workers < 2 or start_method not in multiprocessing.get_all_start_methods():
        for start in range(0, len(jobs), PAGES_PER_WORKER):  # a chunk at a time, to tell the progress
            rendered = _unwrap(_render_jobs(site, env, root, jobs[start : start + PAGES_PER_WORKER], (into, record)))
            parts.append((os.getpid(), rendered))
            tell("render", min(start + PAGES_PER_WORKER, len(jobs)), len(jobs))
        return _merged(parts)
    from concurrent.futures import ProcessPoolExecutor

    global _SHARED
    size = max(8, min(256, len(jobs) // (workers * 8)))
    chunks = [(start, min(start + size, len(jobs))) for start in range(0, len(jobs), size)]
    initializer: Callable[..., None] = die_with_parent
    initargs: tuple[Any, ...] = (os.getpid(),)
    if start_method == "fork":
        _SHARED = (site, env, root, jobs, (into, record))  # inherited by the forked workers, never pickled
    else:
        initializer, initargs = _receive, (os.getpid(), pickle.dumps((site, root, jobs, (into, record)), protocol=5))
    try:
        context = multiprocessing.get_context(start_method)
        with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs) as pool:
            for (_, end), done in zip(chunks, pool.map(_render_chunk, chunks), strict=True):
                parts.append(done)
                tell("render", end, len(jobs))
    finally:
        _SHARED = None
    return _merged(parts)


def _merged(parts: Sequence[tuple[int, Part | Problem]]) -> Rendered:
    """The parts rendered by each process (its id, and what it made or the problem it met), in order, as one."""
    outputs: list[Output] = []
    reads: dict[str, frozenset[Any]] = {}
    made: dict[str, tuple[str, ...]] = {}
    seconds: dict[str, float] = {}
    for _, result in parts:
        files, read, produced, took = _unwrap(result)
        outputs += files
        reads.update(read)
        made.update(produced)
        seconds.update(took)
    return Rendered(outputs, reads, frozenset(pid for pid, _ in parts), made, seconds)


Where = tuple[Path | None, bool]  # the folder to write into (None: return the bytes), whether to record reads
Shared = tuple[Site, jinja2.Environment, Path, list[Job], Where]
_SHARED: Shared | None = None


def _receive(parent: int, shared: bytes) -> None:
    """Initializer of a worker started from a server process: take the model and the jobs, make the templates."""
    global _SHARED
    die_with_client(parent)
    site, root, jobs, where = pickle.loads(shared)
    env = make_env(root, site.labels)
    memoize_partials(env)
    _SHARED = (site, env, root, jobs, where)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


Part = tuple[list[Output], dict[str, frozenset[Any]], dict[str, tuple[str, ...]], dict[str, float]]


def _render_chunk(bounds: tuple[int, int]) -> tuple[int, Part | Problem]:
    """In a worker: render the jobs ``bounds`` names from the parent's list."""
    assert _SHARED is not None
    site, env, root, jobs, where = _SHARED
    return os.getpid(), _render_jobs(site, env, root, jobs[bounds[0] : bounds[1]], where)


def _unwrap(result: Part | Problem) -> Part:
    if isinstance(result, Problem):
        raise DossierError([result])
    return result


def _render_jobs(site: Site, env: jinja2.Environment, root: Path, jobs: Sequence[Job], where: Where) -> Part | Problem:
    """Render ``jobs``, recording what each page reads (unless told not to); a template error becomes a located problem
    (any other error is a bug and raises). With a folder to write into, every file is written there, not returned."""
    into, record = where
    outputs: list[Output] = []
    reads: dict[str, frozenset[Any]] = {}
    made: dict[str, tuple[str, ...]] = {}
    seconds: dict[str, float] = {}
    cache: dict[str, jinja2.Template] = {}
    recorder = Recorder()
    seen: Site | RecordingSite = RecordingSite(site, recorder) if record else site
    if isinstance(env, Environment) and record:
        env.recorder = recorder

    def keep(output: Output) -> None:
        if into is None:
            outputs.append(output)
        else:
            write_file(output, into)

    try:
        for job in jobs:
            started = time.perf_counter()
            if isinstance(job, Output):
                keep(job)
            elif isinstance(job, Produce):
                files = list(job.producer(site))
                for output in files:
                    keep(output)
                made[job.name] = tuple(output.path for output in files)
                seconds[job.name] = time.perf_counter() - started
            else:
                template = cache.get(job.template) or cache.setdefault(job.template, env.get_template(job.template))
                recorder.push()
                recorder.note((TEMPLATE, job.template))
                try:
                    html = template.render({"site": seen, "root": job.root, "page_path": job.path, **job.variables})
                finally:
                    reads[job.path] = recorder.pop()
                keep(Output(job.path, html.encode("utf-8")))
                seconds[job.path] = time.perf_counter() - started
    except Exception as exc:
        problem = template_problem(exc, root)
        if problem is None:
            raise
        return problem
    finally:
        if isinstance(env, Environment):
            env.recorder = None
        if isinstance(seen, RecordingSite):
            seen.close()
    return outputs, reads, made, seconds


def template_digests(env: jinja2.Environment) -> dict[str, str]:
    """Every template ``env`` can load (the project's own in place of the theme's), by a digest of its source."""
    assert env.loader is not None
    digests = {}
    for name in env.list_templates():
        if not name.startswith("static/"):
            source = env.loader.get_source(env, name)[0]
            digests[name] = hashlib.blake2b(source.encode("utf-8"), digest_size=16).hexdigest()
    return digests


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
