"""The garbage collector kept off what builds and loads make (`apiary.collector`)."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

import pytest

from apiary.collector import collect, collector_paused, deep_collection


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_what_the_block_keeps_is_frozen_out_of_every_collections_walk_and_the_collector_runs_again():
    with collector_paused():
        assert not gc.isenabled()
        kept = [_Node() for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(kept)
    tracked = {id(o) for o in gc.get_objects()}  # every generation's, the frozen ones not among them
    assert not any(id(node) in tracked for node in kept)


def test_a_cycle_made_in_the_block_is_freed_by_a_deep_collection_only():
    with collector_paused():
        first, second = _Node(), _Node()
        first.other, second.other = second, first
        watched = weakref.ref(first)
        del first, second
    assert watched() is not None  # a cycle: only the collector frees it
    collect()
    assert watched() is not None  # frozen: out of a plain collection's walk
    assert deep_collection() >= 2
    assert watched() is None
    assert gc.get_freeze_count() > 0  # what survived is frozen again


def test_an_object_made_in_the_block_is_freed_once_nothing_refers_to_it():
    with collector_paused():
        alone = _Node()
        watched = weakref.ref(alone)
    del alone
    assert watched() is None


_ALLOCATE = """
import gc, sys
from apiary.collector import defer_full_collections
if sys.argv[1] == "deferred":
    defer_full_collections()
kept = [[n] for n in range(300_000)]  # long-lived objects: promoted to the oldest generation
print(gc.get_stats()[2]["collections"])
"""


@pytest.mark.parametrize(("mode", "any_full"), [("python's own", True), ("deferred", False)])
def test_a_process_that_defers_full_collections_runs_none_of_its_own(mode, any_full):
    done = subprocess.run([sys.executable, "-c", _ALLOCATE, mode], capture_output=True, text=True, timeout=60,
                          check=True)
    assert (int(done.stdout) > 0) is any_full
