"""Reference: the format reference (``docs/reference.md``), written from the declarations it documents.

Every key of every record type, with its type, whether it is required, what it holds and an example, comes from
``registry``; the statuses and their meanings, the link forms and the whole-project checks (their docstrings) come
from the modules that define them; the templates and their variables are checked against the site map by a test.
Regenerate with ``python -m dossier.reference`` (a test fails while the committed file differs).
"""

from __future__ import annotations

import sys
from pathlib import Path

from dossier.check import CHECKS
from dossier.dates import DATE_FORMS
from dossier.i18n import CATALOGS, RIGHT_TO_LEFT
from dossier.project import DEFAULT_THEME
from dossier.registry import ACTOR_KIND_LABELS, DOSSIER, EVENT_KINDS, STATUS_MEANINGS, RecordType, every_type
from dossier.schema import MAX_ITEMS, Field
from dossier.search_entries import PART_PAGES

TARGET = Path("docs/reference.md")

TYPE_NAMES = {
    "text": "text",
    "markdown": "Markdown",
    "date": f"date ({DATE_FORMS})",
    "datetime": f"date ({DATE_FORMS}), optionally with HH:MM",
    "time": "time of day, HH:MM (quoted)",
    "bool": "true or false",
    "choice": "one of",
    "id": "id",
    "slug": "id",
    "url": "http(s) address",
    "base_url": "http(s) address, no ?query or #fragment",
    "lang": "language code",
    "capture": "file name in content/raw/",
    "record": "mapping",
}

# Every page template and the variables it receives besides the ones every page gets (site, root, section).
TEMPLATES: dict[str, tuple[str, str]] = {
    "index.html": ("/", "the overview: title, as-of date, bottom line, key points, open questions, key actors, latest events"),
    "timeline.html": ("/timeline/", "every event in order, its overview picture, month index and filters"),
    "actors.html": ("/actors/", "actors grouped by kind; those in no event apart"),
    "articles.html": ("/articles/", "the source articles, by date"),
    "tags.html": ("/tags/", "every tag, with its number of events"),
    "search.html": ("/search/", "the search page (Pagefind)"),
    "404.html": ("/404.html", "page not found; works at any depth (variable: sections, the site's top folders)"),
    "brief.html": ("/brief/", "the printable brief: bottom line, key points, the chronology, numbered notes (variable: brief)"),
    "event.html": ("/events/ID/", "an event (variables: event, and page_record, the same record under a name every page shares)"),
    "actor.html": ("/actors/ID/", "an actor (variables: actor, page_record)"),
    "article.html": ("/articles/ID/", "an article with its cited passages marked (variables: article, page_record)"),
    "page.html": ("/pages/ID/", "a free page, e.g. About or Methodology (variables: page, page_record)"),
    "tag.html": ("/tags/ID/", "the events with one tag (variables: tag, events)"),
    "sitemap.xml": ("/sitemap.xml", "with base_url only (variable: urls)"),
    "feed.xml": ("/feed.xml", "Atom feed of the events, with base_url only"),
}

COMMON_VARIABLES = {
    "site": "the cross-linked model (`dossier.model.Site`): `site.dossier`, `site.events` (in order), `site.actors`, "
    "`site.articles`, `site.event[id]`, `site.actor[id]`, `site.article[id]`, `site.timeline`, `site.tags`, and the "
    "views each page uses (`site.actor_events[id]`, `site.disputes[id]`, `site.cited[id]`, …)",
    "root": 'the relative path from the page to the site root ("", "../", "../../"); every link starts with it',
    "site.labels": "the interface's language (`dossier.i18n.Labels`): `site.labels.rtl`, `site.labels.direction` "
    '("rtl" or "ltr"), `site.labels.month(2)`; `_` and `_n` use it',
    "section": 'the navigation entry the page belongs to ("overview", "timeline", "actors", "articles", "tags", "search")',
    "page_path": 'the page\'s path in the site ("events/ID/index.html"), for its meta data',
}

