"""Python's garbage collector, tuned for a full-screen app that draws at 60 frames a
second over a book of 100,000 leads (the figures from benchmarks/run.py)."""

from __future__ import annotations

import gc

GC_YOUNG_THRESHOLD = 2000
"""Objects made (less those freed) between two of Python's youngest garbage collections;
700 by default. A frame makes thousands (styles, strips, segments), so the collector ran
dozens of times a second and walked every object, 15-30 ms, every second or two, in the
middle of a key. At 100,000 leads (benchmarks/run.py), with `settle_garbage`: Today after
a write p95 104 -> 56 ms, Insights shown p95 50 -> 21 ms, for 9 MB more at the peak
(5,000 cost 28 MB)."""

SETTLED_AFTER = 3.0
"""Seconds after start when what the start made (Textual's modules and styles, the first
screen, the quick log, Insights' report) is settled (`settle_garbage`)."""


def settle_garbage() -> None:
    """Freeze what is left after the next full collection (gc.freeze): still freed by
    their counts, but no longer walked, so each full collection after takes half as
    long. After a collection, since frozen garbage would never be collected; the next
    one the collector makes by itself, since one asked for now (gc.collect) held the
    app up for 40-50 ms, in the middle of whatever key the owner pressed then."""
    gc.callbacks.append(_freeze_after_full_collection)


def _freeze_after_full_collection(phase: str, info: dict) -> None:
    """Once (nothing frozen yet): it stays in gc.callbacks, since taking it out while the
    collector walks that list would skip the callback after it."""
    if phase == "stop" and info["generation"] == 2 and not gc.get_freeze_count():
        gc.freeze()


def collect_garbage_less_often() -> None:
    """The young threshold raised to GC_YOUNG_THRESHOLD, the older ones left as they are."""
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
