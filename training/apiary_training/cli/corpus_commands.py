"""``apiary-train corpus ...`` subcommands: each reads Python sources, writes JSON Lines, shows a
progress bar and ends with a summary of what it kept and why it dropped the rest (to stderr)."""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from apiary.generation.sketch import SketchMode
from apiary_training.corpus.filters import FilterSettings
from apiary_training.corpus.pipeline import CleanFile, SourceOptions, clean_files
from apiary_training.corpus.report import CorpusReport, JsonlWriter


def register(commands) -> None:
    """Add this module's subcommands to the ``apiary-train`` parser."""
    corpus = commands.add_parser("corpus", help="build a training corpus (JSON Lines) from Python sources")
    kinds = corpus.add_subparsers(dest="corpus", required=True, metavar="CORPUS")
    for name, help_text, options, run in _COMMANDS:
        parser = kinds.add_parser(name, help=help_text, description=help_text)
        _common_options(parser)
        options(parser)
        parser.set_defaults(run=run)


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", metavar="SRC",
                        help="a directory, .py file, wheel/sdist, installed module name, or 'site-packages'")
    parser.add_argument("--out", type=Path, required=True, help="the JSON Lines file to write")
    parser.add_argument("--library", action="append", default=[], metavar="NAME",
                        help="keep only files importing NAME (repeatable): the library-oriented sub-corpus")
    parser.add_argument("--no-filters", action="store_true",
                        help="skip the length/rate/keyword/generated-file rules (parse and decode checks stay)")
    parser.add_argument("--no-dedup", action="store_true", help="keep exact and near-duplicate files")
    parser.add_argument("--near-threshold", type=float, default=0.85,
                        help="MinHash Jaccard similarity from which a file is a near duplicate (default 0.85)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (shuffles, noise, negatives)")
    parser.add_argument("--summary", type=Path, help="also write the summary as JSON here")
    parser.add_argument("--unpack-dir", type=Path, help="where wheels and sdists are unpacked (default: cache)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _files(args: argparse.Namespace, report: CorpusReport) -> Iterator[CleanFile]:
    options = SourceOptions(libraries=tuple(args.library), filters=FilterSettings(quality=not args.no_filters),
                            dedup=not args.no_dedup, near_threshold=args.near_threshold,
                            unpack_dir=args.unpack_dir, progress=not args.no_progress)
    return clean_files(args.sources, options, report)


def _write(args: argparse.Namespace, report: CorpusReport, records: Iterable[dict]) -> int:
    with JsonlWriter(args.out) as writer:
        for record in records:
            writer.write(record)
    report.records = writer.count
    sys.stderr.write(f"{args.out}: {report.format()}\n")
    if args.summary:
        args.summary.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    return 0


# --- files and CERT -----------------------------------------------------------------------------------


def _files_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--blocks", action="store_true", help="one record per block instead of per file")


def _run_files(args: argparse.Namespace) -> int:
    from apiary_training.corpus.blocks import split_blocks

    report = CorpusReport()

    def records() -> Iterator[dict]:
        for file in _files(args, report):
            texts = [b.text for b in split_blocks(file.text, file.tree)] if args.blocks else [file.text]
            yield from ({"text": text, "path": file.name, "weight": 1.0} for text in texts)

    return _write(args, report, records())


def _cert_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=("sketcher", "generator"), required=True,
                        help="sketcher: sketched files; generator: sketch and code blocks cross-merged")
    parser.add_argument("--mode", choices=[m.value for m in SketchMode], default=SketchMode.CONSTANTS.value,
                        help="what the sketch anonymizes: constants (CERT), names (CERT-N), both (CERT-NC)")


def _run_cert(args: argparse.Namespace) -> int:
    from apiary_training.corpus.cert import generator_text, sketcher_text

    make = sketcher_text if args.kind == "sketcher" else generator_text
    report = CorpusReport()
    records = ({"text": make(file, args.mode), "path": file.name, "weight": 1.0} for file in _files(args, report))
    return _write(args, report, records)


# --- API information ----------------------------------------------------------------------------------


def _docs_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--docs", action="append", default=[], metavar="SPEC",
                        help="a library's docs to use beside the installed ones: a source tree, wheel, API doc "
                             "file or doc folder (repeatable)")
    parser.add_argument("--no-installed-docs", action="store_true",
                        help="use only --docs, never the docs of installed packages")