EXPORTS = {
    "/data/dossier.json": "every record with its text, page, resolved links and cited passages (JSON)",
    "/data/dossier.schema.json": "the JSON Schema of dossier.json",
    "/data/events.csv": "one row per event, id first (UTF-8 with BOM, RFC 4180)",
    "/data/actors.csv": "one row per actor",
    "/data/events.ics": "an RFC 5545 calendar, one all-day event per event",
    "/data/timeline.json": "TimelineJS3's JSON",
    "/data/NAME": "any templates/exports/NAME of the project or theme, rendered with `site`",
}

FILTERS = {
    "md": "Markdown to HTML, links resolved relative to the page: `{{ event.summary|md(event) }}` (the event resolves `source:N`)",
    "url": "a record's page: `{{ actor|url }}`",
    "when": "an event's date as shown: `c. Feb 2022`, `27 Feb 2022, 12:00`, `2021 – Jan 2022`",
    "date": "a date as written, or `date not given`",
    "published": "an article's date, `c.` when inferred",
    "lookup": "ids to records: `{{ event.actors|lookup(site.actor) }}`",
    "log_share": "where a count falls between 1 and a maximum on a log scale, 0 to 1 (the overview's block heights)",
}
GLOBALS = {
    "_": '`{{ _("Timeline") }}`, `{{ _("Current to {date}", date=site.dossier.as_of|date) }}`: the text in the '
    "dossier's language, its `{name}` placeholders filled and escaped (a `{% set %}…{% endset %}` value is kept as HTML)",
    "_n": '`{{ _n("{count} event", "{count} events", n) }}`: the form `n` needs, in the dossier\'s language',
    "url_for": "`url_for('event', id)`, `url_for('tag', tag)`, `url_for('timeline')`",
    "statuses": "each status and what it means (in English: show them with `_`)",
    "actor_kinds": "each actor kind and its heading (in English: show them with `_`)",
    "article_html": "`article_html(site, article)`: an article's text with its cited passages marked",
    "page_meta": "`page_meta(site, page_path, record)`: the page's description, Open Graph type, canonical address, JSON-LD",
    "search_labels": "`search_labels(site)`: the search page's data (filter values by name, its script's words)",
    "make_brief": "`make_brief(site)`: the printable brief (its texts with numbered source notes, see `dossier/brief.py`)",
}

# The blocks of the default theme's base.html, in page order: what a project's base.html can override.
BLOCKS = {
    "title": "the page's title, before ` · ` and the dossier's title (every page fills it)",
    "assets": "the theme's stylesheet and script (the 404 page puts them inline)",
    "styles": "empty: extra stylesheets, after the theme's (no page of the theme fills it)",
    "head": "the end of `<head>` (pages add their scripts here, after the base's own)",
    "header": "the site's header: title, search box, navigation (`partials/header.html`)",
    "main": "the page's content (every page fills it)",
    "footer": "the site's footer (`partials/footer.html`)",
    "scripts": "empty: extra scripts at the end of `<body>` (no page of the theme fills it)",
}


def _example(spec: Field) -> str:
    if spec.example:
        return f"`{spec.example}`"
    if spec.choices:
        return f"`{spec.choices[0]}`"
    return ""


def _kind(spec: Field) -> str:
    if spec.type == "list":
        assert spec.item is not None
        inner = _kind(spec.item)
        bounds = [f"at least {spec.min_items}"] if spec.min_items else []
        bounds += [f"at most {spec.max_items}"] if spec.max_items != MAX_ITEMS else []
        return f"list of {inner}" + "".join(f", {bound}" for bound in bounds)
    if spec.type == "choice":
        return "one of " + ", ".join(f"`{c}`" for c in spec.choices)
    if spec.type == "id" and spec.ref:
        return f"{spec.ref} id"
    return TYPE_NAMES.get(spec.type, spec.type)


