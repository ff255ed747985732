"""Copy the figures of the CPU training runs (``benchmarks/training/runs/*/..._metrics.json``, which
are gitignored with the weights) into ``benchmarks/training/results/``, beside the papers' figures
for context (different data: not a like-for-like comparison).

    python -m benchmarks.training.collect
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
RUNS, RESULTS = HERE / "runs", HERE / "results"

RUNS_TO_COLLECT = {
    "seq2seq": (
        "apiseq/seq2seq_metrics.json",
        {
            "seed_000_table_1_bleu4_python": {"RNN encoder-decoder": 14.14, "CodeBERT": 41.56},
            "note": "Deep API Learning Revisited's corpus (GitHub Python projects), not ours: context only",
            "command": "bash benchmarks/training/run_cpu.sh seq2seq",
        },
    ),
    "classifier": (
        "classifier/classifier_metrics.json",
        {
            "seed_002_accuracy": 0.516,
            "note": "the intent-snippet classification paper (CoNaLa/StaQC) reports 51.6% (chance level) "
            "on CoNaLa/StaQC; ours is local stdlib code",
            "command": "bash benchmarks/training/run_cpu.sh classifier",
        },
    ),
}


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    for name, (relative, context) in RUNS_TO_COLLECT.items():
        path = RUNS / relative
        if not path.is_file():
            print(f"{name}: no run at {path}")
            continue
        report = {"metrics": json.loads(path.read_text()), **context}
        out = RESULTS / f"{name}.json"
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(f"{name}: written to {out}")


if __name__ == "__main__":
    main()
