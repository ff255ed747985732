"""API-sequence suggestions against Deep API Learning Revisited.

1. BLEU-4 (top-1 and best of top-5) on a held-out 4% of the (description, API sequence) pairs mined
   from this interpreter's standard library and site-packages, de-duplicated so that no test pair
   occurs in training (anchors: RNN 14.14, CodeBERT 41.56 on Deep API Learning Revisited's own Python
   corpus, its Table 1).
2. The 18 Python queries of Deep API Learning Revisited's Table 3: Apiary's top answer beside its RNN
   and CodeBERT answers, judged against its accepted answers (its marked-right answers and its
   "Actual" ones). Rule (``strict``): the answer contains every API of some accepted answer; also
   reported: ``first_api`` (it contains the first API of some accepted answer) and ``same_names``
   (for every API of some accepted answer it has an API of the same function or method name:
   ``json.dumps`` for ``ujson.dumps``, ``PIL.Image.Image::save`` for ``PIL.ImageFile.ImageFile::save``).

The held-out split is of Deep API Learning Revisited's function pairs; the comment and docstring pairs
Apiary also mines train the recommender, except those of a test function (``split_by_function``).

Table 3's accepted answers name libraries beyond the standard library. ``--seed-libraries`` creates
an interpreter with them (``benchmarks/.cache/deepapi-venv``: ujson, mysql-connector-python, pandas,
numpy, pillow at `SEED_PINS`) and answers Table 3 from this interpreter's corpus plus the packages
only that one has; the BLEU split stays on this interpreter's corpus.

    python -m benchmarks.api_sequences [--encoder hashing] [--max-test 2000] [--model DIR] [--seed-libraries]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from apiary.retrieval.encoder import load_encoder
from apiary.sequences.bleu import best_of_bleu, sequence_bleu
from apiary.sequences.extract import split_by_function
from apiary.sequences.mine import PairCache, interpreter_roots
from apiary.sequences.neighbours import PairIndex
from apiary.sequences.recommend import Recommender
from apiary.sequences.service import mined_index
from apiary.weights import load_weights
from benchmarks.venvs import pinned_venv

HERE = Path(__file__).parent
SEED_ENV = HERE / ".cache" / "deepapi-venv"
#: the libraries of Table 3's accepted answers, at the versions measured
SEED_PINS = ["ujson==6.1.0", "mysql-connector-python==26.10.0", "pandas==3.1.1", "numpy==2.4.6", "pillow==13.0.0"]
TABLE3 = HERE / "data" / "deepapi_table3_python.json"
RESULTS = HERE / "results" / "api-sequences.json"
ANCHORS = {"bleu4": {"rnn": 14.14, "codebert": 41.56}, "table3_right": {"rnn": 5, "codebert": 11}}


def accepted_answers(row: dict) -> list[list[str]]:
    """Deep API Learning Revisited's right answers for a query (its Table 3): each model answer it
    marked right, and its "Actual"."""
    answers = [row[m]["apis"] for m in ("rnn", "codebert") if row[m]["right"]]
    return answers + ([row["actual"]] if row.get("actual") else [])


def judge(apis: list[str], accepted: list[list[str]]) -> dict[str, bool]:
    names = {_function_name(api) for api in apis}
    return {
        "strict": any(set(answer) <= set(apis) for answer in accepted),
        "first_api": any(answer[0] in apis for answer in accepted),
        "same_names": any({_function_name(api) for api in answer} <= names for answer in accepted),
    }


def _function_name(api: str) -> str:
    """``os.path.join`` -> join; ``hashlib.HASH::update`` -> update."""
    return api.rsplit("::", 1)[-1].rsplit(".", 1)[-1]


def bleu_split(everything: PairIndex, max_test: int, seed: int, model=None) -> dict:
    pairs = everything.pairs
    train, test = split_by_function(pairs, 0.04, seed)
    evaluated = test[:max_test]
    started = time.perf_counter()
    row_of = {id(p): i for i, p in enumerate(pairs)}
    recommender = Recommender(everything.subset([row_of[id(p)] for p in train]), model=model)
    top1, top5, whole1, examples = [], [], [], []
    for pair in evaluated:
        suggestions = recommender.suggest(pair.desc, top_k=5)
        candidates = [list(s.apis) for s in suggestions]
        top1.append(sequence_bleu(pair.apiseq, candidates[0]) if candidates else 0.0)
        top5.append(best_of_bleu(pair.apiseq, candidates))
        whole1.append(sequence_bleu(pair.apiseq, candidates[0], whole_names=True) if candidates else 0.0)
        if len(examples) < 8:
            examples.append({"desc": pair.desc, "reference": list(pair.apiseq), "top1": candidates[:1]})
    return {
        "pairs_mined": len(pairs), "train_pairs": len(train), "test_pairs": len(test), "evaluated": len(evaluated),
        "bleu4_top1": round(100 * sum(top1) / max(len(top1), 1), 2),
        "bleu4_top5": round(100 * sum(top5) / max(len(top5), 1), 2),
        "bleu4_top1_whole_names": round(100 * sum(whole1) / max(len(whole1), 1), 2),
        "exact_top1": round(100 * sum(t == 1.0 for t in whole1) / max(len(whole1), 1), 2),
        "seconds": round(time.perf_counter() - started, 1), "examples": examples,
    }


def table3(recommender: Recommender) -> dict:
    rows = json.loads(TABLE3.read_text())["queries"]
    judged = []
    for row in rows:
        suggestions = recommender.suggest(row["query"], top_k=5)
        top = list(suggestions[0].apis) if suggestions else []
        accepted = accepted_answers(row)
        verdict = judge(top, accepted)
        in_top5 = any(judge(list(s.apis), accepted)["strict"] for s in suggestions)
        judged.append({"query": row["query"], "apiary": top, "source": suggestions[0].source if suggestions else None,
                       "rnn": row["rnn"], "codebert": row["codebert"], "accepted": accepted, **verdict,
                       "strict_in_top5": in_top5})
    return {
        "right_strict": sum(j["strict"] for j in judged), "right_first_api": sum(j["first_api"] for j in judged),
        "right_same_names": sum(j["same_names"] for j in judged),
        "right_strict_in_top5": sum(j["strict_in_top5"] for j in judged), "queries": judged,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoder", help="encoder directory, or 'hashing' (default: all-MiniLM-L6-v2)")
    parser.add_argument("--max-test", type=int, default=2000,
                        help="test pairs scored (Deep API Learning Revisited used 10,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", type=Path, help="also use a trained API-sequence model (apiary-train)")
    parser.add_argument("--seed-libraries", action="store_true",
                        help=f"answer Table 3 with its libraries installed too (in {SEED_ENV}, made once)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    encoder = load_encoder(args.encoder)
    cache = PairCache().directory
    started = time.perf_counter()
    pairs = PairCache().load_or_mine(interpreter_roots(sys.executable))
    mined_seconds = time.perf_counter() - started
    model = None
    if args.model:
        from apiary.sequences.model import Seq2SeqSequenceModel

        model = Seq2SeqSequenceModel(args.model)
    everything = PairIndex(pairs, encoder, cache)  # encoded once; the training split is a subset
    split = bleu_split(everything, args.max_test, args.seed, model)
    table = table3(_seed_recommender(encoder, model) if args.seed_libraries else Recommender(everything, model=model))
    result = {
        "benchmark": "api-sequences",
        "encoder": encoder.id,
        "corpus": f"stdlib + site-packages of {sys.executable}",
        "table3_corpus": "with the packages of " + " ".join(SEED_PINS) if args.seed_libraries else "the same",
        "mining_seconds": round(mined_seconds, 1),
        "anchors": ANCHORS,
        "bleu": split,
        "table3": table,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    _print(split, table)
    return 0


def seed_env() -> Path:
    """The interpreter with Table 3's libraries (`SEED_PINS`), made once; its python."""
    return pinned_venv(SEED_ENV, SEED_PINS)


