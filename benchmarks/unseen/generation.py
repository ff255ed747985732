"""pass@1 of the code Apiary writes on the suite's executable problems (users' own words, tests run
in the sandbox), per split, through the pipeline the server uses (retrieve -> generate -> check ->
rank), each library's problems over that library's index alone:

    python -m benchmarks.unseen.generation --split test --apis retrieved   # or --apis gold, --split dev
    python -m benchmarks.unseen.generation --split dev --libraries natsort,glom -v

The programs run under the suite's interpreter (``benchmarks/.cache/unseen-venv``, made by
``python -m benchmarks.unseen.executable --setup`` when missing). Beside pass@1 it reports the share
of top candidates that use a name defined nowhere (not before the cursor, not imported, not a
builtin): code a user would have to fix before it runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from apiary.docs.locate import locate
from apiary.engine import ModelOptions, build_engine
from apiary.generation.names import undefined_names
from apiary.generation.types import CodeContext, GenerationSettings
from apiary.retrieval.encoder import load_encoder
from apiary.retrieval.store import IndexStore
from apiary.snippet import placeholder_names
from apiary_training.eval.passk import evaluate_samples
from apiary_training.suite.definition import load_suite
from apiary_training.suite.problems import SuiteCache
from benchmarks.generation import gold_entries
from benchmarks.unseen.__main__ import CACHE_ROOT, RESULTS, SUITE_FILE
from benchmarks.unseen.executable import PROBLEMS, setup_env


def main(argv: list[str] | None = None) -> dict:
    args = _parser().parse_args(argv)
    suite = load_suite(Path(args.suite))
    wanted = {n.strip() for n in args.libraries.split(",")} if args.libraries else None
    chosen = {lib.name: lib for lib in suite.select(args.split, sorted(wanted) if wanted else None)}
    problems = [p for p in _read(PROBLEMS) if p["library"] in chosen][: args.limit]
    if not problems:
        raise SystemExit("no executable problems for that split and those libraries")
    samples, undefined, to_fill, latencies = _generate(problems, chosen, args)
    python = setup_env()
    report = evaluate_samples(problems, samples, python=str(python), timeout_s=args.timeout, workers=args.workers,
                              allow_weak_sandbox=args.allow_weak_sandbox)
    summary = _summary(problems, report, undefined, to_fill, latencies, args)
    _print(summary)
    out = Path(args.json or RESULTS / f"passk-unseen-{args.split}-{args.apis}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary | {"samples": samples}, indent=1) + "\n", encoding="utf-8")
    print(f"figures and samples written to {out}")
    return summary


def _generate(
    problems: list[dict], libraries: dict, args: argparse.Namespace
) -> tuple[list[dict], dict[str, list[str]], dict[str, list[str]], list[float]]:
    """Each problem's top candidate, the names it reads that are defined nowhere, the names it leaves
    to the user (its tab stops), and the generation's latencies."""
    cache = SuiteCache(Path(args.cache))
    encoder = load_encoder(None)
    store = IndexStore(cache.root / "indexes", encoder)
    settings = GenerationSettings(top_apis=args.top_apis)
    samples, undefined, latencies = [], {}, []
    to_fill: dict[str, list[str]] = {}
    by_library: dict[str, list[dict]] = defaultdict(list)
    for problem in problems:
        by_library[problem["library"]].append(problem)
    for name, group in by_library.items():
        library = libraries[name]
        source = locate(str(cache.wheel(library.requirement)), unpack_dir=cache.root / "sources")
        index = store.get_or_build(source).index
        engine = build_engine(encoder, lambda index=index: [index], ModelOptions(), default_generator="default")
        for problem in group:
            context = CodeContext(problem["prompt"])
            apis = gold_entries(problem, engine, context) if args.apis == "gold" else None
            started = time.perf_counter()
            result = engine.pipeline.complete(context, generator="offline", apis=apis, n=1, settings=settings)
            latencies.append((time.perf_counter() - started) * 1000)
            top = result.candidates[0] if result.candidates else None
            text = top.text if top is not None else ""
            placeholders = placeholder_names(top.snippet) if top is not None else frozenset()
            undefined[problem["task_id"]] = sorted(undefined_names(text, context.editor) - placeholders)
            to_fill[problem["task_id"]] = sorted(placeholders)
            samples.append({"task_id": problem["task_id"], "completion": text})
            if args.verbose:
                print(f"{problem['task_id']:<28} {[a.entry.name for a in result.apis][:2]} -> {text.strip()[:110]!r}")
    return samples, undefined, to_fill, latencies


def _summary(problems: list[dict], report, undefined: dict[str, list[str]], to_fill: dict[str, list[str]],
             latencies: list[float], args: argparse.Namespace) -> dict:
    passed = {p.task_id: p.pass_at.get(1, 0.0) for p in report.problems}
    per_library: dict[str, list[float]] = defaultdict(list)
    for problem in problems:
        per_library[problem["library"]].append(passed.get(problem["task_id"], 0.0))
    written = [t for t, names in undefined.items() if names is not None]
    return {
        "split": args.split,
        "apis": args.apis,
        "top_apis": args.top_apis,
        "problems": len(problems),
        "libraries": len(per_library),
        "pass@1": round(statistics.fmean(passed.get(p["task_id"], 0.0) for p in problems), 4),
        "undefined_share": round(sum(bool(undefined[t]) for t in written) / max(1, len(written)), 4),
        "undefined": {t: names for t, names in undefined.items() if names},
        # a signature template whose required values nothing gave: tab stops in an editor, a failure here
        "left_to_fill_share": round(sum(bool(names) for names in to_fill.values()) / max(1, len(to_fill)), 4),
        "left_to_fill": {t: names for t, names in to_fill.items() if names},
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p95": round(statistics.quantiles(latencies, n=20)[-1], 1) if len(latencies) > 1 else latencies[0],
        },
        "per_library": {name: round(statistics.fmean(v), 4) for name, v in sorted(per_library.items())},
        "passed": sorted(t for t, value in passed.items() if value > 0),
        "statuses": report.statuses,
        "isolation": report.isolation,
        "unsealed": report.unsealed,  # problems whose verdict rests on the program's own process
    }


def _print(summary: dict) -> None:
    for name, value in summary["per_library"].items():
        print(f"  {name:<22} pass@1 {value:.3f}")
    print(
        f"{summary['split']} split, APIs {summary['apis']} (top {summary['top_apis']}): pass@1 {summary['pass@1']:.3f} "
        f"over {summary['problems']} problems of {summary['libraries']} libraries; top candidates with an undefined "
        f"name {summary['undefined_share']:.3f}, with tab stops left to fill {summary['left_to_fill_share']:.3f}; "
        f"generation latency p50 {summary['latency_ms']['p50']} ms, p95 {summary['latency_ms']['p95']} ms"
    )


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--libraries", help="comma-separated suite library names (default: the whole split)")
    parser.add_argument("--apis", choices=("retrieved", "gold"), default="retrieved")
    parser.add_argument("--top-apis", type=int, default=2, help="retrieved APIs given to the generator")
    parser.add_argument("--limit", type=int, help="at most this many problems")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per program")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--allow-weak-sandbox", action="store_true",
                        help="run the samples even where the sandbox is weaker than untrusted code needs")
    parser.add_argument("--suite", default=str(SUITE_FILE))
    parser.add_argument("--cache", default=str(CACHE_ROOT))
    parser.add_argument("--json", help="where to write the figures and samples")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each problem's top candidate")
    return parser


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
