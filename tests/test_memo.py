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


@dataclass(frozen=True)
class Record:
    id: str
    text: str


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


def test_by_record_makes_again_only_the_changed_records_and_those_named_in_also() -> None:
    memo, calls = Memo(), []

    def shout(record: Record, mark: str) -> str:
        calls.append(record.id)
        return record.text.upper() + mark

    a, b, c = Record("a", "x"), Record("b", "y"), Record("c", "z")
    assert memo.by_record("loud", shout, memo.fresh("record", (a, b, c)), "!") == {"a": "X!", "b": "Y!", "c": "Z!"}
    b2 = Record("b", "w")  # b edited: another object under its id
    fresh = memo.fresh("record", (a, b2, c))
    assert (dict(fresh.changed), fresh.same_ids, fresh.gone) == ({"b": b2}, True, ())
    assert memo.by_record("loud", shout, fresh, "!", also=["c"]) == {"a": "X!", "b": "W!", "c": "Z!"}
    assert calls == ["a", "b", "c", "b", "c"]
    d = Record("d", "v")  # b removed, d added before a: the ids moved, and a and c are still the same objects
    fresh = memo.fresh("record", (d, a, c))
    assert (dict(fresh.changed), fresh.same_ids, fresh.gone) == ({"d": d}, False, (b2,))
    made = memo.by_record("loud", shout, fresh, "!")
    assert (list(made.items()), calls[5:]) == ([("d", "V!"), ("a", "X!"), ("c", "Z!")], ["d"])
    fresh = memo.fresh("record", (d, a, c))
    assert memo.by_record("loud", shout, fresh, "?", still=False) == {"d": "V?", "a": "X?", "c": "Z?"}  # args changed
    assert calls[6:] == ["d", "a", "c"]
    assert memo.by_record("other", shout, fresh, "!") == {"d": "V!", "a": "X!", "c": "Z!"}  # a name never made before
    assert calls[9:] == ["d", "a", "c"]


def test_stable_gives_back_the_last_builds_equal_values_and_says_which_keys_moved() -> None:
    memo, a = Memo(), Thing("a")
    first = memo.stable("things", {"x": (a,), "y": (a, a)})
    again = memo.stable("things", {"x": (a,), "y": (a,), "z": ()})
    assert again["x"] is first["x"] and again["y"] is not first["y"]
    assert memo.moved["things"] == {"y", "z"}
    memo.stable("things", {"x": (a,)})
    assert memo.moved["things"] == {"y", "z"}  # removed keys moved too


def test_a_single_build_keeps_nothing_and_links_the_same_site() -> None:
    once, calls = Once(), []

    def upper(thing: Thing) -> str:
        calls.append(thing.name)
        return thing.name.upper()

    a = Thing("a")
    assert [once(upper, a), once.each(upper, a), once(upper, ByValue(a))] == ["A", "A", "A"]
    assert calls == ["a", "a", "a"]  # computed each time: nothing kept
    assert not once.same("actors", {"a": a}) and not once.same("actors", {"a": a})
    fresh = once.fresh("record", (Record("a", "x"),))
    assert once.by_record("loud", lambda r: r.text, fresh) == {"a": "x"} and once.by_record("loud", lambda r: r.id, fresh) == {
        "a": "a"
    }
    assert once.new == {} and once.kept == {} and once.kept_values == {} and once.maps == {} and once.records == {}
    records = check(SAMPLE)
    assert link_records(records) == link_records(records, Memo())  # link_records without a memo uses Once