def _seed_recommender(encoder, model) -> Recommender:
    """This interpreter's corpus plus the packages only the seed interpreter has (mined from its
    site-packages, never imported)."""
    here = interpreter_roots(sys.executable)
    present = {root.path.name for root in here}
    seed = interpreter_roots(str(seed_env()))
    extra = [r for r in seed if r.origin == "site-packages" and r.path.name not in present]
    print(f"Table 3 corpus: this interpreter's plus {', '.join(r.path.name for r in extra)}", file=sys.stderr)
    weights = load_weights().sequences
    mined = mined_index(encoder, here + extra, {}, PairCache().directory, weights)
    return Recommender(mined.index, model=model, stats=mined.stats, weights=weights)


def _print(split: dict, table: dict) -> None:
    print(f"BLEU-4 on {split['evaluated']} held-out pairs (train {split['train_pairs']}): "
          f"top-1 {split['bleu4_top1']:.2f}, best of top-5 {split['bleu4_top5']:.2f}, "
          f"top-1 with whole API names as tokens {split['bleu4_top1_whole_names']:.2f} "
          f"(seed: RNN {ANCHORS['bleu4']['rnn']}, CodeBERT {ANCHORS['bleu4']['codebert']})")
    for row in table["queries"]:
        mark = "right" if row["strict"] else "wrong"
        print(f"- {row['query']}: {mark}: {', '.join(row['apiary']) or '(none)'}")
        print(f"    RNN ({'right' if row['rnn']['right'] else 'wrong'}): {', '.join(row['rnn']['apis'])}")
        print(
            f"    CodeBERT ({'right' if row['codebert']['right'] else 'wrong'}): {', '.join(row['codebert']['apis'])}"
        )
    print(f"Table 3: {table['right_strict']}/18 right (strict), {table['right_first_api']}/18 (first API), "
          f"{table['right_same_names']}/18 (same names), "
          f"{table['right_strict_in_top5']}/18 in the top 5 (seed: RNN 5, CodeBERT 11)")


if __name__ == "__main__":
    raise SystemExit(main())
