"""Python's garbage collector in a full-screen app that draws at 60 frames a second: a
frame makes thousands of objects (styles, strips, segments), so the collector runs
dozens of times a second, and now and then walks every object the app holds (15-40 ms
at 100,000 leads, in the middle of a key). What the start made is frozen out of those
walks (gc.freeze), after a collection run at a quiet moment (`GarbageSettler`)."""

from __future__ import annotations

import gc
from time import monotonic
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

FIRST_SETTLE = 0.35
"""Seconds after start when the first settler starts waiting: the quick log is built
(0.3 s), and the first screen's data is in or on its way (a worker, waited for)."""

SETTLED_AFTER = 3.0
"""Seconds after start when what the start does later (the quick log, the email and phone
checks' tables, Insights' report) is done and can be settled in its turn."""

QUIET = 0.15
"""Seconds with no key or click, and no worker running, before a collection may run."""

POLL = 0.05
"""How often a settler checks for a quiet moment, in seconds."""

PATIENCE = 5.0
"""Seconds of keys with no quiet moment after which the freeze is left to the next full
collection the collector makes by itself (`settle_garbage`)."""


class GarbageSettler:
    """Collects and freezes what the app holds at the first quiet moment: after a paint,
    with no key or click for QUIET seconds and no worker running (a collection holds
    every thread up: 40-50 ms at the start). The first settles right after the first
    screen shows its data, which a user's first key rarely comes before; left to the
    collector, the first full collections (36 ms, then as long again before anything
    was frozen) fell in the first keys on the board."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.last_input = monotonic()

    def input_seen(self) -> None:
        self.last_input = monotonic()

    def settle(self) -> None:
        """Wait for a quiet moment (or PATIENCE), then collect and freeze."""
        started = monotonic()

        def check() -> None:
            if self._quiet():
                timer.stop()
                self.app.call_after_refresh(self._collect_and_freeze)
            elif monotonic() - started > PATIENCE:
                timer.stop()
                settle_garbage()

        timer = self.app.set_interval(POLL, check)

    def _quiet(self) -> bool:
        if monotonic() - self.last_input < QUIET:
            return False
        return not any(worker.is_running for worker in self.app.workers)

    def _collect_and_freeze(self) -> None:
        if not self._quiet():  # a key or a worker came in the meantime
            self.settle()
            return
        gc.collect()
        gc.freeze()


_armed = False
"""Whether the next full collection the collector makes freezes what it leaves."""


def settle_garbage() -> None:
    """Freeze what is left after the next full collection the collector makes by itself:
    still freed by their counts, but no longer walked, so each full collection after takes
    less long. After a collection, since frozen garbage would never be collected."""
    global _armed
    _armed = True
    if _freeze_after_full_collection not in gc.callbacks:
        gc.callbacks.append(_freeze_after_full_collection)


def _freeze_after_full_collection(phase: str, info: dict) -> None:
    """Once per settle_garbage: it stays in gc.callbacks, since taking it out while the
    collector walks that list would skip the callback after it."""
    global _armed
    if _armed and phase == "stop" and info["generation"] == 2:
        _armed = False
        gc.freeze()
