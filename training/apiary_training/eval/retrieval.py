"""Retrieval metrics (recall@k, MRR) and their evaluation of a text encoder on retriever pairs.

Recall@k is the share of a query's relevant documents found in its top k (averaged over queries);
MRR the mean of 1/rank of the first relevant one (0 when none is ranked).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from apiary.docs.catalogue import Catalogue
from apiary.docs.entry import ApiEntry

KS = (1, 5, 10)


def recall_at_k(relevant: Iterable[str], ranked: Sequence[str], k: int) -> float:
    relevant = set(relevant)
    if not relevant:
        raise ValueError("recall needs at least one relevant document")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return len(relevant & set(ranked[:k])) / len(relevant)


def matches(gold: str, entry: ApiEntry) -> bool:
    """A gold API names an entry by import path, defining path, a dotted tail (``Table.keep``), or a
    bare name (TorchDataEval's ``cycle``)."""
    if gold in (entry.import_path, entry.qualname):
        return True
    if "." not in gold:
        return gold == entry.name
    return entry.import_path.endswith("." + gold) or entry.qualname.endswith("." + gold)


def resolve_gold(catalogue: Catalogue, gold: str) -> list[str]:
    """The import paths of the entries a gold API names: the entry itself, or a member a subclass
    inherits (``bs4.BeautifulSoup.find_all`` is ``bs4.element.Tag.find_all``), or every entry the
    name matches (a bare ``cycle``); none when the catalogue has no such API."""
    found = catalogue.find(gold)
    if found is not None:
        return [found.import_path]
    owner, _, attribute = gold.rpartition(".")
    owner_entry = catalogue.find(owner) if owner else None
    if owner_entry is not None:
        for ancestor in catalogue.ancestors(owner_entry.import_path)[1:]:
            inherited = catalogue.find(f"{ancestor}.{attribute}")
            if inherited is not None:
                return [inherited.import_path]
    matched = [e.import_path for e in catalogue.entries if matches(gold, e)]
    return matched or _reexported(catalogue, gold)


def _reexported(catalogue: Catalogue, gold: str) -> list[str]:
    """``urllib3.util.Retry``: a name a subpackage re-exports, defined somewhere below it
    (``urllib3.util.retry.Retry``, indexed as ``urllib3.Retry``); only when that is unambiguous."""
    package, _, name = gold.rpartition(".")
    below = {
        e.import_path
        for e in catalogue.entries
        if e.name == name and e.qualname.startswith(package + ".") and not e.owner
    }
    return sorted(below) if len(below) == 1 else []


def canonical_gold(catalogue: Catalogue, gold: Sequence[str]) -> list[str]:
    """Each gold API as the import path of its entry when the catalogue has it (as written otherwise, so
    an API the catalogue lacks still counts as not found)."""
    return list(dict.fromkeys(path for name in gold for path in (_canonical(catalogue, name),)))


def _canonical(catalogue: Catalogue, gold: str) -> str:
    if "." not in gold:  # a bare name (TorchDataEval's ``cycle``): every API of that name answers it
        return gold
    found = resolve_gold(catalogue, gold)
    return found[0] if found else gold


def gold_keys(gold: Sequence[str], entries: Sequence[ApiEntry]) -> list[str]:
    """Each ranked entry as the gold API it is, or as its own import path."""
    return [next((g for g in gold if matches(g, e)), e.import_path) for e in entries]


def all_at_k(relevant: Iterable[str], ranked: Sequence[str], k: int) -> float:
    """1 when every relevant document is in the top k, else 0."""
    relevant = set(relevant)
    if not relevant:
        raise ValueError("all@k needs at least one relevant document")
    return float(relevant <= set(ranked[:k]))


def reciprocal_rank(relevant: Iterable[str], ranked: Sequence[str]) -> float:
    relevant = set(relevant)
    for rank, doc in enumerate(ranked, 1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def summarize(results: Sequence[tuple[Iterable[str], Sequence[str]]], ks: Sequence[int] = KS) -> dict[str, float]:
    """Mean recall@k for every k and MRR over ``(relevant, ranked)`` results."""
    results = [(set(relevant), list(ranked)) for relevant, ranked in results]
    if not results:
        raise ValueError("no results to summarize")
    n = len(results)
    summary = {f"recall@{k}": sum(recall_at_k(g, r, k) for g, r in results) / n for k in ks}
    summary["mrr"] = sum(reciprocal_rank(g, r) for g, r in results) / n
    summary["queries"] = n
    return summary


Encode = Callable[[Sequence[str]], np.ndarray]


def rank_documents(encode: Encode, queries: Sequence[str], documents: Sequence[str], top: int) -> list[list[int]]:
    """For each query, the indices of the ``top`` documents by cosine similarity, best first."""
    q = _normalized(encode(list(queries)))
    d = _normalized(encode(list(documents)))
    scores = q @ d.T
    top = min(top, len(documents))
    order = np.argsort(-scores, axis=1, kind="stable")[:, :top]
    return order.tolist()


def evaluate_pairs(encode: Encode, records: Sequence[dict], ks: Sequence[int] = KS) -> dict[str, float]:
    """Each record's query against the pool of every record's positive and negatives (grouped by
    library when records name one, as a private library's index would be): recall@k and MRR."""
    by_library: dict[str, list[dict]] = {}
    for record in records:
        by_library.setdefault(record.get("library", ""), []).append(record)
    results: list[tuple[set[str], list[str]]] = []
    for group in by_library.values():
        pool = sorted({r["positive"] for r in group} | {n for r in group for n in r.get("negatives", ())})
        ranked = rank_documents(encode, [r["query"] for r in group], pool, max(ks))
        results.extend(({r["positive"]}, [pool[i] for i in order]) for r, order in zip(group, ranked, strict=True))
    return summarize(results, ks)


def _normalized(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)
