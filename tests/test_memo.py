"""Memo: a session's model reuses what it computed from the same objects, and computes again for any other."""

from __future__ import annotations

from dataclasses import dataclass

from dossier.build import check
from dossier.memo import ByValue, Memo, Once
from dossier.model import link_records
from tests.conftest import SAMPLE


@dataclass(frozen=True)
class Thing:
    name: str


def test_a_call_is_reused_with_the_same_objects_and_made_again_with_equal_new_ones() -> None:
    memo, calls = Memo(), []

    def upper(thing: Thing, suffix: str) -> str:
        calls.append(thing.name)
        return thing.name.upper() + suffix

    a = Thing("a")
    assert memo(upper, a, ByValue("!")) == "A!"
    memo.next_build()
    assert memo(upper, a, ByValue("!")) == "A!"
    assert memo(upper, Thing("a"), ByValue("!")) == "A!"  # equal but another object: made again
    assert memo(upper, a, ByValue("?")) == "A?"
    assert calls == ["a", "a", "a"]


def test_each_keeps_one_result_per_record_while_the_caller_says_the_rest_is_unchanged() -> None:
    memo, calls = Memo(), []

    def label(thing: Thing, words: str) -> str:
        calls.append(thing.name)
        return f"{words} {thing.name}"

    a, b = Thing("a"), Thing("b")
    assert [memo.each(label, t, "see") for t in (a, b)] == ["see a", "see b"]
    memo.next_build()
    assert [memo.each(label, t, "see") for t in (a, b)] == ["see a", "see b"]
    assert calls == ["a", "b"]
    assert memo.each(label, a, "look", still=False) == "look a"  # the other arguments changed
    b2 = Thing("b")
    assert memo.each(label, b2, "look") == "look b"  # another object in b's place
    assert calls == ["a", "b", "a", "b"]
    memo.next_build()
    memo.next_build()
    assert memo.each(label, a, "look") == "look a" and calls[-1] == "a"  # unused for two builds: dropped


def test_same_says_whether_a_mapping_holds_the_very_objects_of_the_last_build() -> None:
    memo = Memo()
    a, b = Thing("a"), Thing("b")
    assert memo.same("things", {"a": a, "b": b}) is False  # nothing to compare with yet
    assert memo.same("things", {"a": a, "b": b}) is True
    assert memo.same("things", {"a": a, "b": Thing("b")}) is False
    assert memo.same("things", {"a": a}) is False
    assert memo.same("others", {"a": a}) is False


def test_a_single_build_keeps_nothing_and_links_the_same_site() -> None:
    once, calls = Once(), []

    def upper(thing: Thing) -> str:
        calls.append(thing.name)
        return thing.name.upper()

    a = Thing("a")
    assert [once(upper, a), once.each(upper, a), once(upper, ByValue(a))] == ["A", "A", "A"]
    assert calls == ["a", "a", "a"]  # computed each time: nothing kept
    assert not once.same("actors", {"a": a}) and not once.same("actors", {"a": a})
    assert once.new == {} and once.kept == {} and once.kept_values == {}
    records = check(SAMPLE)
    assert link_records(records) == link_records(records, Memo())  # link_records without a memo uses Once
