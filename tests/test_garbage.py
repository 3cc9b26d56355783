"""The app's garbage collector settings (pegboard.ui.garbage): what they change in Python's
collector, and what they leave, put back after each test."""

from __future__ import annotations

import gc

from pegboard.ui.garbage import GC_YOUNG_THRESHOLD, collect_garbage_less_often, settle_garbage


def test_the_young_threshold_is_raised_and_the_older_ones_kept():
    before = gc.get_threshold()
    try:
        collect_garbage_less_often()
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *before[1:])
        assert before[0] < GC_YOUNG_THRESHOLD
    finally:
        gc.set_threshold(*before)


def test_settling_collects_the_leftover_cycles_before_it_freezes_the_rest():
    class Node:
        pass

    def cycle() -> None:
        node = Node()
        node.me = node  # garbage only a collection frees

    gc.disable()
    try:
        cycle()
        assert any(isinstance(thing, Node) for thing in gc.get_objects())
        settle_garbage()
        assert not any(isinstance(thing, Node) for thing in gc.get_objects())
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
