"""`apiary suggest` as a new user meets it (issue "API sequence suggestions: a first answer in a
minute"): in an empty cache, the first query (mining the standard library, then packages until the
deadline) timed to its answer on stdout and to its exit; `--all` (every package mined, once); then
`--runs` queries in fresh processes with everything cached (median); and the server's side, the
recommender built once in-process and asked `--queries` requests (p50/p95). Prints and writes JSON.

    python -m benchmarks.suggest_latency [--runs 3] [--cache DIR] [--out benchmarks/results/suggest-latency.json]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import write_figures

ROOT = Path(__file__).resolve().parents[1]
APIARY = [sys.executable, "-m", "apiary", "suggest"]
QUERY = "compute the sha256 digest of a file"
#: requests for the in-process latency only (no answer is scored here)
QUERIES = ["read a json file", "copy a directory tree", "parse command line arguments", "send an http request",
           "compress a file with gzip", "format the current date", "split a path into parts",
           "run a shell command and capture its output", "write rows to a csv file", "compute the md5 of a string"]


def run(argv: list[str], env: dict[str, str]) -> dict:
    """Seconds to the first suggestion printed and to exit, and what stderr said of the corpus."""
    with tempfile.TemporaryFile(mode="w+") as errors:  # progress bars fill a pipe nobody reads yet
        started = time.perf_counter()
        process = subprocess.Popen([*APIARY, *argv], env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
        answered = None
        for line in process.stdout:
            if answered is None and re.match(r"\s*1\. ", line):
                answered = time.perf_counter() - started
        process.wait(timeout=3600)
        exited = time.perf_counter() - started
        errors.seek(0)
        stderr = errors.read()
    corpus = re.search(r"answered from (\d+) of (\d+)", stderr)
    return {"answer_s": round(answered, 2) if answered is not None else None, "exit_s": round(exited, 2),
            "folders_mined": f"{corpus.group(1)}/{corpus.group(2)}" if corpus else "all"}


def in_process(cache: Path, queries: list[str]) -> dict:
    """The server's case: the recommender built once (from the cache), then one request after another."""
    os.environ["APIARY_CACHE_DIR"] = str(cache)
    from apiary.retrieval.encoder import load_encoder
    from apiary.sequences.service import build_recommender, corpus_roots

    encoder = load_encoder()
    started = time.perf_counter()
    recommender = build_recommender(encoder, (), corpus_roots(interpreter=True))
    built = time.perf_counter() - started
    recommender.suggest("warm up")
    samples = []
    for query in queries * 3:
        started = time.perf_counter()
        recommender.suggest(query)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"build_from_cache_s": round(built, 2), "requests": len(samples),
            "p50_ms": round(statistics.median(samples), 1), "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
            "pairs": len(recommender.index.pairs) if recommender.index else 0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, help="cache folder to use (default: a fresh, empty one)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "suggest-latency.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="apiary-suggest-") as scratch:
        cache = args.cache or Path(scratch)
        env = {**os.environ, "APIARY_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1"}
        record: dict = {"query": QUERY, "empty_cache": args.cache is None, "first_query": run([QUERY], env)}
        record["mine_all"] = run(["--all", QUERY], env)
        warm = [run([QUERY], env) for _ in range(args.runs)]
        record["warm_runs"] = warm
        record["warm_median_s"] = statistics.median(r["exit_s"] for r in warm)
        record["server"] = in_process(cache, QUERIES)
    write_figures(record, args.out, "benchmarks.suggest_latency", argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
