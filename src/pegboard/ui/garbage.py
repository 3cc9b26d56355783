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
    """Collect what the start left over, then freeze the rest (gc.freeze): still freed
    by their counts, but no longer walked, so a full collection takes half as long.
    Frozen garbage would never be collected, hence the collection first."""
    gc.collect()
    gc.freeze()


def collect_garbage_less_often() -> None:
    """The young threshold raised to GC_YOUNG_THRESHOLD, the older ones left as they are."""
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
