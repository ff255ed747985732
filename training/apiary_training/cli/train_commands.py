"""``apiary-train train {clm,retriever,seq2seq,classifier,ranker,crossencoder} ...``: each trainer parses its own typed
arguments (``apiary-train train clm --help`` lists them), as transformers' example scripts do."""

from __future__ import annotations

import argparse
import importlib
import json

TRAINERS = {
    "clm": "continual pre-training of a causal LM, or a small base from scratch (--from_scratch)",
    "retriever": "fine-tune the dual-encoder API retriever from all-MiniLM-L6-v2",
    "seq2seq": "description -> API sequence (MiniLM encoder, small decoder, beam search)",
    "classifier": "intent-snippet cross-encoder, usable as a reranker",
    "ranker": "fit the retriever's weights on the dev libraries of the many-library suite",
    "crossencoder": "API reranker: a MiniLM cross-encoder over the retriever's best APIs",
}


def register(commands) -> None:
    """Add this module's subcommands to the ``apiary-train`` parser."""
    train = commands.add_parser("train", help="train a model", description="Train one of Apiary's models.")
    trainers = train.add_subparsers(dest="trainer", required=True, metavar="TRAINER", parser_class=_PassThrough)
    for name, help_text in TRAINERS.items():
        trainers.add_parser(name, help=help_text, add_help=False, description=help_text)


class _PassThrough(argparse.ArgumentParser):
    """Hands every argument to the trainer's own parser (``argparse.REMAINDER`` cannot capture
    arguments that begin with an option, and listing them here would import transformers always)."""

    def parse_known_args(self, args=None, namespace=None):
        namespace = namespace if namespace is not None else argparse.Namespace()
        namespace.arguments = list(args or ())
        namespace.run = _run
        return namespace, []


def _run(args: argparse.Namespace) -> int:
    module = importlib.import_module(f"apiary_training.train.{args.trainer}")
    metrics = module.main(args.arguments)
    print(json.dumps(metrics, indent=2, default=str))
    return 0