def _table(fields: tuple[Field, ...], prefix: str = "") -> list[str]:
    lines = ["| key | type | required | what it holds | example |", "| --- | --- | --- | --- | --- |"]
    nested: list[tuple[str, Field]] = []
    for spec in fields:
        name = f"{prefix}{spec.name}"
        lines.append(f"| `{name}` | {_kind(spec)} | {'yes' if spec.required else ''} | {spec.help} | {_example(spec)} |")
        record = spec.item if spec.type == "list" and spec.item is not None and spec.item.type == "record" else spec
        if record.type == "record":
            nested.append((name + ("[]" if spec.type == "list" else ""), record))
    for name, record in nested:
        lines += ["", f"Each `{name}` entry:", "", *_table(record.fields)]
    return lines


def _record_type(record_type: RecordType) -> list[str]:
    if record_type is DOSSIER:
        where = "`content/dossier.yaml` (one per project)"
    else:
        suffixes = " or ".join(f"`{s}`" for s in record_type.suffixes)
        where = f"`content/{record_type.folder}/ID{record_type.suffixes[0]}` (one file per record; {suffixes})"
    lines = [f"### {record_type.name}", "", f"File: {where}."]
    if record_type.body:
        lines.append(
            f"The file starts with YAML front matter between two `---` lines; after it comes {record_type.body_help or 'the text'}."
        )
    if record_type.template:
        lines.append(
            f"Page: `/{record_type.section}/ID/` (template `{record_type.template}`); link: `[text]({record_type.name}:ID)`."
        )
    return [*lines, "", *_table(record_type.fields)]


