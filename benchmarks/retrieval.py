"""API retrieval benchmark: recall@k, all@k, MRR and latency of Apiary's retriever on problems in
the TorchDataEval format, the query being each problem's whole prompt, exactly as an editor sends it.

    python -m benchmarks.retrieval --problems ../shared/benchmarks/torchdataeval.jsonl \
        --library torchdata==0.7.1 --json benchmarks/results/retrieval-torchdataeval.json

``--library`` takes a source tree, a wheel/sdist, or ``NAME==VERSION`` (its wheel is fetched once
with ``pip download --no-deps`` into ``benchmarks/.cache``). Indexes are built in a fresh temporary
cache unless ``--cache DIR`` is given, so the build time is a cold build.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from apiary.context import extract_context_from_prefix
from apiary.docs.locate import locate
from apiary.retrieval.encoder import load_encoder
from apiary.retrieval.hybrid import HybridRetriever
from apiary.retrieval.query import query_from_context
from apiary.retrieval.store import IndexStore
from benchmarks.timing import latency_summary

CACHE = Path(__file__).parent / ".cache"


@dataclass
class ProblemResult:
    task_id: str
    gold: list[str]
    ranked: list[str]
    latency_ms: float


def recall_at(gold: list[str], ranked: list[str], k: int) -> float:
    return len(set(gold) & set(ranked[:k])) / len(set(gold))


def all_at(gold: list[str], ranked: list[str], k: int) -> float:
    return float(set(gold) <= set(ranked[:k]))


def reciprocal_rank(gold: list[str], ranked: list[str]) -> float:
    for rank, name in enumerate(ranked, 1):
        if name in gold:
            return 1.0 / rank
    return 0.0


def summarize(results: list[tuple[list[str], list[str]]], ks: list[int]) -> dict[str, float]:
    n = len(results) or 1
    summary = {f"recall@{k}": sum(recall_at(g, r, k) for g, r in results) / n for k in ks}
    summary |= {f"all@{k}": sum(all_at(g, r, k) for g, r in results) / n for k in ks}
    summary["mrr"] = sum(reciprocal_rank(g, r) for g, r in results) / n
    return summary


def resolve_library(spec: str) -> str:
    """A path as is; ``name==version`` becomes the path of its wheel, downloaded once."""
    if Path(spec).exists() or "==" not in spec:
        return spec
    wheels = CACHE / "wheels"
    name, version = spec.split("==", 1)
    found = sorted(wheels.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not found:
        wheels.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(wheels), spec], check=True
        )
        found = sorted(wheels.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not found:
        raise SystemExit(f"pip download gave no wheel for {spec}")
    return str(found[0])


def short_name(api: str) -> str:
    return api.rsplit(".", 1)[-1]


def run(args: argparse.Namespace) -> dict:
    ks = sorted({int(k) for k in args.k.split(",")})
    problems = [json.loads(line) for line in Path(args.problems).read_text().splitlines() if line.strip()]
    problems = [p for p in problems if p.get("gold_apis")]
    encoder = load_encoder(args.encoder, quantize=not args.no_quantize)
    cache_root = Path(args.cache) if args.cache else Path(tempfile.mkdtemp(prefix="apiary-bench-"))
    store = IndexStore(cache_root, encoder)
    indexes, build_seconds, api_count = [], 0.0, 0
    for spec in args.library:
        source = locate(resolve_library(spec), unpack_dir=CACHE / "sources")
        result = store.get_or_build(source)
        indexes.append(result.index)
        build_seconds += result.seconds
        api_count += len(result.index.entries)
    retriever = HybridRetriever(encoder, indexes)
    queries = [query_from_context(extract_context_from_prefix(p["prompt"])) for p in problems]
    for query in queries:  # warm-up: first calls pay for lazy initialisation
        retriever.search(query, top_k=max(ks))
    results = []
    for problem, query in zip(problems, queries, strict=True):
        started = time.perf_counter()
        found = retriever.search(query, top_k=max(ks))
        latency = (time.perf_counter() - started) * 1000
        results.append(ProblemResult(problem["task_id"], [short_name(g) for g in problem["gold_apis"]],
                                     [f.entry.name for f in found], latency))
    latencies = sorted(r.latency_ms for r in results)
    report = {
        "problems": len(results),
        "apis_indexed": api_count,
        "index_build_seconds": round(build_seconds, 2),
        "apis_per_second": round(api_count / build_seconds, 1) if build_seconds else None,
        "encoder": encoder.id,
        "apiary": summarize([(r.gold, r.ranked) for r in results], ks),
        "latency_ms": latency_summary(latencies),
        "per_problem": [r.__dict__ for r in results],
    }
    paper = [(p["gold_apis"], p["apiretriever_top5"]) for p in problems if "apiretriever_top5" in p]
    if paper:
        report["apiretriever"] = summarize(paper, [k for k in ks if k <= 5])
    return report


def print_report(report: dict, ks: list[int]) -> None:
    print(f"{report['problems']} problems, {report['apis_indexed']} APIs indexed in {report['index_build_seconds']} s "
          f"({report['apis_per_second']} APIs/s), encoder {report['encoder']}")
    header = "".join(f"{'R@' + str(k):>8}" for k in ks) + "".join(f"{'all@' + str(k):>8}" for k in ks) + f"{'MRR':>8}"
    print(f"{'':<14}{header}")
    for label in ("apiary", "apiretriever"):
        if label in report:
            row = report[label]
            cells = "".join(f"{row.get(f'recall@{k}', float('nan')):8.3f}" for k in ks)
            cells += "".join(f"{row.get(f'all@{k}', float('nan')):8.3f}" for k in ks)
            print(f"{label:<14}{cells}{row['mrr']:8.3f}")
    print(f"query latency (warm): p50 {report['latency_ms']['p50']} ms, p95 {report['latency_ms']['p95']} ms")
    misses = [p for p in report["per_problem"] if not set(p["gold"]) & set(p["ranked"][:1])]
    if misses:
        print(f"top-1 misses ({len(misses)}):")
        for p in misses:
            print(f"  {p['task_id']:<18} gold {p['gold']}  got {p['ranked'][:5]}")


def plot(report: dict, ks: list[int], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib not installed: no plot)")
        return
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for label in ("apiary", "apiretriever"):
        if label in report:
            shown = [k for k in ks if f"recall@{k}" in report[label]]
            ax.plot(shown, [report[label][f"recall@{k}"] for k in shown], marker="o", label=label)
    ax.set_xlabel("k")
    ax.set_ylabel("recall@k")
    ax.set_ylim(0, 1)
    ax.set_xticks(ks)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(f"API retrieval, {report['problems']} problems")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"plot written to {path}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", required=True)
    parser.add_argument("--library", action="append", required=True, help="source tree, wheel/sdist, or NAME==VERSION")
    parser.add_argument("--k", default="1,2,3,5")
    parser.add_argument("--encoder", help="encoder directory (default: bundled all-MiniLM-L6-v2)")
    parser.add_argument("--no-quantize", action="store_true", help="keep the encoder in float32 (default: int8 on CPU)")
    parser.add_argument("--cache", help="index cache directory to reuse (default: a fresh temporary one)")
    parser.add_argument("--json", help="write the figures to this JSON file (a .png plot beside it)")
    args = parser.parse_args(argv)
    ks = sorted({int(k) for k in args.k.split(",")})
    report = run(args)
    print_report(report, ks)
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2))
        print(f"figures written to {out}")
        plot(report, ks, out.with_suffix(".png"))


if __name__ == "__main__":
    main()
