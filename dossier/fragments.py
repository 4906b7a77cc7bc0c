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
from itertools import islice
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.utils import Namespace, missing

from dossier.recording import RecordingMap, RecordingSite, RecordingTuple

IMPLICIT = ("root",)  # read by context-aware filters and globals, invisible to the static analysis
LARGE = 1 << 20  # characters of an output too large to store (passed on in pieces as it is made)
PAGES = 100  # pages a partial may store outputs on without one being reused, before it stops storing
BUDGET = 32 << 20  # characters a partial may store before its reuse rate is judged
RARE = 10  # ... and it stops being stored when fewer than one call in RARE reused an earlier output
BATCH = 64  # pieces of a template's output joined into one string before it is passed on ...
JOINED = 1 << 16  # ... unless that string would be longer than this
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


def batched(pieces: Iterator[str]) -> Iterator[str]:
    """``pieces`` joined a batch at a time (in C, by ``str.join``): a template yields a piece per tag run and value,
    and every piece an included template yields passes through a Python loop in each template that includes it
    (Jinja compiles an include to ``for event in gen: yield event``); joined here, it passes as one. A batch that
    would be longer than ``JOINED`` characters is passed on as its pieces: no piece grows from one level of
    including to the next, so a large output (the timeline's list of every event) is never held as one string."""
    while batch := list(islice(pieces, BATCH)):
        if sum(map(len, batch)) <= JOINED:
            yield "".join(batch)
        else:
            yield from batch


def _unchanging(value: Any) -> bool:
    """Whether ``value`` cannot change between two includes, so that it can be part of a key."""
    if isinstance(value, (*_PLAIN, tuple, frozenset, RecordingSite, RecordingMap, RecordingTuple)) or value is missing:
        return not isinstance(value, Namespace)
    params = getattr(type(value), "__dataclass_params__", None)
    return params is not None and params.frozen


class Counts:
    """How a reusing partial has fared since its outputs were last forgotten."""

    __slots__ = ("calls", "hits", "page", "pages", "stored")

    def __init__(self) -> None:
        self.calls = self.hits = self.stored = self.pages = 0  # keyed calls (-1: stopped), reuses, characters, pages
        self.page: object = None  # the page of the last output stored

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]

    def stops(self, page: object) -> bool:
        """Whether, after storing one more output on ``page``, the partial should stop storing (for this rendering):
        nothing reused on PAGES pages (a partial of each page's own), or rarely (or never) reused once BUDGET is stored."""
        if page is not self.page:
            self.page, self.pages = page, self.pages + 1
        if self.hits == 0 and self.pages > PAGES:
            return True
        return self.stored > BUDGET and self.hits * RARE < self.calls


Stores = list[tuple[dict[Any, Any], Counts]]  # each reusing partial's outputs and counts


def forget_outputs(env: jinja2.Environment) -> None:
    """Drop every output the partials of ``env`` keep, and the objects kept with them: each rendering starts afresh,
    so that an environment kept across builds (the preview's) holds on to no model of an earlier build."""
    for cache, counts in getattr(env, "partial_stores", ()):
        cache.clear()
        counts.reset()


def _reusing(render: RootFunc, names: tuple[str, ...], stores: Stores) -> RootFunc:
    """A root render function that renders once per distinct value of ``names`` and then repeats itself.

    A partial stops being stored (until the outputs are forgotten) when none of its outputs
    was reused on ``PAGES`` pages, as one that each page includes for itself (its head, its
    footer: the cache would become a second copy of the pages), or when it has stored
    ``BUDGET`` characters and fewer than one call in ``RARE`` reused an output. Judging by
    pages, not calls, keeps an event's item, made once for each event by the timeline (one
    page), for the pages of the event's actors and tags that reuse it. An output larger
    than ``LARGE`` (the timeline's list of every event) is never stored: it is passed on
    piece by piece as it is made, never held as one string.
    """
    cache: dict[tuple[Any, ...], tuple[tuple[Any, ...], str, frozenset[Any]]] = {}
    counts = Counts()
    stores.append((cache, counts))

    def root(context: jinja2.runtime.Context) -> Iterator[str]:
        if counts.calls < 0:
            yield from batched(render(context))
            return
        values = tuple(context.resolve_or_missing(n) for n in names)
        if not all(_unchanging(v) for v in values):
            yield from batched(render(context))
            return
        key = tuple(v if type(v) is str else (type(v), v) if type(v) in _PLAIN else id(v) for v in values)
        hit = cache.get(key)
        counts.calls += 1
        site = context.resolve_or_missing("site")
        recorder = site.recorder if isinstance(site, RecordingSite) else None
        if hit is not None:
            counts.hits += 1
            if recorder is not None:
                recorder.add(hit[2])
            yield hit[1]
            return
        # the values are kept with the output, so no id in a key can be reused by another object; so is what the
        # partial read of the site, so that a page reusing it depends on that too
        if recorder is not None:
            recorder.push()
        pieces: list[str] | None = []  # kept to store, unless the output is larger than LARGE
        size = 0
        try:
            for piece in batched(render(context)):  # passed on as made: a large output is never one string
                if pieces is not None:
                    pieces.append(piece)
                    size += len(piece)
                    if size > LARGE:
                        pieces = None
                yield piece
        finally:
            read = recorder.pop() if recorder is not None else frozenset()
        if pieces is None:
            return
        output = "".join(pieces)
        cache[key] = (values, output, read)
        counts.stored += len(output)
        if counts.stops(context.resolve_or_missing("page_path")):
            counts.calls = -1
            cache.clear()

    root.reusing = True  # type: ignore[attr-defined]
    return root
