"""JSON Schemas: generated from the same specs as the checker, and they agree with it record by record.

The same good and bad records go to the JSON Schema (read the way the YAML language
server reads YAML: an unquoted date is a string) and to the checker's schema pass;
both must call each one valid, or both invalid. Semantic checks — real calendar
dates, ``end`` after ``date``, references, quotes — are the checker's alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from dossier.drafts import is_draft
from dossier.load import split_front_matter
from dossier.registry import by_name, every_type
from dossier.schema import Findings, validate
from dossier.schema_json import json_schema, schema_file
from dossier.source import SourceFile
from dossier.yamldoc import parse_yaml

REPO = Path(__file__).parent.parent


class LanguageServerLoader(yaml.SafeLoader):
    """YAML as the YAML language server (YAML 1.2) hands it to JSON Schema: no timestamp type."""


LanguageServerLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def schema_says(kind: str, text: str) -> bool:
    data = yaml.load(text, Loader=LanguageServerLoader)
    return jsonschema.Draft7Validator(json_schema(kind)).is_valid(data)


def checker_says(kind: str, text: str) -> bool:
    problems: list[Any] = []
    data, positions, keys, _ = parse_yaml("x.yaml", text, problems)
    found = Findings()
    source = SourceFile("x.yaml", kind, "x", data, positions, keys)
    validate(source, by_name(kind).fields, found, is_draft(source, by_name(kind)))
    return not problems and not found.problems


EVENT = """\
title: Bennett offers mediation
date: 2022-02-27
kind: call
status: reported
sources:
  - article: toi-liveblog
    quote: "Bennett proposes that Israel serve as a mediator"
"""
FULL_EVENT = """\
title: Bennett offers mediation
date: "2022-02-27"
end: 2022-03
approximate: true
kind: offer
actors: [naftali-bennett, vladimir-putin]
tags: [mediation]
status: confirmed
summary: Bennett [called](actor:vladimir-putin).
sources:
  - article: toi-liveblog
    quote: "Bennett proposes"
    note: The Kremlin readout differs.
"""
ACTOR = "name: Naftali Bennett\nkind: person\n"
FULL_ACTOR = """\
name: Naftali Bennett
kind: person
aliases: [Bennett]
summary: Prime minister.
roles:
  - title: Prime Minister of Israel
    from: 2021-06
    to: 2022
    source: {article: jpost, quote: "Prime Minister Naftali Bennett"}
