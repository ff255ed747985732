"""The ``apiary-train`` command: ``corpus ...``, ``train ...``, ``eval ...``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from apiary_training.cli import corpus_commands, eval_commands, train_commands

# Each module adds its subcommands to the parser; keeping the list here makes the CLI's surface visible.
_COMMAND_MODULES = (corpus_commands, train_commands, eval_commands)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="apiary-train", description="Build corpora, train and evaluate Apiary's models.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens (to stderr)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # report a failure in one line; -v shows the traceback
        if args.verbose:
            logging.exception("apiary-train %s failed", args.command)
        print(f"apiary-train {args.command}: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
