"""Running a command line of `apiary` or `apiary-train`: parse, log to stderr, run the subcommand,
and turn a failure into one line and exit status 2 (130 for Ctrl-C), never a traceback unless -v."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from types import ModuleType


def command_parser(prog: str, description: str, command_modules: Iterable[ModuleType]) -> argparse.ArgumentParser:
    """The parser of a command whose subcommands the modules add (each module's ``register``)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens (to stderr)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in command_modules:
        module.register(commands)
    return parser


def run_cli(parser: argparse.ArgumentParser, argv: Sequence[str] | None,
            describe: Callable[[BaseException], str]) -> int:
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a failure is reported in one line; -v shows the traceback
        if args.verbose:
            logging.exception("%s %s failed", parser.prog, args.command)
        print(f"{parser.prog} {args.command}: {describe(error)}", file=sys.stderr)
        return 2
