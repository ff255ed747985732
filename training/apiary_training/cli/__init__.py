"""The ``apiary-train`` command: ``corpus ...``, ``train ...``, ``eval ...``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from apiary.cli.run import run_cli
from apiary_training.cli import corpus_commands, eval_commands, train_commands

# Each module adds its subcommands to the parser; keeping the list here makes the CLI's surface visible.
_COMMAND_MODULES = (corpus_commands, train_commands, eval_commands)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="apiary-train", description="Build corpora, train and evaluate Apiary's models."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens (to stderr)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(build_parser(), argv, lambda error: f"{type(error).__name__}: {error}")
