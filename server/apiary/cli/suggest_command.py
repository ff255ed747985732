"""``apiary suggest "QUERY"``: the sequences of API calls that do what the query says."""

from __future__ import annotations

import json
import sys
import time
from argparse import Namespace
from pathlib import Path
from typing import TYPE_CHECKING

from apiary.cli.arguments import positive, seconds
from apiary.cli.errors import CliError
from apiary.cli.progress import PhaseBars
from apiary.cli.source import read_source

if TYPE_CHECKING:
    from apiary.retrieval.query import ApiQuery


def register(commands) -> None:
    parser = commands.add_parser("suggest", help="suggest the sequence of API calls that does what a comment says")
    parser.add_argument("query", nargs="?",
                        help='what to do, e.g. "generate md5 hash code" (or --file)')
    parser.add_argument("--file", metavar="FILE|-",
                        help="a Python file ('-' reads stdin) whose comment at --line is the query, read with "
                             "the code above it, as the editor's \"Suggest API sequence…\" reads it")
    parser.add_argument("--line", type=positive,
                        help="the comment's line in --file (1-based; default: its last comment line)")
    parser.add_argument("--lib", action="append", default=[],
                        help="indexed library (repeatable): its docs and its own code are the corpus "
                             "(default: the standard library and packages of the interpreter)")
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument("--json", action="store_true", help='print [{"apis", "score", "source"}]')
    parser.add_argument("--python", help="interpreter whose standard library and packages to mine (default: this one)")
    parser.add_argument("--corpus", action="append", default=[], type=Path, metavar="DIR",
                        help="more code to mine (repeatable)")
    parser.add_argument("--corpus-only", action="store_true",
                        help="mine only --corpus (and --lib code), not the interpreter's standard library and packages")
    parser.add_argument("--model", type=Path, help="a trained API-sequence model directory (apiary-train)")
    parser.add_argument("--encoder", help="encoder directory (default: the bundled all-MiniLM-L6-v2)")
    parser.add_argument("--mine-for", type=seconds, default=FIRST_ANSWER_MINING_S, metavar="SECONDS",
                        help="on a first run, mine for at most this long and answer from what is mined; later runs "
                             f"mine the rest, one package at a time (default: {FIRST_ANSWER_MINING_S:.0f})")
    parser.add_argument("--all", action="store_true", help="mine every package before answering")
    parser.set_defaults(run=run_suggest)


#: A first query from an empty cache answers within about a minute on two cores: the standard
#: library, always mined whole (20 s to mine and 13 s to encode here), then as many packages as fit
#: in this many seconds from the start; the rest wait for later queries.
FIRST_ANSWER_MINING_S = 40.0


def run_suggest(args: Namespace) -> int:
    started = time.monotonic()
    from apiary.paths import index_dir
    from apiary.retrieval.onnx_encoder import export_after_use, query_encoder
    from apiary.retrieval.store import IndexStore
    from apiary.sequences.model import ModelError
    from apiary.sequences.service import build_recommender, corpus_roots

    if args.top_k < 1:
        raise CliError("--top-k must be at least 1")
    query, context = _asked(args)
    for directory in args.corpus:
        if not directory.exists():
            raise CliError(f"no such corpus directory: {directory}")
    encoder = query_encoder(args.encoder)  # no torch once the encoder is exported (the first run does it)
    store = IndexStore(index_dir(), encoder, python=args.python)
    indexes = [store.load(name) for name in args.lib]
    interpreter = not indexes and not args.corpus_only
    roots = corpus_roots(indexes, python=args.python, extra=args.corpus, interpreter=interpreter)
    deadline = None if args.all else started + args.mine_for
    try:
        with PhaseBars(units={"mining": "file", "encoding": "text"}) as bars:
            recommender = build_recommender(encoder, indexes, roots, model_dir=args.model, progress=bars,
                                            deadline=deadline)
    except ModelError as error:
        raise CliError(str(error)) from None
    if recommender.unmined:
        print(f"answered from {len(roots) - len(recommender.unmined)} of {len(roots)} code folders; "
              f"{len(recommender.unmined)} not mined yet (the next queries mine them, or now: --all)", file=sys.stderr)
    _print(recommender.suggest(query, top_k=args.top_k, context=context), args.json)
    sys.stdout.flush()  # the answer first; exporting the encoder for the next query comes after
    export_after_use(encoder, args.encoder)
    return 0


def _asked(args: Namespace) -> tuple[str, ApiQuery | None]:
    """The query, and what the code around it says where it comes from a file (None: the query alone)."""
    if args.file is not None and args.query is not None:
        raise CliError("give the query or --file, not both: the comment in the file is the query")
    if args.file is None:
        if args.line is not None:
            raise CliError("--line needs --file")
        if args.query is None or not args.query.strip():
            raise CliError("the query is empty" if args.query is not None else "give the query, or --file FILE")
        return args.query, None
    from apiary import engine
    from apiary.context.positions import LineStarts, line_text
    from apiary.retrieval.query import query_from_context

    text = read_source(args.file)
    starts = LineStarts.of(text)  # lines as the editor counts them
    lines = [line_text(text, starts, n) for n in range(len(starts))]
    line = _line_asked(lines, args)
    editor = engine.comment_context(text, starts, line, starts[line] + len(lines[line]))
    if not editor.intent.strip():
        raise CliError(f"line {line + 1} of {_name(args.file)} is not a comment that says what to do: "
                       "point --line at one")
    return editor.intent, query_from_context(editor)


def _line_asked(lines: list[str], args: Namespace) -> int:
    """The 0-based line ``--line`` names, else the last comment line."""
    if args.line is not None:
        if args.line > len(lines):
            raise CliError(f"--line {args.line} is outside {_name(args.file)} (1..{len(lines)})")
        return args.line - 1
    comments = [n for n, line in enumerate(lines) if line.lstrip().startswith("#")]
    if not comments:
        raise CliError(f"{_name(args.file)} has no comment line to read")
    return comments[-1]


def _name(file: str) -> str:
    return "stdin" if file == "-" else file


def _print(suggestions: list, as_json: bool) -> None:
    if as_json:
        print(json.dumps([s.to_json() for s in suggestions], indent=2))
        return
    if not suggestions:
        print("no suggestions", file=sys.stderr)
    for rank, suggestion in enumerate(suggestions, 1):
        print(f"{rank:>2}. {suggestion.score:5.3f} [{suggestion.source}] {', '.join(suggestion.apis)}")
        if suggestion.example:
            print(f"      e.g. {suggestion.example}")