def reference() -> str:
    """The whole format reference, as Markdown."""
    out = [
        "# Format reference",
        "",
        "<!-- Generated by `python -m dossier.reference` from the declarations in dossier/; do not edit by hand. -->",
        "",
        "A dossier project is a folder holding `content/` (and, optionally, `templates/`). Every record lives in its",
        "own file, and **the file's name without its extension is the record's id**: lowercase letters, digits and",
        "single hyphens (`naftali-bennett`, `2022-02-27-bennett-putin-call`). Unknown keys are errors (they are",
        f"usually typos). A list holds at most {MAX_ITEMS} entries. Text is YAML: quote a value that YAML would read",
        'as something else (`"2022-02-27"`, `"12:00"`, `"yes"`).',
        "",
        "```",
        "content/dossier.yaml          the dossier: title, as-of date, bottom line, key points",
        "content/events/ID.yaml        one event per file",
        "content/actors/ID.yaml        one actor (person, organisation, state, place) per file",
        "content/articles/ID.md        one cleaned source article per file: front matter + its own text",
        "content/pages/ID.md           optional: free pages (About, Methodology), linked from every page's footer",
        "content/raw/                  the original captures, unchanged",
        "templates/                    optional: your own templates, overriding the default theme file by file",
        "```",
        "",
        "## Records",
        "",
    ]
    for record_type in every_type():
        out += [*_record_type(record_type), ""]
    out += [
        "Actor kinds: " + ", ".join(f"`{k}` ({v.lower()})" for k, v in ACTOR_KIND_LABELS.items()) + ".",
        "Event kinds: " + ", ".join(f"`{k}`" for k in EVENT_KINDS) + ".",
        "",
        "## Dates",
        "",
        f"A date is written {DATE_FORMS}; YAML may hand it over as a date, and both are accepted. Its precision is",
        'shown as written ("2021", "Oct 2021", "27 Feb 2022"); `approximate: true` shows it as "c. Oct 2021". A date',
        'a source gives relatively ("last Friday", "early March") is resolved against the article\'s date and marked',
        "approximate when it is not exact. `end` may not be before `date`, nor a role's `to` before its `from`.",
        "",
        "**Order.** The timeline shows events by day, then by `time` (events of a day without a time after those",
        'with one); an event known only to the month closes its month, under "February 2022 — day not given", and one',
        "known only to the year closes its year, because nothing says it came first. `after: [ids]` says that the",
        "sources place an event after others: it is honoured without inventing a date, may not contradict the dates",
        "(or the times of one day) and may not go round in a circle. Ties go by id.",
        "",
        "## Statuses",
        "",
        "| status | means |",
        "| --- | --- |",
        *(f"| `{status}` | {meaning} |" for status, meaning in STATUS_MEANINGS.items()),
        "",
        "Sources that only differ in detail (wording, time of day, how precise, a photo caption against the text) do",
        "not make an event disputed: keep its status and say in a source's `note` how they differ. A disputed event",
        "says what is in dispute and who says what: two or more of its sources carry the same `aspect` (the fact) and",
        'each a short `says` (its account). Its page opens with "Who says what" and the overview lists it among the',
        "open questions.",
        "",
        "## Links in Markdown",
        "",
        "| link | leads to |",
        "| --- | --- |",
        "| `[text](https://…)`, `http://…`, `mailto:…` | the address |",
        *(f"| `[text]({t.name}:ID)` | the {t.name}'s page |" for t in every_type() if t is not DOSSIER),
        '| `[text](article:ID "exact words")` | that passage of the article, highlighted, checked like a quote |',
        "| `[text](source:N)` | in an event's summary, notes and `says`: the passage of its N-th source |",
        "",
        "Every other link (`javascript:`, relative paths) is an error; images are not supported; raw HTML is shown",
        "as text. An article's caption block keeps a photo caption, once:",
        "",
        "```markdown",
        "::: caption",
        "RUSSIAN PRESIDENT Vladimir Putin meets with Prime Minister Naftali Bennett in Sochi last month.",
        ":::",
        "```",
        "",
        "## Checks",
        "",
        "`dossier check` (and `build`, and `serve` on every save) reads every file, checks each against its keys,",
        "then runs the whole-project checks in this order, and lists every problem as `path:line:column: error: …`",
        "(or `warning: …`):",
        "",
        *(f"- **{name}**: {' '.join((run.__doc__ or '').split())}" for name, run in CHECKS),
        "",
        "## Drafts and warnings",
        "",
        "`draft: true` makes an event, actor, article or page a draft: `dossier check` and `dossier build` leave it out",
        "(of the pages, the exports and the search index alike) and say which they left out; `dossier serve` shows it,",
        "marked as a draft on its own page and in every list. A draft is checked like any record, but may be",
        "incomplete the way `dossier new` leaves one: a list may be shorter than it must be to publish the record (an",
        "event's `sources: []`). A published record may not refer to a draft, since the link would lead nowhere: that",
        "is an error (in the preview, which shows drafts, a warning); publish the draft or remove the reference.",
        "`dossier new` and `dossier import` write drafts.",
        "",
        "Warnings do not stop a build: placeholder text left in a published record (a paragraph starting with",
        "`TODO:`, as `dossier new` and `dossier import` write them), a file or folder in `content/` that is not read",
        "(editor backups and hidden files aside), an event's link to the top of an article, a link to an actor the",
        "event does not list. `--strict` (on `check` and `build`) makes them errors. A build without `base_url` ends with",
        "a `note:` saying what it left out (the sitemap, the feed, the canonical links), not a warning, so `--strict` lets",
        "it pass: a new dossier has no public address yet.",
        "",
        "## Pages and templates",
        "",
        "Templates are plain Jinja (autoescaped, strict about undefined variables). A project's `templates/` overrides",
        "the default theme file by file (see [Themes](#themes)). Every page template gets:",
        "",
        *(f"- `{name}`: {text}" for name, text in COMMON_VARIABLES.items()),
        "",
        "| page | template | what it shows |",
        "| --- | --- | --- |",
        *(f"| `{url}` | `{name}` | {text} |" for name, (url, text) in TEMPLATES.items()),
        "",
        "Exports (see docs/exports.md):",
        "",
        "| file | what |",
        "| --- | --- |",
        *(f"| `{path}` | {text} |" for path, text in EXPORTS.items()),
        "",
        "Filters: " + "; ".join(f"`{name}`, {text}" for name, text in FILTERS.items()) + ".",
        "",
        "Functions: " + "; ".join(f"`{name}`: {text}" for name, text in GLOBALS.items()) + ".",
        "",
        *_themes(),
    ]
    return "\n".join(out)


