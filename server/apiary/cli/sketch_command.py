"""``apiary sketch``: print a Python file's CERT sketch."""

from __future__ import annotations

import io
import sys
import tokenize
from argparse import Namespace
from pathlib import Path

from apiary.cli.errors import CliError
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
    code = _read_stdin() if args.file == "-" else _read_file(Path(args.file))
    sys.stdout.write(sketch(code, SketchMode(args.mode), args.keep, strip_comments=args.strip_comments))
    return 0


def _read_stdin() -> str:
    binary = getattr(sys.stdin, "buffer", None)  # bytes keep line endings exactly as given
    return sys.stdin.read() if binary is None else _decode(binary.read(), "stdin")


def _read_file(path: Path) -> str:

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"no such file: {path}") from None
    except OSError as error:
        raise CliError(f"cannot read {path}: {error.strerror or error}") from None
    return _decode(data, str(path))


def _decode(data: bytes, name: str) -> str:
    """Decode as Python does: a PEP 263 coding line, else UTF-8 (a BOM is honoured)."""

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding).removeprefix("\ufeff")
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        reason = error.msg if isinstance(error, SyntaxError) else str(error)
        raise CliError(f"cannot decode {name} (not UTF-8 and no usable coding line): {reason}") from None
