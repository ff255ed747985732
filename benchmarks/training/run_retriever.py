"""The retriever run: TorchDataEval API retrieval with the bundled all-MiniLM-L6-v2 and with the encoder
fine-tuned by ``apiary-train train retriever`` on pairs mined from installed public libraries (never
TorchData), side by side: Apiary's hybrid retriever (``benchmarks.retrieval``) and the dense encoder
alone (the part fine-tuning changes).

    python -m apiary_training.corpus.library_pairs --library networkx ... \
        --out benchmarks/training/runs/retriever-pairs.jsonl
    apiary-train train retriever --pairs benchmarks/training/runs/retriever-pairs.jsonl \
        --output_dir benchmarks/training/runs/retriever --max_minutes 25 --per_device_train_batch_size 32 \
        --num_negatives 1
    python -m benchmarks.training.run_retriever --encoder benchmarks/training/runs/retriever \
        --json benchmarks/training/results/retriever.json
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from apiary.context import extract_context_from_prefix
from apiary.docs.locate import locate
from apiary.retrieval.encoder import load_encoder
from apiary.retrieval.query import query_from_context
from apiary.retrieval.store import IndexStore
from benchmarks import retrieval
from benchmarks.retrieval import CACHE, resolve_library, short_name, summarize

KS = [1, 2, 3, 5]


def dense_only(encoder_spec: str | None, problems: list[dict], library: str, cache: Path) -> dict:
    """Recall of the encoder alone: the intent's vector against every API's, names de-duplicated."""
    encoder = load_encoder(encoder_spec)
    store = IndexStore(cache, encoder)
    index = store.get_or_build(locate(resolve_library(library), unpack_dir=CACHE / "sources")).index
    results = []
    for problem in problems:
        query = query_from_context(extract_context_from_prefix(problem["prompt"]))
        scores = index.dense_scores(encoder.encode([query.intent]))[0]
        ranked: list[str] = []
        for i in np.argsort(-scores, kind="stable"):
            if index.entries[i].name not in ranked:
                ranked.append(index.entries[i].name)
            if len(ranked) == max(KS):
                break
        results.append(([short_name(g) for g in problem["gold_apis"]], ranked))
    return summarize(results, KS)


def hybrid(encoder_spec: str | None, args: argparse.Namespace, cache: Path) -> dict:
    namespace = argparse.Namespace(problems=args.problems, library=[args.library], k=",".join(map(str, KS)),
                                   encoder=encoder_spec, no_quantize=False, cache=str(cache))
    report = retrieval.run(namespace)
    return {"encoder": report["encoder"], **report["apiary"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoder", required=True, help="the fine-tuned encoder directory")
    parser.add_argument("--problems", default="/work/shared/benchmarks/torchdataeval.jsonl")
    parser.add_argument("--library", default="torchdata==0.7.1")
    parser.add_argument("--json", required=True)
    args = parser.parse_args(argv)
    problems = [json.loads(line) for line in Path(args.problems).read_text().splitlines() if line.strip()]
    problems = [p for p in problems if p.get("gold_apis")]
    report = {"problems": len(problems), "library": args.library}
    for label, spec in (("before", None), ("after", args.encoder)):
        cache = Path(tempfile.mkdtemp(prefix=f"apiary-{label}-"))  # a cold index, shared by both measures
        report[label] = {
            "hybrid": hybrid(spec, args, cache),
            "dense_only": dense_only(spec, problems, args.library, cache),
        }
    metrics = Path(args.encoder) / "retriever_metrics.json"
    if metrics.is_file():
        report["training"] = json.loads(metrics.read_text())
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    for label in ("before", "after"):
        for kind in ("hybrid", "dense_only"):
            row = report[label][kind]
            print(
                f"{label:<7}{kind:<11}"
                + "".join(f" R@{k} {row[f'recall@{k}']:.3f}" for k in KS)
                + f" MRR {row['mrr']:.3f}"
            )
    print(f"figures written to {out}")


if __name__ == "__main__":
    main()
