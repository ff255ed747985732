"""Wall time of the CLI in fresh processes (issue "Scale and first contact": a CLI that answers in a
second). In an empty cache: `apiary index click`, a first `apiary search` (which loads torch and
exports the query encoder), then `--runs` more searches; `--runs` of `apiary complete` on a file
whose last line is a comment; a first `apiary suggest --file` on it (which mines the library's code)
and `--runs` more; `apiary index click` again (a fresh cached index) and `apiary --help`, each timed
from process start to exit. Prints and writes JSON.

    python -m benchmarks.cli_latency [--runs 3] [--out benchmarks/results/cli-latency.json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import write_figures

ROOT = Path(__file__).resolve().parents[1]
APIARY = [sys.executable, "-m", "apiary"]
QUERY = "add a command line option"
#: the file `complete` and `suggest --file` read: the comment is the last line
CODE = "import click\n\nmessage = \"done\"\n# print the message to the terminal\n"


def timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([*APIARY, *argv], env=env, check=True, capture_output=True, timeout=600)
    return round(time.perf_counter() - started, 2)


def _runs(name: str, argv: list[str], runs: int, env: dict[str, str]) -> dict:
    times = [timed(argv, env) for _ in range(runs)]
    return {f"{name}_runs_s": times, f"{name}_median_s": statistics.median(times)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--library", default="click", help="an installed package to index")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "cli-latency.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="apiary-cli-") as cache:
        env = {**os.environ, "APIARY_CACHE_DIR": cache, "HF_HUB_OFFLINE": "1"}
        search = ["search", QUERY, "--lib", args.library]
        record = {"library": args.library, "query": QUERY,
                  "index_cold_s": timed(["index", args.library], env),
                  "first_search_s": timed(search, env)}
        runs = [timed(search, env) for _ in range(args.runs)]
        record.update(search_runs_s=runs, search_median_s=statistics.median(runs))
        code = Path(cache) / "cli.py"
        code.write_text(CODE)
        record.update(_runs("complete", ["complete", str(code), "--lib", args.library], args.runs, env))
        suggest = ["suggest", "--file", str(code), "--lib", args.library]
        record["first_suggest_s"] = timed(suggest, env)
        record.update(_runs("suggest", suggest, args.runs, env))
        record.update(index_cached_s=timed(["index", args.library], env), help_s=timed(["--help"], env))
    write_figures(record, args.out, "benchmarks.cli_latency", argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
