"""Registry: a record type is one declaration; everything else (load, check, links, pages, schemas) follows from it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dossier import registry
from dossier.build import build
from dossier.registry import RecordType
from dossier.schema import Field, ids
from dossier.schema_json import json_schema
from tests.helpers import SAMPLE, run_main

# A toy record type: memos, with a title, a date, the actors they concern and sources like an event's.
MEMO = RecordType(
    "memo",
    "memos",
    (
        Field("title", "text", "what the memo is about", True),
        Field("date", "date", "when it was written"),
        ids("actors", "actor", "who it concerns"),
        Field("summary", "markdown", "what it says"),
        Field("sources", "list", "passages it rests on", item=registry.SOURCE),
    ),
    template="memo.html",
)
MEMO_TEMPLATE = """{% extends "base.html" %}
{% block title %}{{ memo.title }}{% endblock %}
{% block main %}<h1>{{ memo.title }}</h1><p class="date">{{ memo.date.label() }}</p>
<ul>{% for actor in memo.actors|lookup(site.actor) %}<li><a href="{{ actor|url }}">{{ actor.name }}</a></li>{% endfor %}</ul>
{{ memo.summary|md }}{% endblock %}
"""


@pytest.fixture
def with_memos(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.TYPES, "memo", MEMO)  # the one declaration


def memo_project(tmp_path: Path, memo: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    (project / "content/memos").mkdir()
    (project / "content/memos/briefing.yaml").write_text(memo, encoding="utf-8")
    (project / "templates").mkdir()
    (project / "templates/memo.html").write_text(MEMO_TEMPLATE, encoding="utf-8")
    event = project / "content/events/2022-02-27-call.yaml"
    event.write_text(event.read_text().replace("offered to mediate.", "offered to mediate ([memo](memo:briefing))."))
    return project


GOOD_MEMO = """\
title: Briefing on the call
date: 2022-02-28
actors: [alice-example]
summary: Written after [the call](event:2022-02-27-call).
sources:
  - article: gazette-2022-02-28-offer
    quote: "Alice Example spoke with Bob Sample by phone on Sunday"
"""


@pytest.mark.usefixtures("with_memos")
def test_a_new_record_type_is_loaded_checked_linked_and_rendered(tmp_path: Path) -> None:
    project = memo_project(tmp_path, GOOD_MEMO)
    assert run_main("-C", str(project), "check").stdout == (
        "no problems found in 11 records (3 events, 4 actors, 2 articles, 1 page, 1 memo)\n"
    )
    out = tmp_path / "site"
    build(project, out, search=False)
    page = (out / "memos/briefing/index.html").read_text(encoding="utf-8")
    assert "<h1>Briefing on the call</h1>" in page and '<p class="date">28 Feb 2022</p>' in page
    assert '<a href="../../actors/alice-example/">Alice Example</a>' in page
    assert '<a href="../../events/2022-02-27-call/">the call</a>' in page
    event_page = (out / "events/2022-02-27-call/index.html").read_text(encoding="utf-8")
    assert '<a href="../../memos/briefing/">memo</a>' in event_page


@pytest.mark.usefixtures("with_memos")
def test_a_new_record_type_gets_the_same_checks(tmp_path: Path) -> None:
    memo = GOOD_MEMO.replace("[alice-example]", "[alice-exampel]").replace("Bob Sample by phone", "Bob by phone")
    project = memo_project(tmp_path, memo)
    (project / "content/memos/second.yaml").write_text("title: Second\ndate: 2022-02-30\nauthor: me\n", encoding="utf-8")
    event = project / "content/events/2022-02-27-call.yaml"
    event.write_text(event.read_text().replace("(memo:briefing)", "(memo:brefing)"))
    result = run_main("-C", str(project), "check")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "content/events/2022-02-27-call.yaml:7:10: error: unknown memo 'brefing' in link (did you mean 'briefing'?)",
        "content/memos/briefing.yaml:3:10: error: unknown actor 'alice-exampel' (did you mean 'alice-example'?)",
        "content/memos/briefing.yaml:7:12: error: quote not found in article 'gazette-2022-02-28-offer': "
        '"Alice Example spoke with Bob by phone on Sunday" (closest: "Prime Minister Alice Example spoke with Bob Sample by '
        'phone on Sunday, offeri..."); copy the words exactly from one paragraph of the article (spaces, quote marks and '
        "dashes may differ)",
        "content/memos/second.yaml:2:7: error: 'date': '2022-02-30' is not a real calendar date (Feb 2022 has 28 days)",
        "content/memos/second.yaml:3:1: error: unknown key 'author' (did you mean 'actors'?)",
        "5 errors found; nothing was written",
    ]


@pytest.mark.usefixtures("with_memos")
def test_a_new_record_type_has_a_json_schema() -> None:
    schema = json_schema("memo")
    assert schema["title"] == "dossier: a memo"
    assert schema["required"] == ["title"]
    assert set(schema["properties"]) == {"title", "date", "actors", "summary", "sources"}
    json.dumps(schema)


def test_without_the_declaration_memo_links_are_refused(tmp_path: Path) -> None:
    project = memo_project(tmp_path, GOOD_MEMO)
    result = run_main("-C", str(project), "check")
    assert result.stderr.splitlines()[0] == (
        "content/events/2022-02-27-call.yaml:7:10: error: link 'memo:briefing' is not allowed; "
        "use an https://, http:// or mailto: address, or event:ID, actor:ID, article:ID, page:ID"
    )
