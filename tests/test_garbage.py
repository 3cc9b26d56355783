"""The app's garbage collector settings (pegboard.ui.garbage): what they do to Python's
collector, put back after each test."""

from __future__ import annotations

import gc

from pegboard.ui.garbage import _freeze_after_full_collection, settle_garbage


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
    finally:
        gc.callbacks.remove(_freeze_after_full_collection)
        gc.unfreeze()
        gc.enable()
