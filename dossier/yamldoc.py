"""YAML documents: one record's YAML parsed safely into plain data that remembers where every value came from.

Standard tags only (no Python objects), no anchors or aliases (an alias bomb costs nothing), no duplicate keys, at
most :data:`MAX_DEPTH` levels of nesting; every value's and key's 1-based line and column is kept (as
``source.place``), and the paths of literal blocks (``|``), whose lines map one to one onto the file's. Problems are
returned, never raised. Pure.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from dossier.errors import Location, Problem
from dossier.source import REFUSED, KeyPath, Place, place, pos

try:  # libyaml's C parser is several times faster; PyYAML falls back to pure Python.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_TAG = "tag:yaml.org,2002:"
_SCALARS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_constructor = yaml.constructor.SafeConstructor()
MAX_DEPTH = 16  # levels of YAML nesting: the deepest record (a key point's list of events) needs 5


def parse_yaml(
    rel: str, text: str, problems: list[Problem], line_offset: int = 0
) -> tuple[Any, dict[KeyPath, Place], dict[KeyPath, Place], frozenset[KeyPath]]:
    """Parse one YAML document safely into plain data, the 1-based position of every value and key (as ``place``),
    and the paths of literal block scalars (``|``), whose lines map one to one onto the file's."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(rel, text, exc, line_offset))
        return None, {}, {}, frozenset()
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a NUL byte: say where
        before = text[: exc.position]
        line, column = before.count("\n") + 1 + line_offset, exc.position - (before.rfind("\n") + 1) + 1
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        problems.append(
            Problem(Location(rel, line, column), f"invalid YAML: the control character {char} is not allowed; remove it")
        )
        return None, {}, {}, frozenset()
    except yaml.YAMLError as exc:
        problems.append(Problem(Location(rel, 1 + line_offset, 1), f"invalid YAML: {exc}"))
        return None, {}, {}, frozenset()
    except RecursionError:  # only the pure-Python parser recurses; libyaml refuses very deep files itself
        problems.append(Problem(Location(rel, 1 + line_offset, 1), _TOO_DEEP))
        return None, {}, {}, frozenset()
    deep = _too_deep(node)
    if deep is not None:
        problems.append(Problem(Location(rel, deep.start_mark.line + 1 + line_offset, deep.start_mark.column + 1), _TOO_DEEP))
        return None, {}, {}, frozenset()
    builder = _Builder(rel, line_offset, text.split("\n"))
    try:
        data = builder.build(node, ()) if node is not None else None
    except _AliasFound:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                start = event.start_mark
                where = Location(rel, start.line + 1 + line_offset, start.column + 1) if start else Location(rel)
                problems.append(Problem(where, f"YAML aliases (*{event.anchor}) are not supported; write the value out in full"))
        return None, {}, {}, frozenset()
    problems.extend(builder.problems)
    return data, builder.positions, builder.key_positions, frozenset(builder.blocks)


_OPENED = {  # what libyaml says it was reading when it met the problem -> what was opened there, and what closes it
    "while parsing a flow sequence": ("list", "[", "]"),
    "while parsing a flow mapping": ("mapping", "{", "}"),
}


def _syntax_problem(rel: str, text: str, exc: yaml.MarkedYAMLError, line_offset: int) -> Problem:
    """A YAML syntax error, placed where the fix most likely is: where an unclosed bracket or quote was opened (libyaml
    notices it lines later, where nothing is wrong), else where libyaml stopped."""
    start, stop = exc.context_mark, exc.problem_mark or exc.context_mark
    if stop is None:
        return Problem(Location(rel, 1 + line_offset, 1), f"invalid YAML: {exc.context or exc.problem or 'syntax error'}")
    where = Location(rel, stop.line + 1 + line_offset, stop.column + 1)
    opened = _OPENED.get(exc.context or "")
    if start is not None and start.line < stop.line and opened is not None and _swallowed(text, stop):
        kind, opening, closing = opened
        return Problem(
            Location(rel, start.line + 1 + line_offset, start.column + 1),
            f"invalid YAML: the {kind} opened here with '{opening}' is not closed before line {where.line}, column "
            f"{where.column}; close it with '{closing}', or put the value in quotes if '{opening}' is part of its text",
        )
    if start is not None and exc.context == "while scanning a quoted scalar" and "end of stream" in (exc.problem or ""):
        quote = text[start.index : start.index + 1] or '"'
        return Problem(
            Location(rel, start.line + 1 + line_offset, start.column + 1),
            f"invalid YAML: the quote {quote} here is never closed; close it with another {quote}",
        )
    what = " ".join(part for part in (exc.context, exc.problem) if part) or "syntax error"
    hint = "keep one record per file" if "another document" in what else "check the indentation and quoting here"
    runaway = _runaway_quote(text, stop)
    if (
        runaway is not None and runaway[2].line >= stop.line - 1 and "another document" not in what
    ):  # a quote left open, closed by the next one: say so
        quote, start, end = runaway
        hint += (
            f"; the text quoted with {quote} at line {start.line + 1 + line_offset}, column {start.column + 1} runs on to "
            f"line {end.line + 1 + line_offset}: is its closing quote missing?"
        )
    return Problem(where, f"invalid YAML: {what}; {hint}")