def _doc_index(args: argparse.Namespace):
    from apiary_training.corpus.apidocs import DocIndex

    return DocIndex(args.docs, installed=not args.no_installed_docs, unpack_dir=args.unpack_dir)


def _codegenapi_options(parser: argparse.ArgumentParser) -> None:
    _docs_options(parser)
    parser.add_argument("--noise-rate", type=float, default=0.05, help="share of noise APIs (default 0.05)")
    parser.add_argument("--stars", type=Path,
                        help="JSON object {path prefix: repository stars} for the resampling weight (unknown: 0)")


def _run_codegenapi(args: argparse.Namespace) -> int:
    from apiary_training.corpus.codegenapi import codegenapi_record

    if not 0.0 <= args.noise_rate < 1.0:
        raise ValueError(f"--noise-rate must be in [0, 1), got {args.noise_rate}")
    stars = _stars(args.stars)
    index, rng, report = _doc_index(args), random.Random(args.seed), CorpusReport()

    def records() -> Iterator[dict]:
        real = noise = 0
        for file in _files(args, report):
            record, counts = codegenapi_record(file, index, rng, stars, args.noise_rate)
            real, noise = real + counts.real, noise + counts.noise
            yield record
        sys.stderr.write(f"API lines: {real} real, {noise} noise\n")

    return _write(args, report, records())


def _stars(path: Path | None) -> Callable[[str], int | None]:
    table = json.loads(path.read_text(encoding="utf-8")) if path else {}
    if not isinstance(table, dict):
        raise ValueError(f"{path}: expected a JSON object of path prefix -> stars")
    prefixes = sorted(table, key=len, reverse=True)

    def stars(name: str) -> int | None:
        return next((int(table[p]) for p in prefixes if name.startswith(p)), None)

    return stars


def _retriever_options(parser: argparse.ArgumentParser) -> None:
    _docs_options(parser)
    parser.add_argument("--negatives", type=int, default=8, help="sampled negatives per positive (default 8)")


def _run_retriever(args: argparse.Namespace) -> int:
    from apiary_training.corpus.retriever_pairs import retriever_records

    index, rng, report, seen = _doc_index(args), random.Random(args.seed), CorpusReport(), set()
    records = (record for file in _files(args, report)
               for record in retriever_records(file, index, rng, report, args.negatives, seen))
    return _write(args, report, records)


# --- pairs --------------------------------------------------------------------------------------------


def _intent_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-snippet-lines", type=int, default=30, help="longer snippets are dropped")


def _run_intent_snippet(args: argparse.Namespace) -> int:
    from apiary_training.corpus.intent_snippet import labelled_records, matched_pairs

    report = CorpusReport()
    pairs = [pair for file in _files(args, report) for pair in matched_pairs(file, report, args.max_snippet_lines)]
    return _write(args, report, labelled_records(pairs, random.Random(args.seed)))


def _apiseq_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--test-out", type=Path,
                        help="also hold out a test split here; no test pair (description, sequence) is in --out")
    parser.add_argument("--test-fraction", type=float, default=0.1, help="share held out with --test-out")


def _run_apiseq(args: argparse.Namespace) -> int:
    from apiary.sequences.extract import deduplicate
    from apiary_training.corpus.apiseq import kept_pairs, record, split

    report = CorpusReport()
    pairs = [pair for file in _files(args, report) for pair in kept_pairs(file, report)]
    unique = deduplicate(pairs)
    report.drop_item("duplicate pair", len(pairs) - len(unique))
    if args.test_out is None:
        return _write(args, report, map(record, unique))
    train, test = split(unique, args.test_fraction, args.seed)
    with JsonlWriter(args.test_out) as writer:
        for pair in test:
            writer.write(record(pair))
    sys.stderr.write(f"{args.test_out}: {writer.count} test pairs\n")
    return _write(args, report, map(record, train))


_COMMANDS = (
    (
        "files",
        "filtered, de-duplicated source files (or blocks) for language-model training",
        _files_options,
        _run_files,
    ),
    ("apiseq", "(description, API sequence) pairs from functions", _apiseq_options, _run_apiseq),
    ("cert", "CERT sketcher or generator corpus", _cert_options, _run_cert),
    (
        "codegenapi",
        "files with API information before each block, with resampling weights",
        _codegenapi_options,
        _run_codegenapi,
    ),
    ("retriever", "(description, API info) pairs with same-library negatives", _retriever_options, _run_retriever),
    ("intent-snippet", "matched and randomly re-paired intent-snippet pairs", _intent_options, _run_intent_snippet),
)
