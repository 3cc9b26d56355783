"""The app's garbage collector settings (pegboard.ui.garbage): what they change in Python's
collector, and what they leave, put back after each test."""

from __future__ import annotations

import gc

from pegboard.ui.garbage import (
    GC_YOUNG_THRESHOLD,
    _freeze_after_full_collection,
    collect_garbage_less_often,
    settle_garbage,
)


def test_the_young_threshold_is_raised_and_the_older_ones_kept():
    before = gc.get_threshold()
    try:
        collect_garbage_less_often()
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *before[1:])
        assert before[0] < GC_YOUNG_THRESHOLD
    finally:
        gc.set_threshold(*before)


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
