"""The ``apiary`` command: ``index``, ``search``, ``libs`` (more subcommands register themselves here)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from apiary.cli import complete_command, index_commands, serve_command, sketch_command, suggest_command

# Each module adds its subcommands to the parser; keeping the list here makes the CLI's surface visible.
_COMMAND_MODULES = (index_commands, complete_command, sketch_command, serve_command, suggest_command)


class CliError(Exception):
    """A failure the user can fix; printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="apiary", description="Code completion for private libraries.")
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
    except Exception as error:  # the CLI reports, it never shows a traceback for a user error
        if args.verbose:
            logging.exception("apiary %s failed", args.command)
        print(f"apiary {args.command}: {describe(error)}", file=sys.stderr)
        return 2


def describe(error: BaseException) -> str:
    from apiary.docs.report import IngestError
    from apiary.retrieval.encoder import EncoderError
    from apiary.retrieval.store import UnknownLibrary

    if isinstance(error, CliError | IngestError | EncoderError | UnknownLibrary):
        return str(error)
    return f"unexpected {type(error).__name__}: {error} (run with -v for details)"
