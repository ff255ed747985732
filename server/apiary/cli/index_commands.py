"""``apiary index``, ``apiary search``, ``apiary libs`` and ``apiary forget``."""

from __future__ import annotations

import json
import sys
import time
from argparse import Namespace

from apiary.cli.arguments import positive
from apiary.cli.errors import CliError
from apiary.cli.progress import PhaseBars
from apiary.cli.source import read_source
from apiary.paths import index_dir


def register(commands) -> None:
    index = commands.add_parser(
        "index", help="index a library's documentation (source tree, module, wheel, doc file or folder)"
    )
    index.add_argument(
        "source",
        metavar="PATH|MODULE|WHEEL",
        help="source tree, installed module, wheel/sdist, .jsonl API doc file or doc folder",
    )
    index.add_argument("--name", help="library name to index it under (default: the package name)")
    index.add_argument("--python", help="interpreter whose installed packages MODULE refers to (default: this one)")
    index.add_argument("--encoder", help="encoder directory (default: the bundled all-MiniLM-L6-v2)")
    index.add_argument("--force", action="store_true", help="rebuild even if the cached index is fresh")
    index.set_defaults(run=run_index)

    search = commands.add_parser("search", help="find the APIs a comment or an editor context needs")
    search.add_argument(
        "query", metavar="QUERY_OR_CONTEXT", help="a comment, or code with the cursor at its end ('-' reads stdin)"
    )
    search.add_argument("--lib", action="append", required=True, help="library name (repeatable); see `apiary libs`")
    search.add_argument("--top-k", type=positive, default=5)
    search.add_argument("--json", action="store_true", help="print JSON instead of a table")
    search.add_argument("--encoder", help="encoder directory the library was indexed with")
    search.add_argument("--api-reranker", metavar="DIR",
                        help="cross-encoder directory (apiary-train train crossencoder) that reranks the best APIs")
    search.set_defaults(run=run_search)

    libs = commands.add_parser("libs", help="list indexed libraries")
    libs.add_argument("--json", action="store_true")
    libs.set_defaults(run=run_libs)

    forget = commands.add_parser("forget", help="remove a library's indexes from the cache (what `libs` lists)")
    forget.add_argument("name", help="the library's name, as `apiary libs` shows it")
    forget.add_argument("--version", help="only the indexes of this version (default: every one)")
    forget.set_defaults(run=run_forget)


def run_index(args: Namespace) -> int:
    from apiary.docs.locate import locate
    from apiary.retrieval.encoder import deferred_encoder
    from apiary.retrieval.store import IndexStore

    source = locate(args.source, name=args.name, python=args.python)
    print(f"indexing {source.name} {source.version} ({source.kind}: {source.spec})", file=sys.stderr)
    # the weights load in the background: a fresh cached index never waits for them
    store = IndexStore(index_dir(), deferred_encoder(args.encoder), python=args.python)
    with PhaseBars(unit="API") as bars:
        result = store.get_or_build(source, progress=bars.encoding, force=args.force)
    info = result.index.info
    state = "built" if result.rebuilt else "up to date"
    reused = f", {result.reused_vectors} vectors reused" if result.reused_vectors else ""
    print(f"{info.name} {info.version}: {info.api_count} APIs, {state} in {result.seconds:.1f}s{reused}")
    for skipped in result.skipped:
        print(f"  skipped {skipped.location}: {skipped.reason}", file=sys.stderr)
    if result.skipped:
        unit = "line(s) of the API doc file" if source.kind == "apidoc" else "file(s)"
        print(f"{len(result.skipped)} {unit} skipped", file=sys.stderr)
    if result.cache_problem:
        print(f"note: {result.cache_problem}", file=sys.stderr)
    return 0


