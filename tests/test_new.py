"""dossier new and dossier schema: ids from titles in any script, required keys, never overwriting, the $schema line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml

from dossier.build import BuildReport, check
from dossier.cli import main
from dossier.errors import DossierError, EditorError
from dossier.new import DRAFT_LINE, new_record
from dossier.schema_json import json_schema
from dossier.slugs import slug
from tests.test_schema import LanguageServerLoader

TODAY = dt.date(2024, 5, 6)
DOSSIER = "title: T\nas_of: 2022-04-21\nsummary: S\n"


@pytest.fixture
def project(make_project: Callable[[dict[str, str | bytes]], Path]) -> Path:
    return make_project({"content/dossier.yaml": DOSSIER})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bennett offers Putin mediation", "bennett-offers-putin-mediation"),
        ("Владимир Зеленский", "vladimir-zelenskiy"),
        ("Сергей Лавров", "sergey-lavrov"),
        ("נפתלי בנט", "nftly-vnt"),  # Hebrew writes no vowels: a readable skeleton; --id gives a better one
        ("Zelensky’s “peace formula” — 10 points", "zelenskys-peace-formula-10-points"),
        ("Ćirić & Straße", "ciric-strasse"),
        ("!!!", ""),
    ],
)
def test_slug_transliterates_any_script(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_slug_is_cut_at_a_word() -> None:
    assert slug("one two three four", limit=13) == "one-two-three"


def test_new_event_is_a_draft_that_once_published_fails_check_only_for_its_source(project: Path) -> None:
    written = new_record(project, "event", "Bennett calls Putin", today=TODAY)
    assert written.path == project / "content/events/2024-05-06-bennett-calls-putin.yaml"
    text = written.path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/event.schema.json\ndraft: true ")
    data = yaml.safe_load(text)
    assert data["date"] == "2024-05-06" and data["kind"] == "other" and data["status"] == "reported"
    # A draft: left out, and as incomplete as it may be (no sources yet, placeholder text) without a word.
    report = BuildReport()
    assert check(project, report).events == ()
    assert (report.drafts_left_out, report.warnings) == (("content/events/2024-05-06-bennett-calls-putin.yaml",), [])
    schema = jsonschema.Draft7Validator(json_schema("event"))
    assert list(schema.iter_errors(yaml.load(text, Loader=LanguageServerLoader))) == []
    # Published as it is: its placeholder is a warning, its missing source an error.
    published = text.replace(DRAFT_LINE, "")
    written.path.write_text(published, encoding="utf-8")
    with pytest.raises(DossierError) as raised:
        check(project)
    assert [str(p) for p in raised.value.problems] == [
        "content/events/2024-05-06-bennett-calls-putin.yaml:9:10: warning: placeholder text left in 'summary': "
        '"TODO: what happened, in a few..."; write what happened, in a few sentences instead',
        "content/events/2024-05-06-bennett-calls-putin.yaml:10:10: error: 'sources' needs at least 1 item(s): passages that report the event",
    ]
    # The JSON Schema flags the missing source and nothing else.
    errors = list(schema.iter_errors(yaml.load(published, Loader=LanguageServerLoader)))
    assert [e.path[0] for e in errors] == ["sources"]


def test_new_event_with_a_partial_date_and_kind(project: Path) -> None:
    written = new_record(project, "event", "Istanbul talks", date="2022-03", record_kind="meeting", today=TODAY)
    assert written.path.name == "2022-03-istanbul-talks.yaml"
    text = written.path.read_text(encoding="utf-8")
    assert '\ndate: "2022-03"' in text  # quoted: YAML keeps it a month, as written
    assert yaml.safe_load(text)["kind"] == "meeting" and yaml.safe_load(text)["date"] == "2022-03"
    comments = [line.index(" # ") for line in text.splitlines() if " # " in line and not line.startswith("#")]
    assert len(comments) == 8 and set(comments) == {29}  # the kind's among them, in the same column whatever it is


@pytest.mark.parametrize(
    ("given", "written", "label"), [("2022", '"2022"', "2022"), ("2022-02-27", '"2022-02-27"', "27 Feb 2022")]
)
def test_new_event_dates_keep_their_precision_through_check(project: Path, given: str, written: str, label: str) -> None:
    path = new_record(project, "event", "Talks", date=given, today=TODAY).path
    text = path.read_text(encoding="utf-8")
    assert f"\ndate: {written} " in text
    path.write_text(text.replace("sources: []", "sources: [{article: a, quote: talks held}]"), encoding="utf-8")
    (project / "content/articles").mkdir()
    (project / "content/articles/a.md").write_text("---\ntitle: A\n---\nThe talks held.\n", encoding="utf-8")
    assert check(project, drafts=True).events[0].date.label() == label


def test_new_article_date_may_have_a_time(project: Path) -> None:
    written = new_record(project, "article", "Live blog", date="2022-02-27 10:00", today=TODAY)
    assert '\npublished: "2022-02-27 10:00"\n' in written.path.read_text(encoding="utf-8")
    published = check(project, drafts=True).articles[0].published
    assert published is not None and published.label() == "27 Feb 2022, 10:00"


def test_new_actor_and_article_pass_check(project: Path) -> None:
    actor = new_record(project, "actor", "Владимир Зеленский", today=TODAY)
    article = new_record(project, "article", 'Zelensky: "We are ready"', date="2022-02-27", today=TODAY)
    assert actor.path == project / "content/actors/vladimir-zelenskiy.yaml"
    assert yaml.safe_load(actor.path.read_text(encoding="utf-8"))["name"] == "Владимир Зеленский"
    assert article.path == project / "content/articles/zelensky-we-are-ready.md"
    assert article.schema is None
    report = BuildReport()
    assert check(project, report).of("actor") == check(project).articles == ()  # drafts, left out
    assert len(report.drafts_left_out) == 2 and report.warnings == []
    records = check(project, drafts=True)
    assert [a.title for a in records.articles] == ['Zelensky: "We are ready"'] and records.articles[0].draft
    assert records.articles[0].published is not None and records.articles[0].published.iso() == "2022-02-27"


@pytest.mark.parametrize(
    ("kind", "title", "options", "message"),
    [
        ("actor", "!!!", {}, "cannot make an id from '!!!'"),
        ("actor", "Ann", {"record_id": "Not An Id"}, "--id 'Not An Id' is not a valid id"),
        ("event", "X", {"record_kind": "phone"}, "--kind 'phone' is not a kind of event"),
        ("actor", "X", {"record_kind": "human"}, "--kind 'human' is not a kind of actor"),
        ("article", "X", {"record_kind": "news"}, "--kind is for events and actors"),
        ("event", "X", {"date": "2022-02-30"}, "--date: '2022-02-30' is not a real calendar date"),
        ("event", "X", {"date": "0000"}, "--date: '0000' is not a real calendar date"),
        ("article", "X", {"date": "0000-01-01 10:00"}, "--date: '0000-01-01 10:00' is not a real calendar date"),
        ("article", "X", {"date": "2022-02-27 25:00"}, "--date: '2022-02-27 25:00' is not a real time of day"),
        (
            "event",
            "X",
            {"date": "2022-02-27 10:00"},
            "--date: an event's date has no time of day; write YYYY, YYYY-MM or YYYY-MM-DD, got '2022-02-27 10:00'",
        ),
        ("event", "  ", {}, "the title (or name) is empty"),
    ],
)
def test_bad_input_writes_nothing(project: Path, kind: str, title: str, options: dict[str, str], message: str) -> None:
    with pytest.raises(EditorError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        new_record(project, kind, title, today=TODAY, **options)
    assert not any((project / "content").rglob("*.yaml")) or list((project / "content").rglob("*.yaml")) == [
        project / "content/dossier.yaml"
    ]
    assert not (project / "content/articles").exists()


def test_never_overwrites(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "content/actors/ann-example.yml"
    path.parent.mkdir(parents=True)
    path.write_text("name: Ann\nkind: person\n", encoding="utf-8")
    assert main(["-C", str(project), "new", "actor", "Ann Example"]) == 1
    assert capsys.readouterr().err == f"dossier: error: {path} already exists; edit it, or pick another id with --id\n"
    assert path.read_text(encoding="utf-8") == "name: Ann\nkind: person\n"


def test_cli_new_and_schema(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(project), "new", "actor", "Ann Example", "--kind", "organization"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        f"wrote {project / 'content/actors/ann-example.yaml'}",
        "next: fill it in; it is a draft until you remove 'draft: true' (dossier serve shows it, dossier build leaves it out)",
    ]
    assert out[2].startswith(f"note: {project / 'schemas/actor.schema.json'} does not exist yet; run 'dossier schema'")
    assert main(["-C", str(project), "schema"]) == 0
    assert capsys.readouterr().out.count("wrote ") == 5
    names = sorted(p.name for p in (project / "schemas").iterdir())
    assert names == ["actor.schema.json", "article.schema.json", "dossier.schema.json", "event.schema.json", "page.schema.json"]
    # The $schema line of a new record resolves to the written schema.
    line = (project / "content/actors/ann-example.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert (project / "content/actors" / line.split("=", 1)[1]).resolve() == (project / "schemas/actor.schema.json").resolve()
    assert main(["-C", str(project), "new", "event", "Talks", "--date", "2022"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"wrote {project / 'content/events/2022-talks.yaml'}",
        "next: fill in the actors, the summary and at least one source; it is a draft until you remove 'draft: true' "
        "(dossier serve shows it, dossier build leaves it out)",
    ]


def test_no_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(tmp_path), "new", "actor", "Ann"]) == 1
    assert "no content/ folder" in capsys.readouterr().err
