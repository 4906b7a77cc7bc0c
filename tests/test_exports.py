"""Exports: dossier.json validates against its published schema and resolves every link, the CSVs have a row per
record and open as text in a spreadsheet, a project adds or replaces an export with a template, and hostile text
comes out inert."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import icalendar
import jsonschema
import pytest

from dossier.build import build, check
from dossier.exports import csv_bytes, inert, json_lines, json_pieces
from dossier.model import link_records
from tests.helpers import SAMPLE, run_main
from tests.test_render import PAYLOAD, hostile_project

REPO = Path(__file__).parent.parent
FIRST = link_records(check(REPO))


def load_json(site: Path, name: str) -> dict:
    return json.loads((site / "data" / name).read_text(encoding="utf-8"))


def validator(site: Path) -> jsonschema.Draft202012Validator:
    schema = load_json(site, "dossier.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def rows(site: Path, name: str) -> list[dict[str, str]]:
    data = (site / "data" / name).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark that makes Excel read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_dossier_json_of_the_first_dossier_validates_against_its_published_schema(first_dossier: Path) -> None:
    data = load_json(first_dossier, "dossier.json")
    validator(first_dossier).validate(data)
    assert data["$schema"] == "dossier.schema.json"
    assert [e["id"] for e in data["events"]] == [e.id for e in FIRST.events]  # the site's one order
    assert [a["id"] for a in data["actors"]] == [a.id for a in FIRST.actors]
    assert [a["id"] for a in data["articles"]] == [a.id for a in FIRST.articles]
    assert [t["id"] for t in data["tags"]] == list(FIRST.tags)
    assert data["dossier"]["title"] == FIRST.dossier.title
    assert data["dossier"]["as_of"] == {
        "written": "2022-04", "label": "Apr 2022", "precision": "month", "time": None, "start": "2022-04-01", "end": "2022-04-30",
    }  # fmt: skip
    for record, article in zip(data["articles"], FIRST.articles, strict=True):
        assert record["body"]["markdown"] == article.body  # the article's own text, whole
        assert record["file"] == article.path and record["page"] == f"articles/{article.id}/"


def test_json_exports_put_one_record_on_a_line() -> None:
    data = {"b": [1, {"y": "é", "x": [2]}], "a": "t", "c": []}
    text = json_lines(data)
    assert text == b'{\n"a": "t",\n"b": [\n1,\n{"x": [2], "y": "\xc3\xa9"}\n],\n"c": []\n}\n'
    assert json.loads(text) == data
    assert json_lines({"z": 1, "a": 2}, sort_keys=False).startswith(b'{\n"z": 1,')
    made: list[int] = []

    def records() -> Iterator[dict[str, int]]:  # made one at a time, as the file is written
        for number in (1, 2):
            made.append(number)
            yield {"n": number}

    assert json_lines({"b": records(), "a": iter([])}) == b'{\n"a": [],\n"b": [\n{"n": 1},\n{"n": 2}\n]\n}\n'
    assert made == [1, 2] and json_lines({}) == b"{\n\n}\n"
    pieces = json_pieces({"b": records(), "a": 1})  # what a Streamed export writes: nothing made before it is asked
    assert made == [1, 2] and next(pieces) == b"{\n" and made == [1, 2]
    assert b"".join(pieces) == b'"a": 1,\n"b": [\n{"n": 1},\n{"n": 2}\n]\n}\n' and made == [1, 2, 1, 2]


def test_the_schema_refuses_what_the_export_does_not_write(first_dossier: Path) -> None:
    data = load_json(first_dossier, "dossier.json")
    check_data = validator(first_dossier)
    drifted = copy.deepcopy(data)
    drifted["events"][0]["sources"][0]["page"] = "x"  # a key the schema does not describe
    with pytest.raises(jsonschema.ValidationError, match="'page' was unexpected"):
        check_data.validate(drifted)
    wrong = copy.deepcopy(data)
    wrong["events"][0]["status"] = "rumoured"
    with pytest.raises(jsonschema.ValidationError, match="'rumoured' is not one of"):
        check_data.validate(wrong)


def test_every_link_and_passage_in_dossier_json_lands_on_a_page_and_anchor_that_exist(first_dossier: Path) -> None:
    data = load_json(first_dossier, "dossier.json")
    urls: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("url", "page") and isinstance(item, str):
                    urls.append(item)
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(data)
    anchors = 0
    for url in urls:
        page, _, anchor = url.partition("#")
        html_file = first_dossier / page / "index.html"
        assert html_file.is_file(), url
        if anchor:
            assert f'id="{anchor}"' in html_file.read_text(encoding="utf-8"), url
            anchors += 1
    assert anchors > 150  # every source, role and passage link
    venue = next(e for e in data["events"] if e["status"] == "disputed")
    assert venue["disputes"] and all(len(d["sources"]) >= 2 for d in venue["disputes"])
    summary_links = [link for e in data["events"] if e["summary"] for link in e["summary"]["links"]]
    assert {link["kind"] for link in summary_links} >= {"article", "event", "source"}
    assert all(link["url"] for link in summary_links)


def test_with_a_base_url_the_exports_link_to_absolute_addresses(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(SAMPLE, out, search=False, base_url="https://example.org/d/")
    data = load_json(out, "dossier.json")
    validator(out).validate(data)
    assert data["$schema"] == "https://example.org/d/data/dossier.schema.json"
    assert load_json(out, "dossier.schema.json")["$id"] == "https://example.org/d/data/dossier.schema.json"
    assert data["events"][1]["page"] == "https://example.org/d/events/2022-02-27-call/"
    assert rows(out, "events.csv")[1]["page"] == "https://example.org/d/events/2022-02-27-call/"


def test_the_csvs_have_one_row_per_record_id_first_and_open_cleanly(first_dossier: Path) -> None:
    events = rows(first_dossier, "events.csv")
    actors = rows(first_dossier, "actors.csv")
    assert [row["id"] for row in events] == [e.id for e in FIRST.events]
    assert [row["id"] for row in actors] == [a.id for a in FIRST.actors]
    raw = (first_dossier / "data/events.csv").read_bytes()
    assert (
        raw.split(b"\r\n")[0]
        == b"\xef\xbb\xbfid,date,end_date,time,approximate,when,start,end,title,kind,status,actors,places,actor_ids,tags,summary,sources,source_ids,after,page"
    )
    assert raw.endswith(b"\r\n") and raw.replace(b"\r\n", b"").count(b"\r") == 0  # CRLF ends every record
    call = next(row for row in events if row["id"] == "2022-02-27-bennett-putin-call")
    assert call["date"] == "2022-02-27" and call["start"] == call["end"] == "2022-02-27"
    assert "Naftali Bennett; Vladimir Putin" in call["actors"]
    assert call["page"] == "events/2022-02-27-bennett-putin-call/"
    month = next(row for row in events if row["id"] == "2022-03-istanbul-talks")
    assert (month["date"], month["when"], month["start"], month["end"]) == ("2022-03", "c. Mar 2022", "2022-03-01", "2022-03-31")
    bennett = next(row for row in actors if row["id"] == "naftali-bennett")
    assert int(bennett["events"]) == len(FIRST.actor_events["naftali-bennett"])
    assert bennett["start"] <= bennett["end"]


def test_csv_quotes_as_rfc_4180_says_and_no_cell_can_run_as_a_formula() -> None:
    assert [inert(c) for c in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", "", "2022-02")] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "a=b", "", "2022-02",
    ]  # fmt: skip
    data = csv_bytes(("id", "text"), [["a", 'say "hi", then\nleave'], ["b", '=HYPERLINK("http://x")']])
    assert data == b'\xef\xbb\xbfid,text\r\na,"say ""hi"", then\nleave"\r\nb,"\'=HYPERLINK(""http://x"")"\r\n'


def test_a_project_adds_an_export_with_a_template_and_replaces_a_built_in_one(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(SAMPLE, project)
    exports = project / "templates/exports"
    exports.mkdir(parents=True)
    (exports / "events.md").write_text(
        "# {{ site.dossier.title }}\n{% for event in site.events %}\n- {{ event|when }}: {{ event.title }} & more\n{% endfor %}\n"
    )
    (exports / "events.csv").write_text("id\n{% for event in site.events %}{{ event.id }}\n{% endfor %}")
    (exports / ".events.md.swp").write_text("editor noise")
    out = tmp_path / "site"
    result = run_main("-C", str(project), "build", "--no-search", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "data/events.md").read_text() == (
        "# Sample dossier: a mediation offer\n"
        "- 2021 – Jan 2022: Examplia sends aid & more\n"  # not HTML: no &amp;
        "- 27 Feb 2022: Alice Example offers Bob Sample mediation in a phone call & more\n"
        "- c. Feb 2022: Capital City proposed as a venue & more\n"
    )
    assert (out / "data/events.csv").read_text() == "id\n2021-aid\n2022-02-27-call\n2022-02-disputed-venue\n"
    assert sorted(p.name for p in (out / "data").iterdir()) == [
        "actors.csv", "dossier.json", "dossier.schema.json", "events.csv", "events.ics", "events.md", "timeline.json",
    ]  # fmt: skip


def test_an_error_in_an_export_template_is_located(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(SAMPLE, project)
    (project / "templates/exports").mkdir(parents=True)
    (project / "templates/exports/list.txt").write_text("{% for event in site.events %}\n{{ event.nope }}\n{% endfor %}\n")
    result = run_main("-C", str(project), "build", "--no-search", "--out", str(tmp_path / "site"))
    assert (result.returncode, result.stderr) == (
        1,
        "templates/exports/list.txt:2:1: error: template error: 'dossier.records.Event object' has no attribute 'nope'; "
        "fix this line of the template\n1 error found; nothing was written\n",
    )


def test_the_hostile_projects_exports_are_inert(make_project: Callable[[dict[str, str | bytes]], Path], tmp_path: Path) -> None:
    files = hostile_project()
    files["content/events/f.yaml"] = (
        'title: \'=HYPERLINK("https://evil.example","click")\'\ndate: 2022-02\nkind: other\nstatus: reported\n'
        "actors: [a]\nsummary: '+cmd|'' /C calc''!A0'\nsources:\n  - article: r\n    quote: 'window.__pwned=1'\n"
    )
    root = make_project(files)
    out = tmp_path / "site"
    build(root, out, search=False)
    data = load_json(out, "dossier.json")
    validator(out).validate(data)
    event = next(e for e in data["events"] if e["id"] == "e")
    assert event["title"] == PAYLOAD  # kept as data, exactly
    assert "<script" not in event["summary"]["html"] and "&lt;script&gt;" in event["summary"]["html"]
    for name in ("events.csv", "actors.csv"):
        for row in rows(out, name):
            for cell in row.values():
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    formula = next(row for row in rows(out, "events.csv") if row["id"] == "f")
    assert formula["title"] == '\'=HYPERLINK("https://evil.example","click")'
    assert formula["summary"] == "'+cmd|' /C calc'!A0"
    timeline = (out / "data/timeline.json").read_text(encoding="utf-8")
    assert not re.search(r"<(script|svg|img)\b", timeline, re.IGNORECASE)  # every text HTML-escaped
    calendar = icalendar.Calendar.from_ical((out / "data/events.ics").read_bytes())  # escaped: the text reads back whole
    assert {str(v["UID"]): str(v["SUMMARY"]) for v in calendar.walk("VEVENT")} == {
        "e@dossier": PAYLOAD,
        "f@dossier": '=HYPERLINK("https://evil.example","click")',  # a calendar runs no formulas
    }
