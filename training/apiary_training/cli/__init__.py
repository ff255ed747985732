"""The ``apiary-train`` command: ``corpus ...``, ``train ...``, ``eval ...``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from apiary.cli.run import command_parser, run_cli
from apiary_training.cli import corpus_commands, eval_commands, train_commands

# Each module adds its subcommands to the parser; keeping the list here makes the CLI's surface visible.
_COMMAND_MODULES = (corpus_commands, train_commands, eval_commands)


def build_parser() -> argparse.ArgumentParser:
    return command_parser("apiary-train", "Build corpora, train and evaluate Apiary's models.", _COMMAND_MODULES)


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(build_parser(), argv, lambda error: f"{type(error).__name__}: {error}")
