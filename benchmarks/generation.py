"""Code generation benchmark: write HumanEval-format samples for problems in the TorchDataEval format,
through the same pipeline the server uses (retrieve -> generate -> check -> rank).

    python -m benchmarks.generation --problems ../shared/benchmarks/torchdataeval.jsonl \
        --library torchdata==0.7.1 --apis retrieved --out benchmarks/results/samples-torchdataeval-retrieved.jsonl
    python -m benchmarks.passk --problems ../shared/benchmarks/torchdataeval.jsonl \
        --samples benchmarks/results/samples-torchdataeval-retrieved.jsonl \
        --python benchmarks/.cache/torchdata-venv/bin/python

``--apis gold`` is the "Perfect" setting of When Language Model Meets Private Library §5.1 (the
problem's ``gold_apis``), ``none`` gives the generator no APIs. ``--generator apicoder|cert`` needs
``--model DIR`` or ``--endpoint URL`` (and ``--sketcher`` for CERT); without weights, ``default`` is
the offline generator.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from apiary.docs.entry import ApiEntry
from apiary.docs.locate import locate
from apiary.engine import GENERATOR_ALIASES, ModelOptions, build_engine
from apiary.generation.types import CodeContext, GenerationSettings
from apiary.retrieval.encoder import load_encoder
from apiary.retrieval.query import query_from_context
from apiary.retrieval.store import IndexStore
from benchmarks.retrieval import CACHE, resolve_library


def gold_entries(problem: dict, engine, context: CodeContext) -> list[ApiEntry]:
    """The problem's gold API names as entries; among entries sharing a name, the one the retriever
    ranks highest for this context (``batch`` of the pipe in scope, not of another class)."""
    ranked = engine.retriever.search(query_from_context(context.editor), top_k=10_000, distinct_names=False)
    order = {r.entry.import_path: i for i, r in enumerate(ranked)}
    chosen: list[ApiEntry] = []
    for name in problem.get("gold_apis", []):
        short = name.rsplit(".", 1)[-1]
        same = [e for index in engine.retriever.indexes_for(query_from_context(context.editor))
                for e in (index.entries[i] for i in index.catalogue.by_name.get(short, []))]
        if same:
            chosen.append(min(same, key=lambda e: order.get(e.import_path, len(order))))
    return chosen


def run(args: argparse.Namespace) -> None:
    problems = [json.loads(line) for line in Path(args.problems).read_text().splitlines() if line.strip()]
    encoder = load_encoder(args.encoder)
    store = IndexStore(Path(args.cache) if args.cache else Path(tempfile.mkdtemp(prefix="apiary-gen-")), encoder)
    indexes = [
        store.get_or_build(locate(resolve_library(spec), unpack_dir=CACHE / "sources")).index for spec in args.library
    ]
    models = ModelOptions(model=args.model, endpoint=args.endpoint, sketcher=args.sketcher, device=args.device)
    engine = build_engine(encoder, lambda: indexes, models, default_generator=args.generator)
    generator = GENERATOR_ALIASES.get(args.generator, args.generator)
    if generator not in engine.generators:
        raise SystemExit(
            f"generator '{args.generator}' is not available: "
            f"{'; '.join(engine.problems) or 'give --model or --endpoint'}"
        )
    settings = GenerationSettings(
        top_apis=args.top_apis,
        temperature=args.temperature,
        max_new_tokens=args.max_new_tokens,
        sketches=args.sketches,
        seed=args.seed,
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    latencies, empty = [], 0
    with out.open("w") as handle:
        for problem in problems:
            context = CodeContext(problem["prompt"])
            apis = _chosen_apis(args.apis, problem, engine, context)
            started = time.perf_counter()
            result = engine.pipeline.complete(context, generator=generator, apis=apis, n=args.n, settings=settings)
            latencies.append((time.perf_counter() - started) * 1000)
            completions = [c.text for c in result.candidates]
            empty += not completions
            completions += [""] * (args.n - len(completions))  # pass@k counts every sample; missing ones fail
            for text in completions[: args.n]:
                handle.write(json.dumps({"task_id": problem["task_id"], "completion": text}) + "\n")
            if args.verbose:
                shown = completions[0].strip().replace("\n", "\\n")[:120]
                print(f"{problem['task_id']:<18} {[a.entry.name for a in result.apis]} -> {shown}")
    print(f"{len(problems)} problems x {args.n} samples -> {out} (generator {generator}, APIs {args.apis}, "
          f"top {args.top_apis}); {empty} without a candidate; latency p50 {statistics.median(latencies):.1f} ms")

def _chosen_apis(mode: str, problem: dict, engine, context: CodeContext) -> list | None:
    """``None`` lets the pipeline retrieve; ``gold`` is the "Perfect" setting of When Language Model
    Meets Private Library §5.1."""
    if mode == "gold":
        return gold_entries(problem, engine, context)
    return [] if mode == "none" else None



def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", required=True)
    parser.add_argument("--library", action="append", required=True, help="source tree, wheel/sdist, or NAME==VERSION")
    parser.add_argument("--apis", choices=("none", "retrieved", "gold"), default="retrieved")
    parser.add_argument("--top-apis", type=int, default=2,
                        help="retrieved APIs given to the generator "
                             "(the best in When Language Model Meets Private Library §5.2: 2)")
    parser.add_argument("--generator", default="default", help="default (offline, no weights) | apicoder | cert")
    parser.add_argument("--model", help="Hugging Face causal LM: local directory or cached hub id")
    parser.add_argument("--endpoint", help="OpenAI-compatible completions endpoint URL")
    parser.add_argument("--sketcher", help="CERT sketcher: model directory or endpoint URL")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--n", type=int, default=1, help="samples per problem")
    parser.add_argument("--temperature", type=float, default=0.0)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--sketches", type=int, default=8, help="sketches CERT samples before voting")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--encoder", help="encoder directory (default: bundled all-MiniLM-L6-v2)")
    parser.add_argument("--cache", help="index cache directory to reuse")
    parser.add_argument("--out", required=True, help="samples JSON Lines to write")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each problem's first completion")
    run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

