"""Environment: the Jinja templates a build renders with, compiled once, speaking the dossier's language.

Templates come from the project's ``templates/`` first and the default theme shipped
with the package second, so a project overrides the theme file by file; the default
theme is also reachable by name under ``default/``, so that a project's ``base.html``
can extend ``default/base.html`` and override only some of its blocks. The interface
speaks the dossier's language (an environment is made for one:
``make_env(root, site.labels)``): ``_`` and ``_n`` translate (see ``dossier.i18n``), and
the date filters follow it (the filters are in ``filters``). A preview keeps its
environment while the templates' digests and the language stay the same.
"""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path
from typing import Any

import jinja2

from dossier import chronology, filters, i18n
from dossier.brief import make_brief
from dossier.filters import Gettext, NGettext
from dossier.project import DEFAULT_THEME, THEME, Output, template_dirs
from dossier.recording import TEMPLATE, Recorder
from dossier.registry import ACTOR_KIND_LABELS, STATUS_MEANINGS
from dossier.structured import page_meta


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
        autoescape=filters.autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build, one compile per template: no stat() of the file at every include
        bytecode_cache=BYTECODE,
    )
    env.filters.update(md=filters.md, url=filters.url, lookup=filters.lookup, log_share=filters.log_share)
    env.filters.update(  # the dates as the language writes them
        when=partial(chronology.when, labels=labels),
        date=partial(filters.date, labels=labels),
        published=partial(filters.published, labels=labels),
    )
    env.globals.update(
        _=Gettext(labels),
        _n=NGettext(labels),
        url_for=filters.url_for,
        article_html=filters.article_html,
        actor_kinds=ACTOR_KIND_LABELS,
        statuses=STATUS_MEANINGS,
        search_labels=filters.search_labels,
        page_meta=page_meta,
        make_brief=make_brief,
    )
    return env


def template_digests(env: jinja2.Environment) -> dict[str, str]:
    """Every template ``env`` can load (the project's own in place of the theme's), by a digest of its source; the text
    files under ``static/`` too, which a template may include (``404.html`` inlines the stylesheet)."""
    assert env.loader is not None
    digests = {}
    for name in env.list_templates():
        try:
            source = env.loader.get_source(env, name)[0]
        except UnicodeDecodeError:  # an image under static/: no template can include it
            continue
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
