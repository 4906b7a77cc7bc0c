"""Heap: the garbage collection policy — paused for a build or a save, a render worker's model frozen, a settled heap
frozen, all of it collected when idle."""

from __future__ import annotations

import gc
import weakref

import pytest

from dossier import heap
from dossier.build import check
from dossier.model import link_records
from dossier.pages import site_map
from tests.conftest import SAMPLE


def test_a_save_builds_with_the_cyclic_collector_paused_and_turns_it_back_on() -> None:
    assert gc.isenabled()
    with heap.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), heap.gc_paused():
        raise RuntimeError("a failed build")
    assert gc.isenabled()


def test_a_settled_heap_is_left_alone_by_the_collector_until_the_preview_is_idle() -> None:
    class Node:
        loop: object = None

    node = Node()
    node.loop = node  # a cycle: only the cyclic collector frees it
    freed = weakref.ref(node)
    try:
        heap.settle_heap()  # after a reload: what survives is frozen
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert freed() is not None  # frozen: no collection walks it, not even a full one
        heap.collect_all()  # once idle: everything is looked at again
        assert freed() is None
    finally:
        gc.unfreeze()


def test_a_quiet_function_runs_with_the_collector_paused_and_turns_it_back_on() -> None:
    @heap.quiet
    def build() -> bool:
        return gc.isenabled()

    assert build() is False
    assert gc.isenabled()


def test_a_render_worker_freezes_the_model_it_holds_and_collects_only_its_own_garbage() -> None:
    model = [{"event": index} for index in range(1000)]
    try:
        with heap.gc_paused():
            heap.worker_heap()
            assert gc.isenabled()  # collecting the pages' garbage
            assert gc.get_freeze_count() >= len(model)  # never walking the model
    finally:
        gc.unfreeze()


def test_loading_checking_and_linking_leave_no_cyclic_garbage() -> None:
    # a build pauses the collector, so garbage in cycles (a closure that calls itself, made per record) would stay
    gc.collect()
    with heap.gc_paused():
        site = link_records(check(SAMPLE))
        assert site_map(site)
        assert gc.collect() == 0
