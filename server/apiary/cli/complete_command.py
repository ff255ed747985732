"""``apiary complete``: the completion the editor would show, from the shell (scripts, other editors,
and a quick way to see what a model or endpoint writes with the retrieved APIs)."""

from __future__ import annotations

import json
import sys
from argparse import Namespace

from apiary.cli.arguments import non_negative, positive
from apiary.cli.errors import CliError
from apiary.cli.source import read_source
from apiary.paths import index_dir
from apiary.settings import Settings
from apiary.snippet import tab_stop_names

#: the CLI's defaults are the server's
DEFAULTS = Settings()
NOTHING_GOES_HERE = ("no code goes at the cursor (inside a string, after a complete statement, before text on its "
                     "line, or in an import or def being written): give --line of a comment or of an empty line")


def register(commands) -> None:
    complete = commands.add_parser("complete", help="complete code at a position with the library's APIs")
    complete.add_argument(
        "file", metavar="FILE|-", help="Python file ('-' reads stdin); the cursor is at its end unless --line is given"
    )
    complete.add_argument(
        "--line", type=positive,
        help="cursor line (1-based); with --column, else the end of that line (on a comment, the code goes under it)"
    )
    complete.add_argument("--column", type=non_negative, help="cursor column (0-based, characters)")
    complete.add_argument(
        "--lib", action="append", required=True, help="indexed library name (repeatable); see `apiary libs`"
    )
    complete.add_argument("--generator", default=DEFAULTS.generator,
                          help="default (offline, no weights) | apicoder | cert")
    complete.add_argument("--model", help="Hugging Face model directory or hub id (apicoder, CERT's generator)")
    complete.add_argument("--endpoint", help="OpenAI-compatible completions endpoint (vLLM, llama.cpp, TGI, Ollama)")
    complete.add_argument("--sketcher", help="CERT's sketcher: model directory or endpoint URL")
    complete.add_argument(
        "--api", action="append", help="use this API (import path) instead of retrieving (repeatable)"
    )
    complete.add_argument("--top-apis", type=non_negative, default=DEFAULTS.top_apis,
                          help="retrieved APIs given to the generator (the best in When Language Model "
                               "Meets Private Library §5.2: 2)")
    complete.add_argument("-n", type=positive, default=3, help="candidates to print")
    complete.add_argument("--encoder", help="encoder directory the libraries were indexed with")
    complete.add_argument(
        "--api-reranker",
        metavar="DIR",
        help="cross-encoder directory (apiary-train train crossencoder) that reranks the retrieved APIs",
    )
    complete.add_argument("--json", action="store_true", help="print JSON with provenance and timings")
    complete.set_defaults(run=run_complete)


def run_complete(args: Namespace) -> int:
    from apiary.engine import WITHOUT_API_RERANKER, ModelOptions, build_engine
    from apiary.generation.offline.kept_usages import kept_usages_dir
    from apiary.generation.placement import Placement, placement
    from apiary.generation.types import CodeContext, GenerationSettings
    from apiary.retrieval.onnx_encoder import export_after_use, query_encoder
    from apiary.retrieval.store import IndexStore

    # --line counts lines as universal newlines do: "\r\n" and "\r" end a line as "\n" does
    text = read_source(args.file).replace("\r\n", "\n").replace("\r", "\n")
    prefix, suffix = code_at_cursor(text, args.line, args.column)
    store = IndexStore(index_dir(), query_encoder(args.encoder))
    indexes = [store.load(name) for name in args.lib]
    options = ModelOptions(model=args.model, endpoint=args.endpoint, sketcher=args.sketcher,
                           api_reranker=args.api_reranker)
    engine = build_engine(store.encoder, lambda: indexes, options, default_generator=args.generator,
                          kept_usages=kept_usages_dir())
    for problem in engine.problems:  # the API reranker's problem says itself what happens instead
        consequence = "" if problem.endswith(WITHOUT_API_RERANKER) else "; using the offline generator"
        print(f"apiary complete: {problem}{consequence}", file=sys.stderr)
    apis = None
    if args.api:
        apis = [entry for path in args.api for entry in [_find(indexes, path)]]
        if None in apis:
            raise CliError(f"unknown API among {args.api}; see `apiary search`")
    context = CodeContext(prefix, suffix)
    if placement(context.editor) is Placement.NOTHING:  # where the editor writes nothing either
        print(f"no suggestion: {NOTHING_GOES_HERE}", file=sys.stderr)
        return 1
    settings = GenerationSettings(top_apis=args.top_apis)
    result = engine.pipeline.complete(context, apis=apis, n=args.n, settings=settings)
    if args.json:
        print(json.dumps(_as_json(result), indent=2))
    else:
        _print_plain(result)
    if not result.candidates:
        print(f"no suggestion: {_why_none(result, args)}", file=sys.stderr)
    export_after_use(store.encoder, args.encoder)
    return 0 if result.candidates else 1


