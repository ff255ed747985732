"""Python's cyclic garbage collector, kept off what builds and loads make.

A full collection holds the interpreter's lock while it walks every object it tracks: 0.46-0.48 s
with transformers and sympy loaded (36,362 APIs) and their build memory beside, a million objects,
in whichever request came while it ran. Those objects are an index's and a build's, made at once and
long-lived; they hold almost no cycles (a deep collection after six re-indexes found 506 unreachable
objects among 1.1 million). So what a build or load made is frozen at its end (`gc.freeze`), out of
every later collection's walk; a full collection of the rest took 0-1 ms after each of those six
re-indexes. Frozen objects are still freed as soon as nothing refers to them; only those in cycles
wait for a `deep_collection`, which a server runs rarely, when its client pauses.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: a threshold no count of young collections reaches: Python starts no full collection of its own
_NEVER = 1 << 30


@contextmanager
def collector_paused() -> Iterator[None]:
    """No collection while the block runs, and what it kept frozen after it: parsing a library or
    loading its index makes millions of small objects and no cycles worth collecting (the collector,
    triggered by every 700 allocations, was a sixth of networkx's parse: 0.83 s -> 0.68 s), and the
    first young collection after the block would walk every object made in it (0.1 s after loading
    transformers' index)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def defer_full_collections() -> None:
    """Python starts no full collection of its own from now on: whoever runs this process runs them
    (`collect`) where nobody waits (a server, when its client pauses: `lsp.idle_collection`). Young
    collections go on as before."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, _NEVER)


def collect() -> int:
    """A full collection of what no build or load froze; the unreachable objects it found."""
    return gc.collect()


def deep_collection() -> int:
    """A full collection of every object, the frozen ones included (the cycles among what builds made,
    left when an edit replaced an index); what survives is frozen again. The unreachable objects it
    found."""
    gc.unfreeze()
    try:
        return gc.collect()
    finally:
        gc.freeze()
