"""YAML documents: values and keys located, syntax errors placed, and hostile YAML refused (aliases, tags, depth)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dossier.errors import Location, Problem
from dossier.source import SourceFile, place, pos
from dossier.yamldoc import MAX_DEPTH, parse_yaml


def test_every_value_and_key_keeps_its_line_and_column() -> None:
    problems: list[Problem] = []
    data, positions, keys, _ = parse_yaml("x.yaml", 'title: A\nsources:\n  - article: b\n    quote: "c"\n', problems)
    assert problems == []
    assert data == {"title": "A", "sources": [{"article": "b", "quote": "c"}]}
    source = SourceFile("x.yaml", "event", "x", data, positions, keys)
    assert source.at("title") == Location("x.yaml", 1, 8)
    assert source.at("sources", 0, "quote") == Location("x.yaml", 4, 12)
    assert source.at("sources", 0, "quote", key=True) == Location("x.yaml", 4, 5)
    assert source.at("sources", 0, "page") == Location("x.yaml", 3, 5)  # not there: its parent's
    assert pos(place(70000, 5000000)) == (70000, 5000000)


def test_yaml_syntax_error_names_line_and_column_after_front_matter_offset() -> None:
    problems: list[Problem] = []
    parse_yaml("a.md", "title: x\n  bad: y\n", problems, line_offset=1)
    assert problems == [
        Problem(
            Location("a.md", 3, 6),
            "invalid YAML: mapping values are not allowed in this context; check the indentation and quoting here",
        )
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            "title: x\nkind: [call\nstatus: confirmed\n",
            3,
            7,
            "the list opened here with '[' is not closed before line 4, column 7; close it with ']', or put the value in "
            "quotes if '[' is part of its text",
        ),
        (
            "title: {a: 1\nkind: call\n",
            2,
            8,
            "the mapping opened here with '{' is not closed before line 3, column 5; close it with '}', or put the value "
            "in quotes if '{' is part of its text",
        ),
        ("title: x\nsummary: 'It was\nkind: call\n", 3, 10, "the quote ' here is never closed; close it with another '"),
        (  # a quote closed later by another one: libyaml's place and words, which cannot know where it opened
            'title: "a" b\n',
            2,
            12,
            "while parsing a block mapping did not find expected key; check the indentation and quoting here",
        ),
        (  # a quote left open, closed by the next value's opening quote: YAML stumbles after it
            'title: "Bennett calls\nkind: call\nsummary: "He said so."\n',
            4,
            11,
            "while parsing a block mapping did not find expected key; check the indentation and quoting here; the text "
            'quoted with " at line 2, column 8 runs on to line 4: is its closing quote missing?',
        ),
        (  # a list closed later, with a bad item (a comma missing): libyaml's place, not the bracket's
            'title: x\nactors: [alice,\n  "bob" carol]\n',
            4,
            9,
            "while parsing a flow sequence did not find expected ',' or ']'; check the indentation and quoting here",
        ),
        (  # a quoted text over two lines, closed, before an error further down: not blamed
            'summary: "line one\n  line two"\ntitle: x\n  kind: call\n',
            5,
            7,
            "mapping values are not allowed in this context; check the indentation and quoting here",
        ),
        (  # an unknown escape on a quoted text's second line: not an unclosed quote
            'title: "a\n  \\q"\n',
            3,
            3,
            "while parsing a quoted scalar found unknown escape character; check the indentation and quoting here",
        ),
    ],
)
def test_an_unclosed_bracket_or_quote_is_placed_where_it_was_opened(text: str, line: int, column: int, message: str) -> None:
    problems: list[Problem] = []
    parse_yaml("a.md", text, problems, line_offset=1)
    assert problems == [Problem(Location("a.md", line, column), f"invalid YAML: {message}")]


def test_an_alias_bomb_is_refused_at_once() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 12):
        prev, cur = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    problems: list[Problem] = []
    start = time.perf_counter()
    data, _, _, _ = parse_yaml("bomb.yaml", "\n".join(lines) + "\n", problems)
    assert time.perf_counter() - start < 5  # 9**12 values if expanded; refused without expanding
    assert data is None
    assert problems[0] == Problem(Location("bomb.yaml", 2, 8), "YAML aliases (*a) are not supported; write the value out in full")
    assert len(problems) == 11 * 9


def test_python_tags_are_refused_and_nothing_runs() -> None:
    problems: list[Problem] = []
    data, _, _, _ = parse_yaml("t.yaml", "a: !!python/object/apply:os.system ['touch /tmp/dossier-pwned']\n", problems)
    assert not Path("/tmp/dossier-pwned").exists()
    assert problems == [
        Problem(Location("t.yaml", 1, 4), "the YAML tag '!!python/object/apply:os.system' is not allowed; remove it")
    ]
    assert repr(data["a"]) == "REFUSED"


def test_duplicate_keys_are_refused_with_both_lines() -> None:
    problems: list[Problem] = []
    parse_yaml("d.yaml", "title: a\nkind: b\ntitle: c\n", problems)
    assert problems == [Problem(Location("d.yaml", 3, 1), "duplicate key 'title' (first set on line 1); keep only one")]


def test_impossible_dates_stay_text_for_the_schema_to_explain() -> None:
    data, _, _, _ = parse_yaml("d.yaml", "a: 2022-02-30\nb: 2022-02-27\nc: 2022-02\n", [])
    assert data["a"] == "2022-02-30"
    assert str(data["b"]) == "2022-02-27"
    assert data["c"] == "2022-02"


def test_block_scalars_are_located_at_their_first_line_of_text() -> None:
    text = "title: A\nsummary: |\n    First line.\n    [x](actor:y)\nnote: >\n  folded\n  text\n"
    _, positions, _, blocks = parse_yaml("b.yaml", text, [], line_offset=1)
    assert pos(positions[("summary",)]) == (4, 5)  # one line of front matter fence before it
    assert pos(positions[("note",)]) == (7, 3)
    assert blocks == frozenset({("summary",)})  # only a literal block keeps its lines one to one


def test_a_nul_byte_is_reported_at_its_line_and_column() -> None:
    problems: list[Problem] = []
    parse_yaml("e.yaml", "title: x\nkind: call\nsum\0mary: x\n", problems, line_offset=1)
    assert [str(p) for p in problems] == [
        "e.yaml:4:4: error: invalid YAML: the control character #x0000 is not allowed; remove it"
    ]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("title: " + "[" * 600 + "]" * 600 + "\n", "1:23"),  # flow style: RecursionError before
        ("a:\n" + "".join("  " * i + "b:\n" for i in range(1, 700)), "17:33"),  # block style
        ("a: " + "{b: " * 15 + "c" + "}" * 15 + "\n", "1:64"),  # one level past the limit: the scalar
    ],
)
def test_yaml_nested_beyond_what_a_record_needs_is_refused_where_it_gets_too_deep(text: str, where: str) -> None:
    problems: list[Problem] = []
    assert parse_yaml("e.yaml", text, problems)[0] is None
    assert [str(p) for p in problems] == [
        f"e.yaml:{where}: error: invalid YAML: nested more than {MAX_DEPTH} levels deep, far beyond what any record needs; flatten it"
    ]


def test_the_deepest_nesting_a_record_needs_is_accepted() -> None:
    problems: list[Problem] = []
    text = "a: " + "{b: " * 14 + "c" + "}" * 14 + "\n"  # 16 levels: the root mapping, 14 mappings, the scalar
    assert parse_yaml("e.yaml", text, problems)[0] is not None and problems == []
