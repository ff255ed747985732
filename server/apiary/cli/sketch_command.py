"""``apiary sketch``: print a Python file's CERT sketch."""

from __future__ import annotations

import sys
from argparse import Namespace

from apiary.cli.source import read_source
from apiary.generation.sketch import SketchMode, sketch


def register(commands) -> None:
    parser = commands.add_parser(
        "sketch", help="print a file's CERT sketch (user-defined constants/names anonymized)"
    )
    parser.add_argument("file", metavar="FILE|-", help="Python file to sketch ('-' reads stdin)")
    parser.add_argument(
        "--mode",
        choices=[mode.value for mode in SketchMode],
        default=SketchMode.CONSTANTS.value,
        help="constants: CERT (default); names: CERT-N; both: CERT-NC",
    )
    parser.add_argument("--strip-comments", action="store_true", help="drop comments and docstrings")
    parser.add_argument(
        "--keep", action="append", default=[], metavar="NAME", help="a name never to anonymize (repeatable)"
    )
    parser.set_defaults(run=run_sketch)


def run_sketch(args: Namespace) -> int:
    code = read_source(args.file)
    sys.stdout.write(sketch(code, SketchMode(args.mode), args.keep, strip_comments=args.strip_comments))
    return 0
