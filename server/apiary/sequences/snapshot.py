"""The assembled corpus of a set of roots, kept whole so that a warm query reads three files.

A recommender over the standard library and packages assembles ~56,000 pairs from ~100 per-root
caches, renames doc pairs over all of them and stacks their vectors: about 1.5 s of Python work on
every fresh process. The snapshot keeps its result under one key (the roots' own keys, the return
types and the encoder): the pairs as JSON Lines decoded only when a neighbour is shown
(`LazyPairs`), their vectors as one ``.npy`` (``allow_pickle=False``), and what the ranking reads of
the APIs' names (`ApiNames`). Written atomically as one folder renamed into place; only the
most recently used few are kept. A snapshot also names the cache files it was assembled from and
keeps them dated as used; whatever in the cache folder has not been used for `STALE_AFTER_S` (the
caches of a package since upgraded, of an interpreter since removed) is removed when a new snapshot
is kept, so the cache does not grow with every upgrade.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

from apiary.sequences.compose import ApiNames
from apiary.sequences.extract import ApiSeqPair
from apiary.sequences.mine import mark_used, write_pairs

log = logging.getLogger(__name__)

#: bump when what a snapshot holds changes
SNAPSHOT_FORM = 3
#: snapshots kept per cache folder (one per interpreter and set of libraries a user queries)
KEPT_SNAPSHOTS = 4
#: cache files (pairs, vectors, BM25, snapshots) unused for this long are removed
STALE_AFTER_S = 30 * 24 * 3600
#: a snapshot's pair file is read whole: more than this is not one we wrote
MAX_PAIRS_BYTES = 2_000_000_000


class LazyPairs(Sequence[ApiSeqPair]):
    """Pairs as their JSON lines, each decoded when asked for (a query shows a few dozen of 56,000)."""

    def __init__(self, lines: list[bytes]):
        self._lines = lines

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, row):  # type: ignore[override]
        if isinstance(row, slice):
            return [ApiSeqPair.from_line(line) for line in self._lines[row]]
        return ApiSeqPair.from_line(self._lines[row])

    def __iter__(self) -> Iterator[ApiSeqPair]:
        return (ApiSeqPair.from_line(line) for line in self._lines)


@dataclass(frozen=True)
class CorpusSnapshot:
    pairs: Sequence[ApiSeqPair]
    vectors: np.ndarray
    names: ApiNames
    #: names the BM25 index over the pairs' descriptions (`neighbours.lexical_key`)
    lexical_key: str


def snapshot_key(root_keys: Sequence[str], types_key: str, encoder_id: str) -> str:
    digest = hashlib.sha256(f"{SNAPSHOT_FORM}\0{types_key}\0{encoder_id}".encode())
    for key in root_keys:
        digest.update(b"\0" + key.encode())
    return digest.hexdigest()[:20]


def read_snapshot(cache: Path, key: str, dim: int) -> CorpusSnapshot | None:
    """The snapshot under ``key``; None when there is none or it is damaged (the caller assembles anew)."""
    folder = cache / f"corpus-{key}"
    if not folder.is_dir():
        return None
    try:
        meta = orjson.loads(_read_bounded(folder / "meta.json", 50_000_000))
        lines = _read_bounded(folder / "pairs.jsonl", MAX_PAIRS_BYTES).splitlines()
        vectors = np.load(folder / "vectors.npy", allow_pickle=False)
        if len(lines) != meta["pairs"] or vectors.shape != (len(lines), dim) or vectors.dtype != np.float32:
            raise ValueError(f"{len(lines)} pairs and {vectors.shape} vectors where {meta['pairs']} were written")
        names = ApiNames.from_json(meta["names"])
        for name in [folder.name, *meta.get("uses", [])]:
            mark_used(cache / Path(str(name)).name)
        return CorpusSnapshot(LazyPairs(lines), vectors, names, str(meta["lexical_key"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        log.warning("ignoring the damaged corpus snapshot %s: %s", folder, error)
        return None


def write_snapshot(cache: Path, key: str, pairs: Sequence[ApiSeqPair], vectors: np.ndarray,
                   names: ApiNames, lexical_key: str, uses: Sequence[str] = ()) -> None:
    """Kept for the next process; a failure to write only costs that process the assembly again.
    ``uses``: the names of the cache files it was assembled from."""
    meta = {"pairs": len(pairs), "names": names.to_json(), "lexical_key": lexical_key, "uses": list(uses)}
    scratch = None
    try:
        cache.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=cache, prefix=".corpus-"))
        write_pairs(scratch / "pairs.jsonl", pairs)
        np.save(scratch / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
        (scratch / "meta.json").write_bytes(orjson.dumps(meta))
        folder = cache / f"corpus-{key}"
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(scratch, folder)
    except OSError as error:  # a read-only or full cache, or another process put it there first
        log.debug("corpus snapshot not kept: %s", error)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        return
    _drop_old_snapshots(cache)
    remove_stale(cache)


def used_since(cache: Path, since: float) -> list[str]:
    """The cache files (not snapshots) read or written since ``since`` (`time.time`)."""
    try:
        return sorted(p.name for p in cache.iterdir()
                      if not p.name.startswith((".", "corpus-")) and p.stat().st_mtime >= since)
    except OSError:
        return []


def remove_stale(cache: Path, now: float | None = None) -> list[str]:
    """Removes what in ``cache`` was last used more than `STALE_AFTER_S` ago; the names removed."""
    now = time.time() if now is None else now
    removed = []
    try:
        children = list(cache.iterdir())
    except OSError:
        return removed
    for child in children:
        try:
            stale = not child.name.startswith(".") and now - child.stat().st_mtime > STALE_AFTER_S
        except OSError:  # gone meanwhile
            continue
        if not stale:
            continue
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
        removed.append(child.name)
    return removed


def _drop_old_snapshots(cache: Path) -> None:
    try:
        snapshots = sorted(cache.glob("corpus-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:  # one went while listing: another process is tidying up
        return
    for stale in snapshots[KEPT_SNAPSHOTS:]:
        shutil.rmtree(stale, ignore_errors=True)


def _read_bounded(path: Path, limit: int) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path} is larger than {limit} bytes")
    return data
