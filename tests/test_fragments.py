"""Fragments: an included partial renders once per distinct input, and its output is exactly what it would have been."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import jinja2
import pytest

from dossier import fragments
from dossier.fragments import forget_outputs, memoize_partials

TEMPLATES = {
    "page.html": "{% for x in items %}{% include 'item.html' %}|{% endfor %}{% include 'counter.html' %}",
    "item.html": "<a href='{{ root }}{{ x.name }}/'>{{ x.name }}</a>{% include 'badge.html' %}",
    "badge.html": "[{{ x.kind }}]",
    "counter.html": "{% set ns = namespace(n=0) %}{% for x in items %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}",
}


@dataclass(frozen=True)
class Thing:
    name: str
    kind: str


class Changeable:
    def __init__(self, name: str, kind: str) -> None:
        self.name, self.kind = name, kind


def env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined)


def test_only_pure_literally_included_partials_are_reused() -> None:
    assert memoize_partials(env()) == ["badge.html", "item.html"]  # counter.html assigns to a namespace


def test_reused_output_is_byte_identical_and_keyed_by_every_variable_read() -> None:
    a, b = Thing("a", "person"), Thing("b<script>", "state")
    items = [a, b, a, a, b]
    plain, memo = env(), env()
    memoize_partials(memo)
    for root in ("", "../", "../../"):
        expected = plain.get_template("page.html").render(items=items, root=root)
        assert memo.get_template("page.html").render(items=items, root=root) == expected
    assert "b&lt;script&gt;" in expected
    assert "[changed]" in memo.get_template("page.html").render(items=[Thing("a", "changed")], root="")


def test_objects_that_can_change_are_never_keys() -> None:
    memo = env()
    memoize_partials(memo)
    thing = Changeable("a", "person")
    assert "[person]" in memo.get_template("page.html").render(items=[thing], root="")
    thing.kind = "changed"  # the same object, changed: its output must not be reused
    assert "[changed]" in memo.get_template("page.html").render(items=[thing], root="")


def test_variables_set_by_with_blocks_are_part_of_the_key() -> None:
    memo = env()
    memoize_partials(memo)
    template = memo.from_string(
        "{% for n in ['p', 'q', 'p'] %}{% with x = things[n] %}{% include 'badge.html' %}{% endwith %}{% endfor %}"
    )
    assert template.render(things={"p": Thing("p", "one"), "q": Thing("q", "two")}) == "[one][two][one]"


NAMESPACED = {
    "page.html": "{% include 'partials/event_list.html' %}|{% include 'partials/tally.html' %}",
    "partials/event_list.html": (
        "{% set ns = namespace(n=0) %}{% for event in events %}{% set ns.n = ns.n + 1 %}"
        "{% include 'partials/event_item.html' %}{% endfor %}"
    ),
    "partials/event_item.html": "#{{ ns.n }} {{ event }}{% include 'partials/status.html' %};",
    "partials/status.html": "<span>{{ ns.n if ns is defined }}</span>",
    "partials/tally.html": "{{ seen.append(1) or '' }}{% include 'partials/count.html' %}",
    "partials/count.html": "[{{ seen|length }}:{{ counts['a'] }}]",
}


def test_partials_reading_a_namespace_list_or_dict_are_rendered_afresh() -> None:
    """A namespace is changed by ``set``, a list or dict by a method call: their identity says nothing about their content."""

    def make() -> jinja2.Environment:
        return jinja2.Environment(loader=jinja2.DictLoader(NAMESPACED), autoescape=True, undefined=jinja2.StrictUndefined)

    plain, memo = make(), make()
    assert memoize_partials(memo) == [
        "partials/count.html",
        "partials/event_item.html",
        "partials/status.html",
        "partials/tally.html",
    ]

    def page(jinja: jinja2.Environment, seen: list[int], counts: dict[str, int]) -> str:
        template = jinja.get_template("page.html")
        rendered = []
        for events in (["a", "b", "a"], ["c"]):
            counts["a"] = counts.get("a", 0) + 1
            rendered.append(template.render(events=events, seen=seen, counts=counts))
        return "".join(rendered)

    expected = page(plain, [], {})
    assert expected == "#1 a<span>1</span>;#2 b<span>2</span>;#3 a<span>3</span>;|[1:1]#1 c<span>1</span>;|[2:2]"
    assert page(memo, [], {}) == expected


def test_forgotten_outputs_let_go_of_the_objects_they_were_made_from() -> None:
    environment = env()
    memoize_partials(environment)
    thing = Thing("a", "person")
    kept = weakref.ref(thing)
    assert environment.get_template("page.html").render(items=[thing, thing], root="") == "<a href='a/'>a</a>[person]|" * 2 + "2"
    del thing
    assert kept() is not None  # stored with the partial's output, for the next include
    forget_outputs(environment)
    assert kept() is None  # a kept environment holds on to no model of an earlier build


def test_a_partial_no_page_reuses_stops_being_stored_and_one_that_pages_reuse_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fragments, "PAGES", 5)  # pages a partial may store on without one reuse
    plain, memo = env(), env()
    assert memoize_partials(memo) == ["badge.html", "item.html"]
    (badges, badge_counts), (items, item_counts) = memo.partial_stores

    def pages(things: list[list[Thing]], names: list[str]) -> list[str]:
        return [
            environment.get_template("page.html").render(items=group, root="", page_path=name)
            for environment in (plain, memo)
            for group, name in zip(things, names, strict=True)
        ]

    own = [[Thing(f"own{number}", "person")] for number in range(20)]  # each page its own thing: nothing to reuse
    rendered = pages(own, [f"p{number}/" for number in range(20)])
    assert rendered[:20] == rendered[20:]
    assert (len(items), len(badges), item_counts.calls, badge_counts.calls) == (0, 0, -1, -1)  # stopped at page 6
    forget_outputs(memo)
    every = [Thing(f"e{number}", "event") for number in range(50)]  # all on one page (a timeline), then reused
    rendered = pages([every] + [every[number::10] for number in range(10)], ["timeline/"] + [f"a{n}/" for n in range(10)])
    assert rendered[:11] == rendered[11:]
    assert len(items) == 50 and item_counts.hits == 50 and item_counts.calls == 100  # kept for the pages reusing them


def test_an_output_larger_than_the_budget_is_passed_on_in_pieces_and_not_stored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fragments, "LARGE", 200)
    monkeypatch.setattr(fragments, "JOINED", 200)
    plain, memo = env(), env()
    memoize_partials(memo)
    (badges, _), (items, _) = memo.partial_stores
    long = Thing("x" * 300, "person")
    expected = plain.get_template("page.html").render(items=[long, long], root="")
    assert memo.get_template("page.html").render(items=[long, long], root="") == expected
    assert len(items) == 0 and len(badges) == 1  # the item (over 600 characters) is not kept; its badge is
    pieces = list(memo.get_template("item.html").generate(x=long, root=""))
    assert "".join(pieces) == expected.split("|")[0] and len(pieces) > 1


def test_batched_joins_pieces_and_passes_a_long_batch_on_as_its_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fragments, "BATCH", 3)
    monkeypatch.setattr(fragments, "JOINED", 10)
    assert list(fragments.batched(iter(["a", "b", "", "c", "d"]))) == ["ab", "cd"]
    assert list(fragments.batched(iter(["abcdef", "ghijk", "l"]))) == ["abcdef", "ghijk", "l"]  # 12 characters
    assert list(fragments.batched(iter([]))) == []
