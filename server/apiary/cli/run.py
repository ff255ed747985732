"""Running a command line of `apiary` or `apiary-train`: parse, log to stderr, run the subcommand,
and turn a failure into one line and exit status 2 (130 for Ctrl-C), never a traceback unless -v."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence


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