affiliations: [israel]
"""
DOSSIER = "title: T\nas_of: 2022-04-21\nsummary: S\n"


def replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


# (case, kind, text, valid)
CASES = [
    ("valid minimal event", "event", EVENT, True),
    ("valid full event", "event", FULL_EVENT, True),
    ("valid bare year", "event", replace(EVENT, "2022-02-27", "2022"), True),
    ("valid year and month", "event", replace(EVENT, "2022-02-27", "2022-02"), True),
    ("valid empty optional key", "event", EVENT + "tags:\nsummary:\n", True),
    ("unknown key", "event", EVENT + "titel: typo\n", False),
    ("unknown key in a source", "event", EVENT + "    page: 3\n", False),
    ("missing required key", "event", replace(EVENT, "status: reported\n", ""), False),
    ("required key left empty", "event", replace(EVENT, "status: reported", "status:"), False),
    (
        "missing quote in a source",
        "event",
        replace(EVENT, '    quote: "Bennett proposes that Israel serve as a mediator"\n', ""),
        False,
    ),
    ("bad enum", "event", replace(EVENT, "kind: call", "kind: phone"), False),
    ("bad id in a list", "event", EVENT + "actors: [Naftali Bennett]\n", False),
    ("bad id of a cited article", "event", replace(EVENT, "toi-liveblog", "TOI_liveblog"), False),
    ("bad tag", "event", EVENT + "tags: [peace talks]\n", False),
    ("bad date form (day first)", "event", replace(EVENT, "2022-02-27", "27/02/2022"), False),
    ("bad date form (one-digit month)", "event", replace(EVENT, "2022-02-27", '"2022-2-27"'), False),
    ("bad date form (two-digit year)", "event", replace(EVENT, "2022-02-27", "22"), False),
    ("bad date form (month 13)", "event", replace(EVENT, "2022-02-27", "2022-13"), False),
    ("bad date form (time on a date)", "event", replace(EVENT, "2022-02-27", '"2022-02-27 10:00"'), False),
    ("wrong type (number for text)", "event", replace(EVENT, "title: Bennett offers mediation", "title: 42"), False),
    ("wrong type (string for bool)", "event", EVENT + 'approximate: "yes"\n', False),
    ("wrong type (string for list)", "event", EVENT + "actors: naftali-bennett\n", False),
    ("wrong type (list at the top)", "event", "- a\n- b\n", False),
    ("empty text", "event", replace(EVENT, "title: Bennett offers mediation", 'title: "  "'), False),
    ("empty sources list", "event", replace(EVENT, EVENT[EVENT.index("sources:") :], "sources: []\n"), False),
    (
        "a draft may have no sources yet",
        "event",
        replace(EVENT, EVENT[EVENT.index("sources:") :], "sources: []\ndraft: true\n"),
        True,
    ),
    (
        "not a draft: sources needed",
        "event",
        replace(EVENT, EVENT[EVENT.index("sources:") :], "sources: []\ndraft: false\n"),
        False,
    ),
    ("a draft is checked otherwise", "event", replace(EVENT, "kind: call", "kind: phone") + "draft: true\n", False),
    ("draft is true or false", "event", EVENT + "draft: yes please\n", False),
    ("the dossier is never a draft", "dossier", DOSSIER + "draft: true\n", False),
    ("valid page", "page", "title: About\ndraft: true\n", True),
    ("as many tags as an event may have", "event", EVENT + f"tags: [{', '.join(f't{i}' for i in range(20))}]\n", True),
    ("more tags than an event may have", "event", EVENT + f"tags: [{', '.join(f't{i}' for i in range(21))}]\n", False),
    ("valid minimal actor", "actor", ACTOR, True),
    ("valid full actor", "actor", FULL_ACTOR, True),
    ("bad actor kind", "actor", replace(ACTOR, "person", "human"), False),
    ("unknown key in a role", "actor", replace(FULL_ACTOR, "    to: 2022\n", "    until: 2022\n"), False),
    ("bad date form in a role", "actor", replace(FULL_ACTOR, "2021-06", "June 2021"), False),
    ("valid minimal dossier", "dossier", DOSSIER, True),
    (
        "valid full dossier",
        "dossier",
        DOSSIER + "language: he\nbase_url: https://x.org/\nkey_points:\n  - text: K\n    events: [e]\n",
        True,
    ),
    ("key point without events", "dossier", DOSSIER + "key_points:\n  - text: K\n    events: []\n", False),
    ("bad url", "dossier", DOSSIER + "base_url: ftp://x.org/\n", False),
    ("bad language", "dossier", DOSSIER + "language: English\n", False),
    ("missing as_of", "dossier", replace(DOSSIER, "as_of: 2022-04-21\n", ""), False),
    ("valid article, date and time", "article", 'title: T\npublished: "2022-01-19 16:40"\nupdated: 2022-01-19T17:27\n', True),
    ("valid article, url", "article", "title: T\nurl: https://example.org/a\nraw: a.txt\n", True),
    ("article, no such hour", "article", 'title: T\npublished: "2022-01-19 25:00"\n', False),
    ("article, url without scheme", "article", "title: T\nurl: example.org/a\n", False),
    ("article, unknown key", "article", "title: T\ndate: 2022-01-19\n", False),
]


@pytest.mark.parametrize(("case", "kind", "text", "valid"), CASES, ids=[c[0] for c in CASES])
def test_schema_and_checker_agree(case: str, kind: str, text: str, valid: bool) -> None:
    assert (schema_says(kind, text), checker_says(kind, text)) == (valid, valid), case


def test_calendar_validity_is_checked_by_the_checker_only() -> None:
    # A pattern cannot know February 2022 has 28 days: the schema lets it pass, `dossier check` does not.
    text = replace(EVENT, "2022-02-27", "2022-02-30")
    assert schema_says("event", text) is True
    assert checker_says("event", text) is False


@pytest.mark.parametrize("kind", [t.name for t in every_type()])
def test_schemas_are_valid_draft_07(kind: str) -> None:
    jsonschema.Draft7Validator.check_schema(json_schema(kind))
    assert json_schema(kind)["$schema"] == "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize("folder", ["dossier/schemas", "schemas"])
def test_written_schemas_are_up_to_date(folder: str) -> None:
    for kind in [t.name for t in every_type()]:
        path = REPO / folder / schema_file(kind)
        assert json.loads(path.read_text(encoding="utf-8")) == json_schema(kind), (
            f"{path} is stale; run: .venv/bin/dossier schema {folder}"
        )


def test_the_bundled_dossier_passes_the_schemas() -> None:
    content = REPO / "content"
    files = [("dossier", content / "dossier.yaml")]
    files += [(kind, p) for kind in ("event", "actor") for p in sorted((content / f"{kind}s").glob("*.yaml"))]
    files += [("article", p) for p in sorted((content / "articles").glob("*.md"))]
    for kind, path in files:
        text = path.read_text(encoding="utf-8")
        if kind == "article":
            split = split_front_matter(path.name, text, [])
            assert split is not None
            text = split[0]
        errors = list(jsonschema.Draft7Validator(json_schema(kind)).iter_errors(yaml.load(text, Loader=LanguageServerLoader)))
        assert not errors, f"{path}: {errors[0].message}"


def located_problems(kind: str, text: str) -> list[str]:
    problems: list[Any] = []
    data, positions, keys, _ = parse_yaml("x.yaml", text, problems)
    found = Findings()
    source = SourceFile("x.yaml", kind, "x", data, positions, keys)
    validate(source, by_name(kind).fields, found, is_draft(source, by_name(kind)))
    return [str(p) for p in problems + found.problems]


def test_too_many_tags_on_an_event_say_why_and_what_to_do() -> None:
    text = EVENT + f"tags: [{', '.join(f't{i}' for i in range(1000))}]\n"
    assert located_problems("event", text) == [
        "x.yaml:8:7: error: 'tags' has 1000 entries, more than the 20 allowed; each tag's page lists the event "
        "with every tag it has: keep the few topics it is about"
    ]


def test_any_other_list_is_capped_far_beyond_a_real_dossier() -> None:
    sources = "".join(f"  - article: a{i}\n    quote: q\n" for i in range(201))
    text = replace(EVENT, EVENT[EVENT.index("sources:") :], "sources:\n" + sources)
    assert located_problems("event", text) == [
        "x.yaml:6:3: error: 'sources' has 201 entries, more than the 200 allowed; split the record"
    ]
