"""Retriever pairs mined from installed public libraries (APIRetriever's recipe, When Language Model Meets Private
Library §3.2):
each code block's description (a function's docstring summary, or a comment just above a call)
paired with the API info (``dense_text``, what Apiary's index encodes) of each library API it calls,
plus negatives sampled from the same library (1:8 as in When Language Model Meets Private Library §5.1).

Static only: library code is parsed, never imported. A call is matched to an API by its name when
that name is unique among the library's public APIs (ambiguous and private names are skipped).

    python -m apiary_training.corpus.library_pairs --library sklearn --library matplotlib \
        --out benchmarks/training/runs/retriever-pairs.jsonl
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import sys
from collections import Counter
from pathlib import Path

from apiary.comments import comment_blocks
from apiary.docs.docstrings import plain_text, summary_paragraph
from apiary.docs.entry import ApiKind
from apiary.docs.ingest import ingest
from apiary.docs.locate import locate
from apiary.docs.python_package import decode_source
from apiary.retrieval.index import dense_text

# Never TorchData (the benchmark's library), nor torch's own datapipes it grew from.
EXCLUDED_PARTS = ("torchdata", "datapipes")
MIN_WORDS = 3


def called_names(node: ast.AST) -> list[tuple[int, str]]:
    """(line, name) of every call: ``f(...)`` -> f, ``x.y.f(...)`` -> f."""
    found = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name:
                found.append((sub.lineno, name))
    return found


def descriptions(tree: ast.Module, source: str) -> list[tuple[str, list[str]]]:
    """(description, called names) for every documented function and every comment above calls."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = plain_text(summary_paragraph(ast.get_docstring(node) or ""))
            if doc:
                found.append((doc.split(". ")[0], [n for _, n in called_names(node)]))
    calls_by_line: dict[int, list[str]] = {}
    for line, name in called_names(tree):
        calls_by_line.setdefault(line, []).append(name)
    for block in comment_blocks(source):
        following = calls_by_line.get(block.last + 1, [])
        if following:  # the block's last line, the comment right above the calls
            found.append((block.lines[-1], following))
    return [(d, names) for d, names in found if len(d.split()) >= MIN_WORDS and "test" not in d.lower()]


def mine_library(spec: str, negatives: int, rng: random.Random) -> tuple[list[dict], dict]:
    source = locate(spec)
    entries = [e for e in ingest(source).entries if e.kind not in (ApiKind.MODULE, ApiKind.EXTERNAL)]
    entries = [e for e in entries if not any(p in e.import_path for p in EXCLUDED_PARTS)]
    counts = Counter(e.name for e in entries)
    by_name = {e.name: e for e in entries if counts[e.name] == 1 and not e.name.startswith("_") and e.description}
    texts = sorted({dense_text(e) for e in entries if e.description})
    pairs, files, seen = [], 0, set()
    for path in sorted(Path(source.root).rglob("*.py")):
        if any(p in str(path) for p in EXCLUDED_PARTS) or "/tests/" in str(path):
            continue
        try:
            text = decode_source(path.read_bytes())
            tree = ast.parse(text)
        except (SyntaxError, ValueError, UnicodeDecodeError, OSError, RecursionError):
            continue
        files += 1
        for description, names in descriptions(tree, text):
            for name in dict.fromkeys(names):
                entry = by_name.get(name)
                if entry is None or (description, name) in seen:
                    continue
                seen.add((description, name))
                positive = dense_text(entry)
                pool = [t for t in rng.sample(texts, min(len(texts), negatives + 1)) if t != positive]
                pairs.append({"query": description, "positive": positive, "negatives": pool[:negatives],
                              "library": source.name})
    return pairs, {"library": source.name, "apis": len(entries), "files": files, "pairs": len(pairs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--library", action="append", required=True, help="installed module name or source tree")
    parser.add_argument("--out", required=True)
    parser.add_argument("--negatives", type=int, default=8)
    parser.add_argument("--max-per-library", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    with out.open("w", encoding="utf-8") as sink:
        for spec in args.library:
            if any(p in spec for p in EXCLUDED_PARTS):
                sys.stderr.write(f"{spec}: excluded (the benchmark's library)\n")
                continue
            try:
                pairs, summary = mine_library(spec, args.negatives, rng)
            except Exception as error:  # one library failing must not lose the others
                sys.stderr.write(f"{spec}: skipped ({type(error).__name__}: {error})\n")
                continue
            rng.shuffle(pairs)
            for pair in pairs[: args.max_per_library]:
                sink.write(json.dumps(pair) + "\n")
            total += min(len(pairs), args.max_per_library)
            sys.stderr.write(json.dumps(summary) + "\n")
    sys.stderr.write(f"{total} pairs -> {out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
