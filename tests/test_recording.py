"""Recording: what pages read of the model, which paths changed, which pages read them, and that a session's old
model is freed as soon as it is replaced."""

from __future__ import annotations

import gc
import shutil
import weakref
from pathlib import Path
from types import SimpleNamespace

from dossier.build import Session
from dossier.recording import LENGTH, Changes, Readers, Recorder, RecordingSite

SAMPLE = Path(__file__).parent / "sample"


def test_reads_are_recorded_down_to_the_entry_and_the_length() -> None:
    recorder = Recorder()
    site = RecordingSite(SimpleNamespace(event={"a": ("x", "y"), "b": ()}, events=(1, 2, 3)), recorder)
    recorder.push()
    assert len(site.events) == 3
    assert [x for x in site.event["a"]] == ["x", "y"]  # list() would ask the length first
    assert recorder.pop() == {("events", LENGTH), ("event", "a")}


def test_readers_name_the_pages_that_read_a_changed_path_and_follow_their_new_reads() -> None:
    old = SimpleNamespace(event={"a": 1, "b": 2}, events=(1, 2))
    new = SimpleNamespace(event={"a": 1, "b": 3}, events=(1, 2))
    readers = Readers()
    a, b, both = frozenset({("event", "a")}), frozenset({("event", "b")}), frozenset({("events", LENGTH), ("event", "b")})
    readers.sync({"a.html": a, "b.html": b, "index.html": both})
    assert readers.touched(Changes(old, new)) == {"b.html", "index.html"}
    readers.sync({"a.html": a, "index.html": frozenset({("event", "a")})})  # b.html gone, index.html reads "a" now
    assert readers.touched(Changes(old, new)) == set()
    assert readers.pages == {("event", "a"): {"a.html", "index.html"}}
    assert readers.touched(Changes(old, old, templates=["x.html"])) == set()
    readers.sync({"a.html": frozenset({("<template>", "x.html")})})
    assert readers.touched(Changes(old, old, templates=["x.html"])) == {"a.html"}


def test_a_rebuild_frees_the_old_model_without_the_cyclic_collector(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(SAMPLE, root)
    session = Session(root)
    enabled = gc.isenabled()
    gc.disable()
    try:
        session.build(tmp_path / "site", search=False, defer=True, drafts=True)
        assert session.previous is not None
        old = weakref.ref(session.previous.site)
        event = root / "content/events/2021-aid.yaml"
        event.write_text(event.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
        session.build(tmp_path / "site", search=False, defer=True, drafts=True)
        session.catch_up(search=False)
        assert old() is None  # Jinja's contexts make cycles; they no longer hold the model
    finally:
        if enabled:
            gc.enable()


def test_a_path_under_the_same_object_is_unchanged_and_others_are_compared_by_value() -> None:
    a, b = ("a",), ("b",)
    old = SimpleNamespace(event={"a": a, "b": b}, search={"event": {"a": {"x": 1}, "b": {"x": 2}}}, events=(a, b))
    new = SimpleNamespace(event={"a": a, "b": ("b2",)}, search={"event": {"a": {"x": 1}, "b": {"x": 3}}}, events=(a,))
    changes = Changes(old, new)
    assert changes.moved_keys("event") == {"b"}
    assert [changes.changed(p) for p in [("event", "a"), ("event", "b"), ("event", "c")]] == [False, True, False]
    assert changes.changed(("search", "event", "a", "x")) is False  # a new object, an equal value
    assert changes.changed(("search", "event", "b", "x")) is True
    assert changes.changed(("events", LENGTH)) is True and changes.moved_keys("events") is None
    readers = Readers()
    readers.sync({"a.html": frozenset({("search", "event", "a", "x")}), "b.html": frozenset({("event", "b")})})
    assert readers.touched(Changes(old, new)) == {"b.html"}


def test_moved_keys_are_found_in_maps_of_the_same_order_or_not_and_a_key_in_neither_is_never_compared() -> None:
    a, b, c = ("a",), ("b",), ("c",)
    old = SimpleNamespace(event={"a": a, "b": b}, disputes={"a": a})
    same_order = Changes(old, SimpleNamespace(event={"a": a, "b": ("b2",)}, disputes={"a": a}))
    assert same_order.moved_keys("event") == {"b"} and same_order.moved_keys("disputes") == set()
    other_order = Changes(old, SimpleNamespace(event={"c": c, "b": b}, disputes={}))
    assert other_order.moved_keys("event") == {"a", "c"} and other_order.moved_keys("disputes") == {"a"}
    readers = Readers()
    readers.sync({"x.html": frozenset({("disputes", "x"), ("event", "a")}), "b.html": frozenset({("event", "b")})})
    assert readers.touched(same_order) == {"b.html"}
    assert ("disputes", "x") not in same_order.known  # no dispute for x in either model: not even looked up
    assert readers.touched(other_order) == {"x.html"}
    readers.sync({"b.html": frozenset({("event", "b")})})
    assert readers.pages == {("event", "b"): {"b.html"}} and set(readers.groups) == {"event"}
