"""Heap: when the preview's Python collects its cyclic garbage, so that no collection of the whole heap (seconds on
a large dossier) lands inside a save's rebuild or a tab's reload.

A save makes a new model: with the collector running, its objects would set off a
collection of the whole heap in the middle of the rebuild. The preview pauses the
collector from a save until its tabs have reloaded (:func:`gc_paused`), then collects
the young objects and freezes the survivors, the new model (:func:`settle_heap`); the
old model is freed by reference counting (see ``recording.RecordingSite.close``). What
little cyclic garbage older models leave is collected once no save came for
:data:`IDLE` seconds (:func:`collect_all`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

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
