"""The garbage collector paused for a big build or load (`apiary.collector.collector_paused`)."""

from __future__ import annotations

import gc
import weakref

from apiary.collector import collector_paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_what_the_block_keeps_is_moved_to_the_oldest_generation_and_the_collector_runs_again():
    with collector_paused():
        assert not gc.isenabled()
        kept = [_Node() for _ in range(1000)]
    assert gc.isenabled()
    young = {id(o) for generation in (0, 1) for o in gc.get_objects(generation=generation)}
    assert not any(id(node) in young for node in kept)
    assert any(node is kept[0] for node in gc.get_objects(generation=2))


def test_a_cycle_made_in_the_block_is_still_collected():
    with collector_paused():
        first, second = _Node(), _Node()
        first.other, second.other = second, first
        watched = weakref.ref(first)
        del first, second
    assert watched() is not None  # a cycle: only the collector frees it
    gc.collect()
    assert watched() is None
