"""Check: validate every loaded file and the links between them; return typed records or every problem.

Runs the schema on each file, then the whole-project checks: file names are valid
ids and unique, every reference and record link resolves (with a did-you-mean),
only safe links are used, every quote occurs in the cited article, raw captures
exist and date ranges run forwards. Pure: it reads nothing from disk.
"""

from __future__ import annotations

import re
from collections import defaultdict
from difflib import get_close_matches
from typing import Any

from dossier import markup
from dossier.errors import Location, Problem
from dossier.load import Project, SourceFile
from dossier.records import Actor, Article, Citation, Dossier, Event, KeyPoint, Records, Role
from dossier.schema import ID_RE, Findings, Ref, slugify, validate

_WORDS = re.compile(r"\w+")
_PLURAL = {"event": "events", "actor": "actors", "article": "articles"}


def check_project(project: Project) -> tuple[Records | None, list[Problem]]:
    """All problems of the project, and its records when there are none."""
    found = Findings()
    known: dict[str, set[str]] = defaultdict(set)
    clean: list[tuple[SourceFile, dict[str, Any]]] = []
    seen: dict[tuple[str, str], str] = {}
    for source in project.files:
        if source.kind != "dossier":
            _check_id(source, seen, found.problems)
            known[source.kind].add(source.id)
        values = validate(source, found)
        if values is not None:
            clean.append((source, values))
    records = _records(clean)
    for ref in found.refs:
        _resolve(ref, known, found.problems)
    for text, location, exact in found.markdown:
        _check_links(text, location, known, found.problems, exact)
    for article in records[2]:
        _check_links(article.body, Location(article.path, article.body_line), known, found.problems, exact=True)
    for source, values in clean:
        if source.kind == "article" and values["raw"] is not None and values["raw"] not in project.raw_names:
            found.problems.append(
                Problem(
                    source.at("raw"),
                    f"raw capture '{values['raw']}' not found in content/raw/; put the original file there or remove 'raw'",
                )
            )
    _check_quotes(records, found.problems)
    _check_ranges(clean, found.problems)
    dossier = records[0]
    if found.problems or dossier is None:
        return None, sorted(found.problems)
    return Records(
        dossier,
        tuple(sorted(records[1], key=lambda e: e.id)),
        tuple(sorted(records[3], key=lambda a: a.id)),
        tuple(sorted(records[2], key=lambda a: a.id)),
    ), []


def _check_id(source: SourceFile, seen: dict[tuple[str, str], str], problems: list[Problem]) -> None:
    if not ID_RE.match(source.id):
        suffix = source.path.rsplit(".", 1)[-1]
        problems.append(
            Problem(
                Location(source.path),
                f"file name '{source.id}' is not a valid id; rename the file to '{slugify(source.id)}.{suffix}' (lowercase letters, digits and single hyphens)",
            )
        )
    other = seen.setdefault((source.kind, source.id), source.path)
    if other != source.path:
        problems.append(
            Problem(
                Location(source.path),
                f"duplicate {source.kind} id '{source.id}': {other} has the same id; keep only one of the two files",
            )
        )


