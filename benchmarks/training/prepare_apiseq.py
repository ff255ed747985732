"""API-sequence pairs of the local Python corpus (the interpreter's standard library and every package
in its site-packages), mined with the server's extractor and filters (``apiary.sequences``, cached in
Apiary's cache directory), de-duplicated and split so that no test pair occurs in training (Deep API Learning
Revisited).
The test split holds Deep API Learning Revisited's function pairs only; training also gets the
comment and docstring pairs, except those of a test function (``split_by_function``, as
``benchmarks.api_sequences``).
Written in the format of ``apiary-train corpus apiseq``; that command gives the same records for any
source list, this module reuses the server's cache of the whole interpreter, which a shared 2-core
CPU cannot re-mine in the time of a run.

    python -m benchmarks.training.prepare_apiseq --out benchmarks/training/runs/apiseq-train.jsonl \
        --test-out benchmarks/training/runs/apiseq-test.jsonl --test-fraction 0.05
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from apiary.sequences.extract import split_by_function
from apiary.sequences.mine import PairCache, interpreter_roots


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--test-out", required=True)
    parser.add_argument("--test-fraction", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    roots = interpreter_roots()
    pairs = PairCache().load_or_mine(roots)
    train, test = split_by_function(pairs, args.test_fraction, args.seed)
    for path, part in ((args.out, train), (args.test_out, test)):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as sink:
            for pair in part:
                sink.write(json.dumps(pair.to_json()) + "\n")
    origins = Counter(root.origin for root in roots)
    print(json.dumps({"roots": dict(origins), "pairs": len(pairs), "train": len(train), "test": len(test)}))


if __name__ == "__main__":
    main()
