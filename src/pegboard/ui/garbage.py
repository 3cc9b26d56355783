"""Python's garbage collector in a full-screen app that draws at 60 frames a second: a
frame makes thousands of objects (styles, strips, segments), so the collector runs
dozens of times a second, and now and then walks every object the app holds (15-30 ms
at 100,000 leads, in the middle of a key). What the start made is frozen out of those
walks once the app has settled."""

from __future__ import annotations

import gc

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