def _themes() -> list[str]:
    languages = ", ".join(f"`{code}` ({catalog.name})" for code, catalog in CATALOGS.items())
    return [
        "## Themes",
        "",
        "A project's `templates/NAME` replaces the default theme's `NAME`, and `templates/static/FILE` its static file",
        f"`FILE`. The default theme stays reachable by name under `{DEFAULT_THEME}/`, so a project can change the look without",
        f"copying the theme: its `templates/base.html` extends `{DEFAULT_THEME}/base.html` and overrides only some blocks,",
        'and every page of the theme (which extends `base.html`) gets them. Writing `{% extends "base.html" %}` there',
        f"would extend the file itself (the build says so). Any other template works the same way (`{DEFAULT_THEME}/partials/…`).",
        "",
        "```jinja",
        "{# templates/base.html #}",
        f'{{% extends "{DEFAULT_THEME}/base.html" %}}',
        '{% block styles %}<link rel="stylesheet" href="{{ root }}static/extra.css">{% endblock %}',
        '{% block footer %}{{ super() }}<p class="wrap">Edited by the desk.</p>{% endblock %}',
        "```",
        "",
        "with the stylesheet in `templates/static/extra.css`. The blocks of `base.html`, in page order",
        "(`{{ super() }}` keeps the theme's content of a block):",
        "",
        *(f"- `{name}`: {text}" for name, text in BLOCKS.items()),
        "",
        "The search index is `site/pagefind/`. A dossier of more than "
        f"{PART_PAGES:,} event, actor and article pages is indexed in parts",
        f"of at most {PART_PAGES:,} pages, each by its own Pagefind (its memory grows with what it indexes at once), cut by",
        'the date the search sorts by: `pagefind/dossier-parts.json` lists their folders, oldest first (`["", "part-2/", …]`;',
        '`[""]` for one index). A theme\'s own search page loads `pagefind.js` from each folder and puts their answers',
        "together as the default theme's `static/search.js` does: filter counts added up, results by score or, sorted by",
        "date, one part's after the other's. Ranking by best match is each part's own, so its order can differ a little",
        "from one index's; the results and their counts are the same, and sorted by date they come in date order. Pages",
        "of other kinds that a theme marks for the index (`data-pagefind-body`) go with the first part. Pagefind's own",
        "UIs, which its bundle also holds (`pagefind-ui.js`), search only the part they are in. In `dossier serve`, the",
        "search index follows the pages; on a first run, until it is made, the preview answers `dossier-parts.json` with",
        "503 (the default search page then says the index is coming) and reloads the search page when it is in.",
        "",
        "## Languages",
        "",
        "`language` in `content/dossier.yaml` is the language of the content, and of the interface around it: the",
        "theme's words, the month names and the dates (`27 בפבר׳ 2022` in Hebrew), the timeline's headings, the status",
        f"meanings and the search page. Built in: {languages}; any other language shows the interface in English. A",
        "language written right to left (" + ", ".join(f"`{code}`" for code in sorted(RIGHT_TO_LEFT)) + ")",
        'gets `dir="rtl"` on every page, and the theme\'s layout mirrors. Content is never translated; `datetime`',
        "attributes keep their ISO dates, and the data exports their English labels (`when`, a date's `label`; a cited",
        "passage's `label` is the one its article page shows). In a template,",
        '`{{ _("text") }}` shows a text of the catalog in the dossier\'s language (the text itself when the catalog',
        "lacks it), and the date filters follow the language.",
        "",
    ]


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET
    target.write_text(reference(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
