"""Heap: when Python collects its cyclic garbage, so that no collection of the whole heap (seconds on a large
dossier) lands inside a build, a save's rebuild or a tab's reload.

A build makes millions of objects (records, their locations, the model), and Python's
collector, counting them, would walk the whole growing heap again and again: at 10,000
events that was 7 of the 18 seconds of loading, checking and linking, for 2 % less peak
memory. So a build pauses the collector (:func:`gc_paused`; loading, checking and
linking make next to no cyclic garbage), and a render worker freezes the model it was
given (:func:`worker_heap`): it collects the garbage of its own pages, never walking the
model.

A save makes a new model: with the collector running, its objects would set off a
collection of the whole heap in the middle of the rebuild. The preview pauses the
collector from a save until its tabs have reloaded (:func:`gc_paused`), then collects
the young objects and freezes the survivors, the new model (:func:`settle_heap`); the
old model is freed by reference counting (see ``recording.RecordingSite.close``). What
little cyclic garbage older models leave is collected once no save came for
:data:`IDLE` seconds (:func:`collect_all`).
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

IDLE = 20.0  # seconds without a save after which the preview collects its cyclic garbage (see collect_all)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused (and turned back on after, if it was on), for a save's rebuild and
    the tabs' reload."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def quiet(function: Callable[P, T]) -> Callable[P, T]:
    """``function`` run with the collector paused (see :func:`gc_paused`): a build, a check."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        with gc_paused():
            return function(*args, **kwargs)

    return paused


def worker_heap() -> None:
    """In a render worker, once it holds the model (forked, or unpickled): freeze it, and collect only what rendering
    makes (Jinja's contexts are cycles)."""
    gc.freeze()
    gc.enable()


def settle_heap() -> None:
    """Collect the young objects a rebuild made (its garbage with them) and freeze what survives, the new model: the
    collector then never walks the model again on its own, so no collection of the whole heap (seconds on 10,000
    events) falls in a later save's build or a tab's reload. Run while the collector is paused, after the reload."""
    gc.collect(1)
    gc.freeze()


def collect_all() -> None:
    """Collect everything, frozen objects included (the few cycles older models left), and freeze the rest again:
    run once the preview has had no save for :data:`IDLE` seconds."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
