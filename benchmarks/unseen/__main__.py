"""The many-library benchmark: API retrieval on real libraries treated as private.

    python -m benchmarks.unseen                          # test libraries of suite.json (reported)
    python -m benchmarks.unseen --split dev              # dev libraries (what weights are fitted on)
    python -m benchmarks.unseen --libraries httpx,attrs  # some libraries only
    python -m benchmarks.unseen --problems my.jsonl --library path/to/lib [--library other.whl]

The suite's libraries are fetched (wheels with ``pip download --no-deps``, sdists from the index's
JSON API), indexed and mined once into ``--cache``; nothing of theirs is imported. Every problem is
ranked by Apiary's retriever (the whole editor context) and by two baselines reading the comment
alone: BM25 over the API texts and all-MiniLM-L6-v2 over the stored API vectors. Figures per
library and pooled go to the terminal, to ``--json`` and to a plot beside it.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from apiary.retrieval.encoder import load_encoder
from apiary.retrieval.hybrid import HybridRetriever
from apiary.retrieval.rerank import CrossEncoderReranker
from apiary.retrieval.store import IndexStore
from apiary.weights import load_weights
from apiary_training.suite.definition import load_suite
from apiary_training.suite.problems import SuiteCache
from benchmarks.unseen.evaluate import SETS, LibraryResult, evaluate_library, pooled
from benchmarks.unseen.report import print_report, write_report
from benchmarks.unseen.sets import file_set, given_sets, suite_sets

HERE = Path(__file__).parent
RESULTS = HERE.parent / "results"
SUITE_FILE = HERE / "suite.json"
CACHE_ROOT = HERE.parent / ".cache" / "unseen"


def onnx_encoder(spec: str | None):
    """The encoder exported to ONNX (int8), as users' `apiary index`, `suggest` and server get it."""
    from apiary.retrieval.onnx_encoder import OnnxQueryEncoder, export_for_queries, query_encoder

    export_for_queries(spec)
    encoder = query_encoder(spec)
    if not isinstance(encoder, OnnxQueryEncoder):
        raise SystemExit("the encoder could not be exported to ONNX here")
    return encoder


def main(argv: list[str] | None = None) -> dict:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    encoder = onnx_encoder(args.encoder) if args.onnx else load_encoder(args.encoder, quantize=not args.no_quantize)
    cache = SuiteCache(Path(args.cache))
    store = IndexStore(cache.root / ("indexes-onnx" if args.onnx else "indexes"), encoder)
    results: list[LibraryResult] = []
    for problem_set in _sets(args, cache, store):
        result = evaluate_library(problem_set.name, problem_set.split, problem_set.kind, problem_set.index,
                                  problem_set.problems, encoder, _retriever_factory(args))
        figures = "  ".join(f"{name} n={len(r.task_ids)} R@1 {r.summary()['apiary']['R@1']:.3f}"
                            for name, r in result.sets.items() if r.task_ids)
        print(f"  {problem_set.name}: {figures}", flush=True)
        results.append(result)
    report = {
        "split": "given" if args.problems else args.split,
        "encoder": encoder.id,
        "weights": (load_weights(Path(args.weights)) if args.weights else load_weights()).fitted,
        "seconds": round(time.perf_counter() - started, 1),
        "libraries": {r.name: r.summary() for r in results},
        "pooled": {name: pooled(results, name) for name in SETS},
    }
    print_report(report)
    write_report(report, Path(args.json or RESULTS / f"unseen-{report['split']}.json"))
    if args.per_problem:
        _write_per_problem(results, Path(args.per_problem))
    return report


def _sets(args: argparse.Namespace, cache: SuiteCache, store: IndexStore):
    if args.problems:
        if not args.library:
            raise SystemExit("--problems needs at least one --library")
        yield file_set(Path(args.problems), args.library, cache, store, name=args.name)
        return
    suite = load_suite(Path(args.suite))
    names = [n.strip() for n in args.libraries.split(",") if n.strip()] if args.libraries else None
    yield from suite_sets(suite, args.split, names, cache, store, args.limit)
    if not names and not args.no_given:
        yield from given_sets(Path(args.suite), args.split, cache, store)


def _retriever_factory(args: argparse.Namespace):
    tree = load_weights(Path(args.weights)) if args.weights else load_weights()
    reranker = CrossEncoderReranker(args.reranker) if args.reranker else None

    def make(encoder, indexes):
        return HybridRetriever(encoder, indexes, tree.retrieval, reranker, lexical_weights=tree.retrieval_lexical)

    return make


def _write_per_problem(results: list[LibraryResult], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for result in results:
            for set_name, part in result.sets.items():
                for i, task_id in enumerate(part.task_ids):
                    gold, _ = part.ranked["apiary"][i]
                    row = {"task_id": task_id, "set": set_name, "gold": gold} | {
                        m: part.ranked[m][i][1] for m in part.ranked
                    }
                    f.write(json.dumps(row) + "\n")
    print(f"per-problem rankings written to {path}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", default=str(SUITE_FILE))
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--libraries", help="comma-separated suite libraries (default: every one of the split)")
    parser.add_argument("--problems", help="a problems file (prompt, gold_apis) instead of the suite")
    parser.add_argument("--library", action="append", help="with --problems: a library path, wheel or NAME==VERSION")
    parser.add_argument("--name", help="with --problems: the name to report")
    parser.add_argument("--limit", type=int, help="at most this many problems per library (a quick run)")
    parser.add_argument("--cache", default=str(CACHE_ROOT))
    parser.add_argument("--encoder", help="encoder directory (default: the bundled all-MiniLM-L6-v2)")
    parser.add_argument("--no-quantize", action="store_true", help="float32 encoder (default: int8 on CPU)")
    parser.add_argument(
        "--onnx",
        action="store_true",
        help="the encoder exported to ONNX (int8), for the index and the queries, as `apiary index` uses it",
    )
    parser.add_argument(
        "--weights", help="a weights file to rank with (default: the shipped server/apiary/weights.json)"
    )
    parser.add_argument(
        "--reranker", help="an API reranker directory (apiary-train train crossencoder) over the top APIs"
    )
    parser.add_argument(
        "--no-given",
        action="store_true",
        help="leave out the problem sets the suite file names (TorchDataEval, the example library)",
    )
    parser.add_argument("--json", help="where the figures go (default: benchmarks/results/unseen-<split>.json)")
    parser.add_argument("--per-problem", help="also write every problem's rankings to this JSON Lines file")
    return parser


if __name__ == "__main__":
    main()
