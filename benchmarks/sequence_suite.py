"""API-sequence suggestions on libraries nobody tuned to (issue "API sequence suggestions": the
many-library suite's comment -> calls pairs are description -> API sequence pairs too).

Every problem of `benchmarks.unseen` is such a pair: the comment or docstring sentence above a
statement (mined from a suite library's tests, examples, docs and users) or a request in users' own
words, and the library APIs the statement calls. Its intent is the query of what `apiary suggest
--lib NAME QUERY` builds: the library's index (documentation composed into sequences) and its own
code mined, nothing of this interpreter's packages. With ``--context`` documentation is read with the
code above the comment as well (its imports, the names in scope), as the editor's "Suggest API
sequence…" action reads it. Mined pairs from a file the problems were mined from (a package that
ships its tests) are left out, so no answer is looked up. Dev libraries choose weights; test
libraries are reported.

A problem is ``right`` when the top suggestion holds one of the APIs its statement calls, ``all``
when it holds every one; names are compared as the library's index resolves them (a method by its
class's public path, ``agate.Table::aggregate`` as ``agate.Table.aggregate``). BLEU-4 is Deep API
Learning Revisited's, of the top suggestion against the statement's APIs.

    python -m benchmarks.sequence_suite [--split dev|test] [--libraries agate,click] [--limit N]
        [--context] [--weights FILE] [--library-bonus X] [--per-problem FILE.jsonl]
        [--out benchmarks/results/sequence-suite-test.json]
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

from apiary.context.extract import extract_context_from_prefix
from apiary.docs.catalogue import Catalogue
from apiary.docs.locate import locate
from apiary.retrieval.query import query_from_context
from apiary.retrieval.store import IndexStore
from apiary.sequences.bleu import sequence_bleu
from apiary.sequences.compose import SequenceStats
from apiary.sequences.mine import library_roots
from apiary.sequences.recommend import Recommender
from apiary.sequences.service import build_recommender
from apiary.weights import SequenceWeights, load_weights
from apiary_training.eval.retrieval import canonical_gold
from apiary_training.suite.definition import load_suite
from apiary_training.suite.problems import SuiteCache, library_problems
from benchmarks.timing import write_figures
from benchmarks.unseen.__main__ import CACHE_ROOT, SUITE_FILE, onnx_encoder

RESULTS = Path(__file__).parent / "results"
SETS = ("mined", "user")


def api_path(catalogue: Catalogue, api: str) -> str:
    """A suggested API as the index names it (``Class::method`` and defining paths resolved);
    an API of another library as written."""
    dotted = api.replace("::", ".")
    found = catalogue.find(dotted)
    return found.import_path if found is not None else dotted


def judge(catalogue: Catalogue, suggestions: Sequence[Sequence[str]], gold_apis: Sequence[str]) -> dict:
    gold = canonical_gold(catalogue, gold_apis)
    ranked = [[api_path(catalogue, api) for api in apis] for apis in suggestions]
    top = ranked[0] if ranked else []
    return {
        "right": bool(set(top) & set(gold)),
        "all": bool(gold) and set(gold) <= set(top),
        "right_in_top5": any(set(apis) & set(gold) for apis in ranked[:5]),
        "bleu": sequence_bleu(gold, top) if top else 0.0,
        "top": top,
        "gold": gold,
    }


def problem_files(problems: Sequence[dict]) -> set[str]:
    """The files problems were mined from, as their last two path parts (``tests/test_table.py``)."""
    files = set()
    for problem in problems:
        parts = problem.get("source", "").split(":")
        if parts[0] in ("sdist", "doc", "user") and len(parts) >= 3:
            relative = parts[-2].split("/")
            files.add("/".join(relative[-2:]))
    return files


def without_files(recommender: Recommender, files: set[str]) -> tuple[Recommender, int]:
    """The recommender without the mined pairs of ``files`` (and their call statistics)."""
    index = recommender.index
    if index is None or not files:
        return recommender, 0
    keep = [i for i, pair in enumerate(index.pairs) if not any(pair.path.endswith("/" + f) for f in files)]
    if len(keep) == len(index.pairs):
        return recommender, 0
    kept = copy.copy(recommender)  # every other source and setting as they are
    kept.index = index.subset(keep)
    kept.stats = SequenceStats(kept.index.pairs, recommender.weights)
    return kept, len(index.pairs) - len(keep)


def summary(judged: Sequence[dict]) -> dict:
    n = len(judged)
    share = (lambda key: round(sum(j[key] for j in judged) / n, 4)) if n else (lambda key: None)
    return {"problems": n, "right": share("right"), "all": share("all"), "right_in_top5": share("right_in_top5"),
            "bleu": round(100 * sum(j["bleu"] for j in judged) / n, 2) if n else None}


def evaluate_library(library, suite, cache: SuiteCache, store: IndexStore, encoder, limit: int | None,
                     weights: SequenceWeights, with_context: bool = False) -> dict | None:
    problems = {
        "mined": [p.to_json() for p in library_problems(library, cache)][:limit],
        "user": suite.user_problems_of(library)[:limit],
    }
    if not any(problems.values()):
        return None
    source = locate(str(cache.wheel(library.requirement)), unpack_dir=cache.root / "sources")
    index = store.get_or_build(source).index
    recommender = build_recommender(encoder, [index], library_roots(source.root, library.name),
                                    cache=cache.root / "apiseq", weights=weights)
    recommender, left_out = without_files(recommender, problem_files(problems["mined"]))
    result: dict = {"split": library.split, "apis": len(index.entries), "pairs_left_out": left_out}
    for set_name, items in problems.items():
        judged = []
        for problem in items:
            context = query_from_context(extract_context_from_prefix(problem["prompt"]))
            query = problem.get("intent") or context.intent
            found = recommender.suggest(query, top_k=5, context=context if with_context else None) if query else []
            suggestions = [s.apis for s in found]
            judged.append({"task_id": problem["task_id"], "query": query,
                           **judge(index.catalogue, suggestions, problem["gold_apis"])})
        result[set_name] = {**summary(judged), "judged": judged}
    return result


def pooled(results: dict[str, dict], set_name: str) -> dict:
    judged = [j for r in results.values() for j in r.get(set_name, {}).get("judged", ())]
    return summary(judged)


def _without_problems(result: dict) -> dict:
    return {key: ({n: v for n, v in value.items() if n != "judged"} if key in SETS else value)
            for key, value in result.items()}


def _write_per_problem(results: dict[str, dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for name, result in results.items():
            for set_name in SETS:
                for judged in result[set_name]["judged"]:
                    out.write(json.dumps({"library": name, "set": set_name, **judged}) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "test"], default="test")
    parser.add_argument("--libraries", help="comma-separated names (default: every library of the split)")
    parser.add_argument("--limit", type=int, help="at most this many problems per library and set")
    parser.add_argument("--cache", default=str(CACHE_ROOT))
    parser.add_argument("--context", action="store_true",
                        help="read documentation with the code above each comment, as the editor does")
    parser.add_argument("--weights", type=Path, help="a weights file to use instead of the shipped one")
    parser.add_argument("--library-bonus", type=float, help="this library_bonus instead (0: as before it was added)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--per-problem", type=Path, help="also write each problem's query, answer and verdict here")
    args = parser.parse_args(argv)
    weights = load_weights(args.weights) if args.weights else load_weights()
    if args.library_bonus is not None:
        weights = replace(weights, sequences=replace(weights.sequences, library_bonus=args.library_bonus))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    encoder = onnx_encoder(None)
    cache = SuiteCache(Path(args.cache))
    store = IndexStore(cache.root / "indexes-onnx", encoder)
    names = args.libraries.split(",") if args.libraries else None
    results: dict[str, dict] = {}
    suite = load_suite(SUITE_FILE)
    for library in suite.select(args.split, names):
        result = evaluate_library(library, suite, cache, store, encoder, args.limit, weights.sequences,
                                  args.context)
        if result is None:
            continue
        results[library.name] = result
        figures = "  ".join(f"{s} n={result[s]['problems']} right {result[s]['right']}" for s in SETS
                            if result[s]["problems"])
        print(f"  {library.name}: {figures}", flush=True)
    if args.per_problem:
        _write_per_problem(results, args.per_problem)
    report = {"benchmark": "sequence-suite", "split": args.split, "context": args.context, "encoder": encoder.id,
              "weights": {"file": str(args.weights or "shipped"), "sequences": asdict(weights.sequences)},
              "seconds": round(time.perf_counter() - started, 1),
              "pooled": {s: pooled(results, s) for s in SETS},
              "libraries": {name: _without_problems(r) for name, r in results.items()}}
    for s in SETS:
        p = report["pooled"][s]
        print(f"{s}: {p['problems']} problems, right {p['right']}, all {p['all']}, "
              f"right in top 5 {p['right_in_top5']}, BLEU-4 {p['bleu']}")
    write_figures(report, args.out or RESULTS / f"sequence-suite-{args.split}.json", "benchmarks.sequence_suite",
                  argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
