"""The app's garbage collector settings (pegboard.ui.garbage): what they do to Python's
collector, put back after each test."""

from __future__ import annotations

import asyncio
import gc
import threading
import time

from textual import work
from textual.app import App

from pegboard.ui import garbage
from pegboard.ui.garbage import GarbageSettler, _freeze_after_full_collection, settle_garbage


def test_settling_freezes_what_the_next_full_collection_leaves():
    class Node:
        pass

    def cycle() -> None:
        node = Node()
        node.me = node  # garbage only a collection frees

    def nodes() -> int:
        return sum(isinstance(thing, Node) for thing in gc.get_objects())

    gc.disable()
    try:
        settle_garbage()
        gc.collect(1)  # not a full collection: nothing is frozen yet
        assert gc.get_freeze_count() == 0
        cycle()
        assert nodes() == 1
        gc.collect()  # what the collector does by itself, every so often
        assert nodes() == 0
        assert gc.get_freeze_count() > 0
        frozen = gc.get_freeze_count()
        cycle()
        gc.collect()  # once only: later garbage is collected and nothing more frozen
        assert nodes() == 0 and gc.get_freeze_count() == frozen
        settle_garbage()  # a second settling (after the start's later work) freezes again
        kept = [Node()]  # what the start's later work made and keeps
        cycle()
        gc.collect()
        # The kept node is frozen now (out of the walks, so out of gc.get_objects).
        assert nodes() == 0 and gc.get_freeze_count() > frozen and kept
    finally:
        gc.callbacks.remove(_freeze_after_full_collection)
        gc.unfreeze()
        gc.enable()


class Busy(App):
    """An app with a worker that runs until told to stop."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    @work(thread=True)
    def hold(self) -> None:
        self.release.wait(5)


async def _wait_for(condition, seconds: float = 2.0) -> bool:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


async def test_a_settler_collects_and_freezes_at_the_first_quiet_moment_only():
    """Not while keys come (each keeps it waiting QUIET seconds more), not while a worker
    runs (a collection would hold its thread up too); then at once."""
    app = Busy()
    try:
        async with app.run_test():
            settler = GarbageSettler(app)
            app.hold()
            settler.settle()
            for _ in range(6):  # keys, a little quicker than QUIET apart
                settler.input_seen()
                assert not await _wait_for(gc.get_freeze_count, garbage.QUIET * 0.7)
            assert not await _wait_for(gc.get_freeze_count, garbage.QUIET * 2)  # the worker
            app.release.set()
            assert await _wait_for(gc.get_freeze_count)
    finally:
        app.release.set()
        gc.unfreeze()


async def test_a_settler_with_no_quiet_moment_leaves_it_to_the_next_full_collection(
    monkeypatch,
):
    monkeypatch.setattr(garbage, "PATIENCE", 0.3)
    app = Busy()
    try:
        async with app.run_test():
            settler = GarbageSettler(app)
            settler.settle()
            until = time.monotonic() + 0.6
            while time.monotonic() < until:  # a key every 50 ms
                settler.input_seen()
                await asyncio.sleep(0.05)
            assert gc.get_freeze_count() == 0 and garbage._armed
            gc.collect()
            assert gc.get_freeze_count() > 0 and not garbage._armed
    finally:
        if _freeze_after_full_collection in gc.callbacks:
            gc.callbacks.remove(_freeze_after_full_collection)
        garbage._armed = False
        gc.unfreeze()