def run_search(args: Namespace) -> int:
    from apiary.engine import ModelOptions, load_api_reranker
    from apiary.retrieval.hybrid import HybridRetriever
    from apiary.retrieval.onnx_encoder import export_after_use, query_encoder
    from apiary.retrieval.query import query_from_text
    from apiary.retrieval.store import IndexStore

    text = read_source("-") if args.query == "-" else args.query
    store = IndexStore(index_dir(), query_encoder(args.encoder))
    indexes = [store.load(name) for name in args.lib]
    problems: list[str] = []
    reranker = load_api_reranker(ModelOptions(api_reranker=args.api_reranker), problems)
    for problem in problems:
        print(f"apiary search: {problem}", file=sys.stderr)
    retriever = HybridRetriever(store.encoder, indexes, reranker=reranker)
    started = time.perf_counter()
    results = retriever.search(query_from_text(text), top_k=args.top_k)
    elapsed_ms = (time.perf_counter() - started) * 1000
    if args.json:
        print(json.dumps([_result_json(r) for r in results], indent=2), flush=True)
    else:
        _print_results(results, elapsed_ms)
    export_after_use(store.encoder, args.encoder)
    return 0


def _print_results(results, elapsed_ms: float) -> None:
    for rank, result in enumerate(results, 1):
        print(f"{rank:>2}. {result.score:6.3f}  {result.entry.import_path}{_short_signature(result.entry.signature)}")
        if result.entry.description:
            print(f"              {result.entry.description}")
    print(f"({len(results)} results in {elapsed_ms:.1f} ms)", file=sys.stderr, flush=True)


def run_libs(args: Namespace) -> int:
    from apiary.retrieval.cache import cached_indexes, index_bytes

    rows = [{**meta["library"], "cache_bytes": index_bytes(directory)}
            for directory, meta in cached_indexes(index_dir())]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("no libraries indexed yet; run `apiary index PATH|MODULE|WHEEL`")
        return 0
    for row in sorted(rows, key=lambda r: (r["name"], -r["built_at"])):
        age = _age(time.time() - row["built_at"])
        print(
            f"{row['name']:<24} {row['version']:<12} {row['api_count']:>6} APIs  {_megabytes(row['cache_bytes']):>9}  "
            f"{row['encoder_id']:<24} {age:>8} ago  {row['spec']}"
        )
    total = sum(row["cache_bytes"] for row in rows)
    print(f"{len(rows)} {'index' if len(rows) == 1 else 'indexes'}, {_megabytes(total)} in {index_dir()} "
          "(`apiary forget NAME` removes a library's)")
    return 0


def run_forget(args: Namespace) -> int:
    """Each index of the library goes with the usage examples kept for it; one a build holds stays."""
    from filelock import Timeout

    from apiary.generation.offline.kept_usages import kept_usage_files, kept_usages_dir
    from apiary.retrieval.cache import cached_indexes, index_bytes, remove_index
    from apiary.retrieval.store import UnknownLibrary

    indexes = [(directory, meta["library"]) for directory, meta in cached_indexes(index_dir())]
    named = [(directory, info) for directory, info in indexes if info["name"] == args.name]
    if not named:
        raise UnknownLibrary(args.name, sorted({info["name"] for _, info in indexes}))
    chosen = [(directory, info) for directory, info in named if args.version in (None, info["version"])]
    if not chosen:
        versions = ", ".join(sorted({info["version"] for _, info in named}))
        raise CliError(f"no index of {args.name} {args.version}; its indexed versions: {versions}")
    held = 0
    for directory, info in chosen:
        label = f"{info['name']} {info['version']} ({info['encoder_id']})"
        size = index_bytes(directory)
        try:
            remove_index(directory)
        except Timeout:
            print(f"{label}: another process is building it; kept", file=sys.stderr)
            held += 1
            continue
        for path in kept_usage_files(kept_usages_dir(), info["identity"]):
            path.unlink(missing_ok=True)
        print(f"forgot {label}: {_megabytes(size)} freed")
    return 1 if held else 0


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _result_json(result) -> dict:
    entry = result.entry
    return {
        "name": entry.name,
        "import_path": entry.import_path,
        "kind": entry.kind.value,
        "signature": entry.signature,
        "description": entry.description,
        "library": entry.library,
        "score": round(result.score, 4),
        "parts": result.parts,
    }


def _short_signature(signature: str, limit: int = 70) -> str:
    return signature if len(signature) <= limit else signature[: limit - 4] + "...)"


def _age(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}"
    return f"{seconds:.0f}s"
