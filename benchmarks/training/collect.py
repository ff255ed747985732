"""Copy the figures of the CPU training runs (``benchmarks/training/runs/*/..._metrics.json``, which
are gitignored with the weights) into ``benchmarks/training/results/``, beside the seeds' figures
for context (different data: not a like-for-like comparison).

    python -m benchmarks.training.collect
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
RUNS, RESULTS = HERE / "runs", HERE / "results"

RUNS_TO_COLLECT = {
    "seq2seq": ("apiseq/seq2seq_metrics.json", {
        "seed_000_table_1_bleu4_python": {"RNN encoder-decoder": 14.14, "CodeBERT": 41.56},
        "note": "seed 000's corpus (GitHub Python projects), not ours: context only",
        "command": "python -m benchmarks.training.prepare_apiseq --out benchmarks/training/runs/apiseq-train.jsonl "
                   "--test-out benchmarks/training/runs/apiseq-test.jsonl --test-fraction 0.05; OMP_NUM_THREADS=1 "
                   "apiary-train train seq2seq --pairs benchmarks/training/runs/apiseq-train.jsonl --test_pairs "
                   "benchmarks/training/runs/apiseq-test.jsonl --output_dir benchmarks/training/runs/apiseq "
                   "--max_minutes 15 --batch_size 32 --max_test_pairs 300 --num_beams 5",
    }),
    "classifier": ("classifier/classifier_metrics.json", {
        "seed_002_accuracy": 0.516,
        "note": "seed 002 reports 51.6% (chance level) on CoNaLa/StaQC; ours is local stdlib code",
        "command": "apiary-train corpus intent-snippet STDLIB/{json,email,http,logging,urllib,importlib,asyncio,"
                   "concurrent,xml,unittest} STDLIB/{argparse,shutil,pathlib,tarfile,zipfile,subprocess,csv,datetime}.py "
                   "--out benchmarks/training/runs/intent-snippet.jsonl; OMP_NUM_THREADS=1 apiary-train train classifier "
                   "--pairs benchmarks/training/runs/intent-snippet.jsonl --output_dir benchmarks/training/runs/classifier "
                   "--max_minutes 6 --batch_size 16 --max_length 128 --test_fraction 0.05",
    }),
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
