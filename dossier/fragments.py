"""Fragments: render each included partial once per distinct set of the variables it reads.

A partial such as ``partials/event_item.html`` is included tens of thousands of
times in a large dossier (on actor, tag, article and timeline pages), almost always
for the same event at the same depth. A Jinja template is a pure function of the
variables it reads, so its output can be reused whenever those variables are the
same objects (or equal strings and numbers). Which variables a template reads is
found statically with :func:`jinja2.meta.find_undeclared_variables`, over the
template and everything it includes; ``root`` is always part of the key, because
the ``url``, ``url_for`` and ``md`` helpers read it from the context.

Only templates that other templates include by a literal name, and that neither
extend, define blocks, import macros, include by a computed name nor assign to a
namespace, are reused this way; everything else renders as before. The output is
byte for byte the same.

Identity is a safe key only for values nobody changes between two includes, so only
these are keys: strings and numbers (by value), instances of frozen dataclasses (the
records, the site model, dates), tuples and frozensets (by identity). A partial that
reads anything else — a Jinja ``namespace`` (which exists to be changed), a list or dict
(changed in place by a method call), a loop variable, an object of some other class —
is rendered afresh on every call and stores nothing. Only the values a partial reads are
looked at, not what they contain: a tuple holding a list is trusted. The default theme
passes tuples and records, so none of its reuse is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.utils import Namespace, missing

from dossier.recording import RecordingMap, RecordingSite, RecordingTuple

IMPLICIT = ("root",)  # read by context-aware filters and globals, invisible to the static analysis
BUDGET = 1 << 20  # characters a partial stores between two judgements of its reuse
RARE = 10  # ... and what it stored is dropped when fewer than one call in RARE since the last one reused an output
_PLAIN = (str, int, float, bool, type(None))
_REFUSED = (nodes.Extends, nodes.Block, nodes.Import, nodes.FromImport, nodes.NSRef)

RootFunc = Callable[[jinja2.runtime.Context], Iterator[str]]


def memoize_partials(env: jinja2.Environment) -> list[str]:
    """Make every pure included template of ``env`` reuse its output; return their names (found once per
    environment, which may render more than once)."""
    known = getattr(env, "memoized_partials", None)
    if known is not None:
        return list(known)
    names = [n for n in env.list_templates() if n.endswith(".html") and not n.startswith("static/")]
    trees: dict[str, nodes.Template] = {}
    for name in names:
        try:
            trees[name] = _parse(env, name, env.loader.get_source(env, name)[0])  # type: ignore[union-attr]
        except jinja2.TemplateError:
            continue  # a broken template fails the build where it is used, as before
    included = {target for tree in trees.values() for target, _ in _includes(tree) if isinstance(target, str)}
    done = []
    stores: Stores = []
    for name in sorted(included):
        variables = _variables(name, trees, set())
        if variables is None:
            continue
        template = env.get_template(name)
        if not getattr(template.root_render_func, "reusing", False):
            render = _reusing(template.root_render_func, tuple(sorted(variables | set(IMPLICIT))), stores)
            template.root_render_func = render
        done.append(name)
    env.memoized_partials = tuple(done)  # type: ignore[attr-defined]
    env.partial_stores = stores  # type: ignore[attr-defined]
    return done


_TREES: dict[tuple[str, str], nodes.Template] = {}  # (name, source) -> parsed tree, kept across builds (serve)


def _parse(env: jinja2.Environment, name: str, source: str) -> nodes.Template:
    """The parsed template, parsed once per distinct source (every environment dossier makes parses alike)."""
    key = (name, source)
    if key not in _TREES:
        if len(_TREES) > 512:
            _TREES.clear()
        _TREES[key] = env.parse(source, name)
    return _TREES[key]


_UNDECLARED: dict[int, tuple[nodes.Template, frozenset[str]]] = {}  # id of a tree in _TREES -> (it, its free names)


def _undeclared(tree: nodes.Template) -> frozenset[str]:
    """The variables a parsed template reads from its context, found once per tree."""
    known = _UNDECLARED.get(id(tree))
    if known is None or known[0] is not tree:
        if len(_UNDECLARED) > 512:
            _UNDECLARED.clear()
        known = _UNDECLARED[id(tree)] = (tree, frozenset(meta.find_undeclared_variables(tree)))
    return known[1]


def _includes(tree: nodes.Template) -> Iterator[tuple[str | None, nodes.Include]]:
    for node in tree.find_all(nodes.Include):
        target = node.template
        yield (target.value if isinstance(target, nodes.Const) and isinstance(target.value, str) else None), node


def _variables(name: str, trees: dict[str, nodes.Template], seen: set[str]) -> set[str] | None:
    """The variables ``name`` and what it includes read from their context, or None when it is not reusable."""
    tree = trees.get(name)
    if tree is None or name in seen or any(True for _ in tree.find_all(_REFUSED)):
        return None
    found = set(_undeclared(tree))
    for target, _ in _includes(tree):
        inner = _variables(target, trees, seen | {name}) if target is not None else None
        if inner is None:
            return None
        found |= inner
    return found


def _unchanging(value: Any) -> bool:
    """Whether ``value`` cannot change between two includes, so that it can be part of a key."""
    if isinstance(value, (*_PLAIN, tuple, frozenset, RecordingSite, RecordingMap, RecordingTuple)) or value is missing:
        return not isinstance(value, Namespace)
    params = getattr(type(value), "__dataclass_params__", None)
    return params is not None and params.frozen


Stores = list[tuple[dict[Any, Any], list[int]]]  # each reusing partial's outputs and counts


def forget_outputs(env: jinja2.Environment) -> None:
    """Drop every output the partials of ``env`` keep, and the objects kept with them: each rendering starts afresh,
    so that an environment kept across builds (the preview's) holds on to no model of an earlier build."""
    for cache, calls in getattr(env, "partial_stores", ()):
        cache.clear()
        calls[:] = [0, 0, 0]


def _reusing(render: RootFunc, names: tuple[str, ...], stores: Stores) -> RootFunc:
    """A root render function that renders once per distinct value of ``names`` and then repeats itself.

    A partial's reuse is judged each time it has stored ``BUDGET`` more characters: when
    fewer than one call in ``RARE`` since the last judgement reused an output, what it
    stored is dropped. So a partial included once per page (or a run of includes that
    are never repeated, such as the timeline's one item per event) holds at most about
    ``BUDGET`` characters instead of a second copy of the pages, while one that is being
    reused (an event's item on every page of its actors and tags) keeps its outputs. An
    output larger than ``BUDGET`` (the timeline's list of every event) is never stored: it
    is passed on piece by piece as it is made, never held as one string.
    """
    cache: dict[tuple[Any, ...], tuple[tuple[Any, ...], str, frozenset[Any]]] = {}
    calls = [0, 0, 0]  # calls, hits and characters stored since the last judgement
    stores.append((cache, calls))

    def root(context: jinja2.runtime.Context) -> Iterator[str]:
        values = tuple(context.resolve_or_missing(n) for n in names)
        if not all(_unchanging(v) for v in values):
            yield from render(context)
            return
        key = tuple(v if type(v) is str else (type(v), v) if type(v) in _PLAIN else id(v) for v in values)
        hit = cache.get(key)
        calls[0] += 1
        site = context.resolve_or_missing("site")
        recorder = site.recorder if isinstance(site, RecordingSite) else None
        if hit is not None:
            calls[1] += 1
            if recorder is not None:
                recorder.add(hit[2])
            yield hit[1]
            return
        # the values are kept with the output, so no id in a key can be reused by another object; so is what the
        # partial read of the site, so that a page reusing it depends on that too
        if recorder is not None:
            recorder.push()
        pieces: list[str] | None = []  # kept to store, unless the output is larger than BUDGET
        size = 0
        try:
            for piece in render(context):  # passed on as made: a large output is never one string
                if pieces is not None:
                    pieces.append(piece)
                    size += len(piece)
                    if size > BUDGET:
                        pieces = None
                yield piece
        finally:
            read = recorder.pop() if recorder is not None else frozenset()
        if pieces is None:
            return
        output = "".join(pieces)
        cache[key] = (values, output, read)
        calls[2] += len(output)
        if calls[2] > BUDGET:
            if calls[1] * RARE < calls[0]:
                cache.clear()
            calls[:] = [0, 0, 0]

    root.reusing = True  # type: ignore[attr-defined]
    return root
