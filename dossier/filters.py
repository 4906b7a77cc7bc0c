"""Filters: what templates call besides their variables — Markdown with passage links, record URLs, dates in the
site's language, the interface's words (``_`` and ``_n``), an article's text with its cited passages marked, the
search page's labels. Registered on every environment by ``render.make_env``; pure apart from the partials they
render.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from dossier import i18n, markup
from dossier.dates import PartialDate, when
from dossier.model import Site
from dossier.passages import resolve_link, text_html
from dossier.project import EXPORTS
from dossier.records import Event
from dossier.registry import STATUSES, kind_of, page_url

ANCHORS = "partials/passage_anchors.html"  # at the start of a cited range: where links to it land, and their labels
BACKREF = "partials/backref.html"  # after a cited range: the link to the records citing it


def autoescape(name: str | None) -> bool:
    """HTML escaping for every template except the exports in other formats (``exports/events.md``, ``exports/x.csv``)."""
    name = name or ""
    return not name.startswith(f"{EXPORTS}/") or name.endswith((".html", ".htm", ".xml", ".svg"))


@jinja2.pass_context
def md(context: jinja2.runtime.Context, text: str | None, event: Event | None = None, shift: int = 2) -> Markup:
    """Markdown to HTML, with record links made relative to the current page; ``event`` resolves its ``source:N`` links."""
    if not text:
        return Markup("")
    return Markup(text_html(text, shift, event).replace(markup.ROOT, context["root"]))


@jinja2.pass_context
def url(context: jinja2.runtime.Context, record: Any) -> str:
    return str(context["root"]) + page_url(kind_of(record), record.id)


@jinja2.pass_context
def url_for(context: jinja2.runtime.Context, kind: str, record_id: str = "", fragment: str = "") -> str:
    """A record's page (``url_for('event', id)``; the dossier's is the overview), or a section (``url_for('tags')``)."""
    path = page_url(kind, record_id) if record_id else f"{kind}/" if kind else ""
    return (str(context["root"]) + path or "./") + fragment


def lookup(ids: Sequence[str], table: dict[str, Any]) -> list[Any]:
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


def date(value: PartialDate | None, labels: i18n.Labels) -> str:
    return value.label(labels) if value else labels("date not given")


def published(article: Any, labels: i18n.Labels) -> str:
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
def article_html(context: jinja2.runtime.Context, site: Site, article: Any) -> Markup:
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
