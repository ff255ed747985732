"""``apiary-train eval {passk,bleu,retrieval,classifier} ...``: score saved predictions or models."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(commands) -> None:
    """Add this module's subcommands to the ``apiary-train`` parser."""
    evaluate = commands.add_parser("eval", help="evaluate predictions or a trained model")
    kinds = evaluate.add_subparsers(dest="metric", required=True, metavar="METRIC")

    passk = kinds.add_parser("passk", help="pass@k of sampled completions, each run in the sandbox")
    passk.add_argument("--problems", required=True, help="HumanEval-format problems (JSON Lines)")
    passk.add_argument("--samples", required=True, help="JSON Lines of {task_id, completion}")
    passk.add_argument("--python", help="interpreter the programs run under (default: this one)")
    passk.add_argument("--timeout", type=float, default=10.0, help="seconds per program")
    passk.add_argument("--allow-weak-sandbox", action="store_true",
                       help="run the samples even where the sandbox is weaker than untrusted code needs")
    passk.set_defaults(run=_passk)

    bleu = kinds.add_parser("bleu", help="BLEU-4 of predicted API sequences (Deep API Learning Revisited)")
    bleu.add_argument("--model", help="a model from 'train seq2seq' to predict with")
    bleu.add_argument("--pairs", required=True, help="test pairs {desc, apiseq} (with --model), or {apiseq, predicted}")
    bleu.add_argument("--num-beams", type=int, default=5)
    bleu.set_defaults(run=_bleu)

    retrieval = kinds.add_parser("retrieval", help="recall@k and MRR of an encoder on retriever pairs")
    retrieval.add_argument("--encoder", default="default", help="encoder directory (default: bundled MiniLM)")
    retrieval.add_argument("--pairs", required=True, help="{query, positive, negatives, library} JSON Lines")
    retrieval.set_defaults(run=_retrieval)

    classifier = kinds.add_parser("classifier", help="accuracy, F1, ROC-AUC of an intent-snippet classifier")
    classifier.add_argument("--model", required=True, help="a model from 'train classifier'")
    classifier.add_argument("--pairs", required=True, help="{intent, snippet, label} JSON Lines")
    classifier.set_defaults(run=_classifier)

    for parser in (passk, bleu, retrieval, classifier):
        parser.add_argument("--json", help="also write the figures to this file")


def _emit(args: argparse.Namespace, figures: dict) -> int:
    text = json.dumps(figures, indent=2, default=str)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


def _passk(args: argparse.Namespace) -> int:
    from apiary_training.eval import passk
    from apiary_training.train.common import read_jsonl

    problems = read_jsonl(args.problems, ("task_id", "prompt", "test"))
    samples = read_jsonl(args.samples, ("task_id", "completion"))
    report = passk.evaluate_samples(problems, samples, python=args.python, timeout_s=args.timeout,
                                    allow_weak_sandbox=args.allow_weak_sandbox)
    figures = report.to_dict()
    figures.pop("samples", None)
    return _emit(args, figures)


def _bleu(args: argparse.Namespace) -> int:
    from apiary_training.eval.bleu import bleu4
    from apiary_training.train.common import read_jsonl

    if args.model:
        from apiary_training.train.seq2seq import ApiSequenceModel

        pairs = read_jsonl(args.pairs, ("desc", "apiseq"))
        predicted = ApiSequenceModel(args.model).predict([p["desc"] for p in pairs], num_beams=args.num_beams)
    else:
        pairs = read_jsonl(args.pairs, ("apiseq", "predicted"))
        predicted = [p["predicted"] for p in pairs]
    references = [list(p["apiseq"]) for p in pairs]
    return _emit(args, {"bleu4": bleu4(references, predicted), "pairs": len(pairs)})


def _retrieval(args: argparse.Namespace) -> int:
    from apiary.retrieval.encoder import load_encoder
    from apiary_training.eval.retrieval import evaluate_pairs
    from apiary_training.train.common import read_jsonl

    encoder = load_encoder(args.encoder, quantize=False)
    figures = evaluate_pairs(encoder.encode, read_jsonl(args.pairs, ("query", "positive")))
    return _emit(args, {"encoder": encoder.id, **figures})


def _classifier(args: argparse.Namespace) -> int:
    from apiary_training.train.classifier import IntentSnippetScorer, evaluate
    from apiary_training.train.common import read_jsonl

    test = read_jsonl(args.pairs, ("intent", "snippet", "label"))
    return _emit(args, evaluate(IntentSnippetScorer(args.model), test))
