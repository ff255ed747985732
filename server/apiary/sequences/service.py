"""Building a `Recommender` from what the user has: indexed libraries, the workspace, the configured
interpreter's standard library and packages, and an optional trained model.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from apiary.paths import cache_dir
from apiary.retrieval.encoder import Encoder
from apiary.sequences.compose import SequenceStats
from apiary.sequences.mine import (
    CorpusRoot,
    PairCache,
    Progress,
    interpreter_roots,
    library_roots,
    root_keys,
    types_key_of,
    workspace_root,
)
from apiary.sequences.neighbours import PairIndex, description_vectors, lexical_key, pair_vectors
from apiary.sequences.recommend import Recommender, api_name, hybrid_api_search, library_modules, public_names
from apiary.sequences.snapshot import read_snapshot, snapshot_key, used_since, write_snapshot
from apiary.weights import SequenceWeights, load_weights

log = logging.getLogger(__name__)


def return_types_of(indexes: Sequence) -> dict[str, str]:
    """``{api: class it returns}`` from the return annotations indexed documentation gives."""
    found: dict[str, str] = {}
    for index in indexes:
        for entry in index.entries:
            if entry.returns:
                owner = index.catalogue.class_of_annotation(entry.returns)
                if owner:
                    found[api_name(entry)] = owner
    return found


def corpus_roots(indexes: Sequence = (), workspace: Path | None = None, python: str | None = None,
                 extra: Sequence[Path] = (), interpreter: bool | None = None) -> list[CorpusRoot]:
    """With libraries: their own code, examples and tests; without (or with ``interpreter``): the
    interpreter's standard library and packages too."""
    from apiary.docs.locate import locate

    roots: list[CorpusRoot] = []
    for index in indexes:
        info = index.info
        try:
            source = locate(info.spec, name=info.name, python=python)
        except Exception as error:  # the library's files may be gone; its docs still serve
            log.warning("no code of %s to mine: %s", info.name, error)
            continue
        if source.kind in ("tree", "module", "wheel", "sdist"):
            roots.extend(library_roots(source.root, info.name))
    if interpreter if interpreter is not None else not indexes:
        roots.extend(interpreter_roots(python))
    if workspace is not None:
        roots.append(workspace_root(workspace))
    roots.extend(CorpusRoot(Path(p).resolve(), frozenset(), "local") for p in extra)
    return roots


def build_recommender(encoder: Encoder, indexes: Sequence = (), roots: Sequence[CorpusRoot] = (),
                      model_dir: Path | None = None, cache: Path | None = None,
                      weights: SequenceWeights | None = None, progress: Progress | None = None,
                      deadline: float | None = None) -> Recommender:
    """Mine (or load the cached pairs of) ``roots``, index them, and add documentation composition
    over ``indexes`` and the model at ``model_dir`` when given; one set of ``weights`` for all.
    Roots not mined by ``deadline`` (`time.monotonic`) are left for a later build
    (`Recommender.unmined`)."""
    weights = weights if weights is not None else load_weights().sequences
    cache = cache or cache_dir() / "apiseq"
    mined = mined_index(encoder, list(roots), return_types_of(indexes), cache, weights, progress, deadline)
    api_search = None
    if indexes:
        from apiary.retrieval.hybrid import HybridRetriever

        api_search = hybrid_api_search(HybridRetriever(encoder, list(indexes)))
    model = None
    if model_dir is not None:
        from apiary.sequences.model import Seq2SeqSequenceModel

        model = Seq2SeqSequenceModel(model_dir)
    return Recommender(mined.index, model, api_search, stats=mined.stats, weights=weights, unmined=mined.left,
                       libraries=library_modules(indexes), public_name=public_names(indexes))


@dataclass(frozen=True)
class MinedIndex:
    index: PairIndex | None
    stats: SequenceStats
    #: roots not mined by the deadline
    left: tuple[CorpusRoot, ...] = ()


def mined_index(encoder: Encoder, roots: list[CorpusRoot], return_types: dict[str, str], cache: Path,
                weights: SequenceWeights, progress: Progress | None = None,
                deadline: float | None = None) -> MinedIndex:
    """The pairs of ``roots`` indexed: from their corpus snapshot when one was kept, else assembled
    from the per-root caches (mining and encoding what they lack), and kept as a snapshot once whole."""
    if not roots:
        return MinedIndex(None, SequenceStats([], weights))
    keys = root_keys(roots, return_types)
    key = snapshot_key(keys, types_key_of(return_types), encoder.id)
    snapshot = read_snapshot(cache, key, encoder.dim)
    if snapshot is not None:
        index = PairIndex(snapshot.pairs, encoder, vectors=snapshot.vectors, weights=weights, lexical_cache=cache,
                          lexical_key=snapshot.lexical_key)
        return MinedIndex(index, SequenceStats(snapshot.pairs, weights, snapshot.names))
    by_description: dict = {}

    def encode(pairs: list) -> None:  # each root's descriptions as it comes, so the deadline covers encoding
        by_description.update(description_vectors([p.desc for p in pairs], encoder, cache, progress))

    started = time.time() - 2  # a file's time may trail the clock a little
    corpus = PairCache(cache).corpus(roots, return_types, progress, deadline, encode, keys)
    stats = SequenceStats(corpus.pairs, weights)
    if not corpus.pairs:
        return MinedIndex(None, stats, corpus.left)
    vectors = pair_vectors(corpus.pairs, by_description, encoder.dim)
    lexical = lexical_key([p.desc for p in corpus.pairs])
    index = PairIndex(corpus.pairs, encoder, vectors=vectors, weights=weights, lexical_cache=cache,
                      lexical_key=lexical)
    if not corpus.left:
        write_snapshot(cache, key, corpus.pairs, vectors, stats.names(), lexical, uses=used_since(cache, started))
    return MinedIndex(index, stats, corpus.left)