def _why_none(result, args: Namespace) -> str:
    if result.fallback_reason:
        return result.fallback_reason
    if args.top_apis == 0 or not result.apis:
        return "no API to write with (--top-apis 0, or none retrieved); the offline generator needs one"
    if not result.written:
        return f"the {result.generator} generator wrote nothing that continues the code at the cursor"
    return "every candidate failed the checks against the library here"


def code_at_cursor(text: str, line: int | None, column: int | None) -> tuple[str, str]:
    """The text before and after where the code goes: the cursor (`split_at_cursor`), or, on a
    comment line, where the editor's "Insert completion" puts the code written for that comment
    (the statement begun below it, else a new line after it: `generation.site.code_site`)."""
    from apiary.context.positions import line_starts
    from apiary.generation.site import code_site

    prefix, _ = split_at_cursor(text, line, column)
    starts = line_starts(text)
    site = code_site(text, starts, prefix.count("\n"), len(prefix))
    return site.text[: site.cursor], site.text[site.cursor :]


def split_at_cursor(text: str, line: int | None, column: int | None) -> tuple[str, str]:
    """Text before and after the cursor; no --line puts the cursor at the end (trailing newlines kept out)."""
    if line is None:
        stripped = text.rstrip("\n")
        return stripped, text[len(stripped):]
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        raise CliError(f"--line {line} is outside the file (1..{len(lines)})")
    row = lines[line - 1]
    column = len(row) if column is None else max(0, min(column, len(row)))
    before = "\n".join(lines[: line - 1] + [row[:column]])
    return before, text[len(before):]


def _find(indexes, path: str):
    return next((entry for index in indexes for entry in [index.catalogue.find(path)] if entry is not None), None)


def _as_json(result) -> dict:
    return {
        "generator": result.generator,
        "fallback_reason": result.fallback_reason,
        "apis": [{"import_path": a.entry.import_path, "score": round(a.score, 4)} for a in result.apis],
        "candidates": [
            {"text": c.text, "score": c.score, "apis": list(c.apis), "notes": list(c.notes), "snippet": c.snippet,
             "generator": c.generator}
            for c in result.candidates
        ],
        "timings_ms": result.timings_ms,
    }


def _print_plain(result) -> None:
    print(f"# APIs: {', '.join(a.entry.import_path for a in result.apis) or 'none'}  ({result.generator}, "
          f"{result.timings_ms.get('total', 0):.0f} ms)", file=sys.stderr)
    for rank, candidate in enumerate(result.candidates, 1):
        notes = f"  [{'; '.join(candidate.notes)}]" if candidate.notes else ""
        to_fill = tab_stop_names(candidate.snippet)  # an editor's tab stops: the user's to write
        fill = f"  # to fill in: {', '.join(to_fill)}" if to_fill else ""
        print(f"{rank}. {candidate.text.strip()}{fill}{notes}")

