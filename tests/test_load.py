"""Load: safe YAML with positions, front matter, encodings and the files a project holds."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from dossier.errors import Location, Problem
from dossier.load import decode, load_project, parse_yaml


def test_every_value_and_key_keeps_its_line_and_column() -> None:
    problems: list[Problem] = []
    data, positions, keys, _ = parse_yaml("x.yaml", 'title: A\nsources:\n  - article: b\n    quote: "c"\n', problems)
    assert problems == []
    assert data == {"title": "A", "sources": [{"article": "b", "quote": "c"}]}
    assert positions[("title",)] == (1, 8)
    assert positions[("sources", 0, "quote")] == (4, 12)
    assert keys[("sources", 0, "quote")] == (4, 5)


def test_yaml_syntax_error_names_line_and_column_after_front_matter_offset() -> None:
    problems: list[Problem] = []
    parse_yaml("a.md", "title: x\n  bad: y\n", problems, line_offset=1)
    assert problems == [
        Problem(
            Location("a.md", 3, 6),
            "invalid YAML: mapping values are not allowed in this context; check the indentation and quoting here",
        )
    ]


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


def test_decode_strips_bom_and_normalises_newlines_and_names_the_bad_byte() -> None:
    assert decode("a", "\ufeffx: 1\r\ny: 2\r".encode(), []) == "x: 1\ny: 2\n"
    problems: list[Problem] = []
    assert decode("a.yaml", b"ok\nname: Pr\xe9sident\n", problems) is None
    assert problems == [Problem(Location("a.yaml", 2, 9), "file is not valid UTF-8 (byte 0xe9); save it with UTF-8 encoding")]


def test_article_front_matter_positions_and_body_line(make_project: Callable[[dict[str, str | bytes]], Path]) -> None:
    root = make_project(
        {
            "content/dossier.yaml": "title: T\n",
            "content/articles/a.md": "---\ntitle: A\npublished: 2022-01-01\n---\nFirst paragraph.\n",
            "content/articles/.#a.md": "editor lock file",
            "content/events/b.yaml~": "backup",
            "content/raw/capture.txt": "raw",
        }
    )
    project, problems = load_project(root)
    assert problems == []
    assert [f.path for f in project.files] == ["content/dossier.yaml", "content/articles/a.md"]
    article = project.files[1]
    assert article.id == "a" and article.body == "First paragraph.\n" and article.body_line == 5
    assert article.at("published") == Location("content/articles/a.md", 3, 12)
    assert project.raw_names == frozenset({"capture.txt"})


def test_unexpected_files_in_record_folders_are_reported(make_project: Callable[[dict[str, str | bytes]], Path]) -> None:
    root = make_project({"content/dossier.yaml": "title: T\n", "content/events/notes.txt": "x"})
    _, problems = load_project(root)
    assert [str(p) for p in problems] == [
        "content/events/notes.txt:1:1: error: unexpected file in content/events/: event files end in .yaml or .yml; rename or remove it"
    ]


def test_block_scalars_are_located_at_their_first_line_of_text() -> None:
    text = "title: A\nsummary: |\n    First line.\n    [x](actor:y)\nnote: >\n  folded\n  text\n"
    _, positions, _, blocks = parse_yaml("b.yaml", text, [], line_offset=1)
    assert positions[("summary",)] == (4, 5)  # one line of front matter fence before it
    assert positions[("note",)] == (7, 3)
    assert blocks == frozenset({("summary",)})  # only a literal block keeps its lines one to one