def _resolve(ref: Ref, known: dict[str, set[str]], problems: list[Problem], how: str = "") -> None:
    if ref.id in known[ref.kind]:
        return
    close = get_close_matches(ref.id, sorted(known[ref.kind]), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f"; no file content/{_PLURAL[ref.kind]}/{ref.id}.* exists"
    problems.append(Problem(ref.location, f"unknown {ref.kind} '{ref.id}'{how}{hint}"))


def _check_links(text: str, location: Location, known: dict[str, set[str]], problems: list[Problem], exact: bool = False) -> None:
    for href, line in markup.links(text):
        where = Location(location.path, location.line + line, location.column) if exact else location
        if href.startswith("image:"):
            problems.append(Problem(where, "images are not supported in Markdown text; link to the image instead"))
            continue
        target = markup.link_target(href)
        if target is None:
            problems.append(
                Problem(
                    where,
                    f"link '{href}' is not allowed; use an https://, http:// or mailto: address, or actor:ID, event:ID, article:ID",
                )
            )
        elif target[0] != "web":
            _resolve(Ref(target[0], target[1], where), known, problems, how=" in link")


def _check_quotes(records: tuple[Any, list[Event], list[Article], list[Actor]], problems: list[Problem]) -> None:
    articles = {a.id: a for a in records[2]}
    citations = [c for e in records[1] for c in e.sources]
    citations += [r.source for a in records[3] for r in a.roles if r.source is not None]
    for citation in citations:
        article = articles.get(citation.article)
        if len(_WORDS.findall(citation.quote)) < 2:
            problems.append(
                Problem(citation.location, "quote is too short to point at one passage; quote at least two words of the article")
            )
        elif article is None:
            continue  # an unknown article is reported as such; a broken one has its own problems
        elif markup.find_quote(article.body, citation.quote) is None:
            shown = citation.quote if len(citation.quote) <= 80 else citation.quote[:77] + "..."
            problems.append(
                Problem(
                    citation.location,
                    f"quote not found in article '{article.id}': \"{shown}\"; copy the words exactly from one paragraph of the article (spaces, quote marks and dashes may differ)",
                )
            )


def _check_ranges(clean: list[tuple[SourceFile, dict[str, Any]]], problems: list[Problem]) -> None:
    for source, values in clean:
        pairs: list[tuple[tuple[str | int, ...], str, str]] = [((), "date", "end")] if source.kind == "event" else []
        if source.kind == "actor":
            pairs = [(("roles", index), "from", "to") for index in range(len(values["roles"]))]
        for path, first_key, last_key in pairs:
            holder: Any = values
            for part in path:
                holder = holder[part]
            first, last = holder.get(first_key), holder.get(last_key)
            if first is not None and last is not None and last.latest() < first.earliest():
                problems.append(
                    Problem(
                        source.at(*path, last_key),
                        f"'{last_key}' ({last.iso()}) is before '{first_key}' ({first.iso()}); swap them or correct one",
                    )
                )


def _citation(values: dict[str, Any], source: SourceFile, *path: str | int) -> Citation:
    return Citation(values["article"], values["quote"], values.get("note"), source.at(*path, "quote"))


def _with_slash(url: str | None) -> str | None:
    """A base URL ends with a slash, so that page paths can be appended to it."""
    return url if url is None or url.endswith("/") else url + "/"


def _records(clean: list[tuple[SourceFile, dict[str, Any]]]) -> tuple[Dossier | None, list[Event], list[Article], list[Actor]]:
    dossier: Dossier | None = None
    events: list[Event] = []
    articles: list[Article] = []
    actors: list[Actor] = []
    for source, v in clean:
        if source.kind == "dossier":
            points = tuple(KeyPoint(p["text"], tuple(p["events"])) for p in v["key_points"])
            dossier = Dossier(
                v["title"], v["as_of"], v["summary"], v["subtitle"], v["language"] or "en", _with_slash(v["base_url"]), points
            )
        elif source.kind == "event":
            sources = tuple(_citation(s, source, "sources", i) for i, s in enumerate(v["sources"]))
            events.append(
                Event(
                    source.id,
                    v["title"],
                    v["date"],
                    v["kind"],
                    v["status"],
                    sources,
                    v["end"],
                    bool(v["approximate"]),
                    tuple(v["actors"]),
                    tuple(v["tags"]),
                    v["summary"] or "",
                    source.path,
                )
            )
        elif source.kind == "actor":
            roles = tuple(
                Role(
                    r["title"], r["from"], r["to"], _citation(r["source"], source, "roles", i, "source") if r["source"] else None
                )
                for i, r in enumerate(v["roles"])
            )
            actors.append(
                Actor(
                    source.id,
                    v["name"],
                    v["kind"],
                    tuple(v["aliases"]),
                    v["summary"] or "",
                    roles,
                    tuple(v["affiliations"]),
                    source.path,
                )
            )
        else:
            articles.append(
                Article(
                    source.id,
                    v["title"],
                    source.body,
                    v["subtitle"],
                    v["outlet"],
                    v["author"],
                    v["published"],
                    v["updated"],
                    v["url"],
                    v["raw"],
                    v["notes"],
                    source.path,
                    source.body_line,
                )
            )
    return dossier, events, articles, actors