def _swallowed(text: str, stop: yaml.Mark) -> bool:
    """Whether libyaml stopped where the next key, or the end, was swallowed by a bracket left open (not at a bad item
    inside a list or mapping that is closed later, such as a missing comma)."""
    lines = text.split("\n")
    line = lines[stop.line] if stop.line < len(lines) else ""
    return (not line[stop.column :].strip() and not "".join(lines[stop.line + 1 :]).strip()) or bool(_KEY.match(line))


_KEY = re.compile(r"\s*[\w.-]+\s*:(\s|$)")


def _runaway_quote(text: str, stop: yaml.Mark) -> tuple[str, yaml.Mark, yaml.Mark] | None:
    """The last quoted text before ``stop`` that runs over more than one line (its quote, start and end), if any: a
    value whose closing quote is missing runs on until the next quote, and YAML stumbles on what follows that."""
    found = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.index >= stop.index:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and token.end_mark.line > token.start_mark.line:
                found = (token.style, token.start_mark, token.end_mark)
    except yaml.YAMLError:
        pass  # the tokens up to the error are all there is
    return found


_TOO_DEEP = f"invalid YAML: nested more than {MAX_DEPTH} levels deep, far beyond what any record needs; flatten it"


def _too_deep(node: yaml.Node | None) -> yaml.Node | None:
    """The first node nested deeper than :data:`MAX_DEPTH`, found without recursion, or None."""
    pending = [(node, 1)] if node is not None else []
    seen: set[int] = set()
    while pending:
        current, depth = pending.pop()
        if depth > MAX_DEPTH:
            return current
        if id(current) in seen:  # an alias: the builder refuses it
            continue
        seen.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            pending.extend((item, depth + 1) for item in reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            pending.extend((value, depth + 1) for _, value in reversed(current.value))
    return None


def _shown(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


class _AliasFound(Exception):
    """An alias was met: the file is refused, so an alias bomb costs nothing."""


class _Builder:
    """Turns composed YAML nodes into plain data, refusing aliases, unknown tags and duplicate keys."""

    def __init__(self, rel: str, line_offset: int, lines: list[str]) -> None:
        self.rel = rel
        self.lines = lines
        self.offset = line_offset
        self.seen: set[int] = set()
        self.problems: list[Problem] = []
        self.positions: dict[KeyPath, Place] = {}
        self.key_positions: dict[KeyPath, Place] = {}  # the same key path objects as in positions
        self.blocks: set[KeyPath] = set()

    def _place(self, node: yaml.Node) -> Place:
        return place(node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)

    def _problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(Location(self.rel, *pos(self._place(node))), message))

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        if id(node) in self.seen:  # the composer resolved an alias to an already-seen node
            raise _AliasFound
        self.seen.add(id(node))
        self.positions[path] = self._place(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != f"{_TAG}seq":
                self._problem(node, f"the YAML tag '{_shown(node.tag)}' is not allowed; remove it")
                return REFUSED
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            # The text starts on the line after the indicator; report positions in it from there.
            # Only a literal block (|) keeps its lines, so only there do lines inside it map one to one.
            index = node.start_mark.line + 1  # 0-based line of the text's first line
            text_line = self.lines[index] if index < len(self.lines) else ""
            self.positions[path] = place(index + 1 + self.offset, len(text_line) - len(text_line.lstrip(" ")) + 1)
            if node.style == "|":
                self.blocks.add(path)
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any] | object:
        if node.tag != f"{_TAG}map":
            self._problem(node, f"the YAML tag '{_shown(node.tag)}' is not allowed; remove it")
            return REFUSED
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == f"{_TAG}merge":
                self._problem(key_node, "keys must be plain words (no lists, mappings or '<<' merges as keys)")
                continue
            key = str(key_node.value)
            child = (*path, key)
            if key in result:
                first = pos(self.key_positions[child])[0]
                self._problem(key_node, f"duplicate key '{key}' (first set on line {first}); keep only one")
                continue
            self.key_positions[child] = self._place(key_node)
            result[key] = self.build(value_node, child)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag not in _SCALARS:
            self._problem(node, f"the YAML tag '{_shown(node.tag)}' is not allowed; remove it")
            return REFUSED
        name = node.tag.removeprefix(_TAG)
        try:
            value: Any = getattr(_constructor, f"construct_yaml_{name}")(node)
        except Exception:
            return str(node.value)  # e.g. 2022-02-30 looks like a date but is not one: let the schema say so
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return value
