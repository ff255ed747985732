"""Indexing and search at scale (issue "Scale and first contact"): libraries of ~100 to 100,000 APIs.

For each library, in a fresh process and a fresh cache: a cold index (locate, parse, encode, write;
each phase timed), APIs per second, peak RSS and the cache's size, and when the server could search
the library by its words (its index handed out before its vectors are encoded); then, in another
fresh process, a warm load from that cache. The libraries are real ones installed beside Apiary (click, networkx,
pandas, torch's source, transformers) and, for the largest, a generated API doc file of 100,000
APIs. Then query latency against the pool of loaded APIs: the same queries with every library
loaded, once from a file that imports one small library and once from a file that imports none.
Encoder: the bundled all-MiniLM-L6-v2 exported to ONNX (int8 on CPU), as users' `apiary index` and
server get it once the first run has exported it. Prints a table and writes
JSON and a PNG.

    python -m benchmarks.scale [--only click,networkx] [--out benchmarks/results/scale.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: what each library is indexed from: an installed package's name, the packages copied side by side
#: into one folder (a real library of 30,000+ APIs, which no single installed package here is), or
#: None for the generated API file
LIBRARIES: dict[str, str | tuple[str, ...] | None] = {
    "click": "click", "networkx": "networkx", "pandas": "pandas", "torch": "torch", "transformers": "transformers",
    "transformers+sympy": ("transformers", "sympy"), "generated-100k": None}
WORDS = ["read", "write", "table", "row", "column", "filter", "sort", "group", "merge", "join", "split", "parse",
         "format", "date", "time", "url", "path", "file", "cache", "retry", "graph", "node", "edge", "matrix"]
QUERIES = ["read a csv file into a table", "sort the rows by a column", "merge two graphs", "parse a date string",
           "split the text into words", "write the result to a file", "group values by key and count them",
           "compute the shortest path between two nodes", "load the pretrained model", "add a command line option"]


def generated_library(folder: Path, count: int = 100_000) -> Path:
    rng = random.Random(0)
    path = folder / "generated.jsonl"
    with path.open("w") as out:
        for i in range(count):
            words = rng.sample(WORDS, 3)
            name = "_".join(words) + f"_{i}"
            description = f"{words[0].capitalize()} the {words[1]} of a {words[2]}."
            out.write(
                json.dumps({"name": name, "signature": f"{name}(value, option=None)", "description": description})
                + "\n"
            )
    return path


def combined_library(folder: Path, packages: tuple[str, ...]) -> Path:
    """The Python files of installed ``packages``, copied side by side into one folder."""
    from apiary.docs.locate import locate

    root = folder / "+".join(packages)
    for package in packages:
        installed = locate(package, name=package).root
        shutil.copytree(installed, root / installed.name, ignore=_not_python)
    return root


def _not_python(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if not (Path(folder, n).is_dir() or n.endswith((".py", ".pyi")))]


def _target(name: str, folder: Path) -> str:
    spec = LIBRARIES[name]
    if spec is None:
        return str(generated_library(folder))
    return spec if isinstance(spec, str) else str(combined_library(folder, spec))


def one(target: str, name: str) -> dict:
    """In this process: index ``target`` into the cache named by APIARY_CACHE_DIR (cold when empty,
    a load when it holds the index) and report the phases, RSS and size."""
    from apiary.docs.ingest import ingest
    from apiary.docs.locate import locate
    from apiary.paths import index_dir
    from apiary.retrieval.store import IndexStore

    started = time.perf_counter()
    encoder = users_encoder()
    encoder.encode(["warm up"])  # the weights, loaded lazily elsewhere, are not the index's cost
    loaded = time.perf_counter()
    source = locate(target, name=name)
    store = IndexStore(index_dir(), encoder)
    searchable: list[float] = []  # when the server could search it by its words (a cold build)

    def served(index) -> None:
        if not index.encoded:
            searchable.append(time.perf_counter())

    result = store.get_or_build(source, serve=served)
    total = time.perf_counter() - loaded
    figures = {"apis": len(result.index.entries), "rebuilt": result.rebuilt, "seconds": round(total, 2),
               "encoder_load_s": round(loaded - started, 2),
               "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if result.rebuilt:  # the parse alone, timed again: what the cold time spends outside encoding
        parse_started = time.perf_counter()
        ingest(source)
        figures["parse_s"] = round(time.perf_counter() - parse_started, 2)
        figures["apis_per_s"] = round(len(result.index.entries) / max(total, 1e-9), 1)
        if searchable:
            figures["searchable_s"] = round(searchable[0] - loaded, 2)
            figures["searchable_apis_per_s"] = round(len(result.index.entries) / max(searchable[0] - loaded, 1e-9), 1)
    directory = store.directory_for(source)
    figures["cache_mb"] = round(sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / 2**20, 1)
    return figures


def users_encoder():
    """The encoder users' `apiary index` and server get: the bundled MiniLM exported to ONNX (int8)
    once, as the first `apiary index` or query leaves it (the export is not the index's cost)."""
    from apiary.retrieval.encoder import fastest_encoder
    from apiary.retrieval.onnx_encoder import export_for_queries

    export_for_queries()
    return fastest_encoder()


def child(target: str, name: str, cache: Path) -> dict:
    env = {**os.environ, "APIARY_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "server"), str(ROOT)])}
    done = subprocess.run([sys.executable, "-m", "benchmarks.scale", "--one", target, "--name", name],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"{name}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def query_latency(cache: Path, names: list[str], small: str) -> dict:
    """Every library in ``cache`` loaded into one retriever; p50/p95 of the queries from a file
    that imports ``small`` and from one that imports nothing Apiary knows."""
    os.environ["APIARY_CACHE_DIR"] = str(cache)
    from apiary.paths import index_dir
    from apiary.retrieval.hybrid import HybridRetriever
    from apiary.retrieval.store import IndexStore

    encoder = users_encoder()
    store = IndexStore(index_dir(), encoder)
    indexes = [store.load(name) for name in names]
    retriever = HybridRetriever(encoder, indexes)
    figures: dict = {"pool_apis": sum(len(ix.entries) for ix in indexes)}
    for label, libraries in (("imports_" + small, (small,)), ("imports_nothing", ())):
        figures[label] = _latency(retriever, libraries)
    # each library searched alone: a query's cost against the number of APIs it searches, and its floor
    figures["alone"] = {index.name: {"apis": len(index.entries), **_latency(HybridRetriever(encoder, [index]), ()),
                                     "floor_ms": _floor(encoder, index)} for index in indexes}
    return figures


def _floor(encoder, index) -> dict:
    """The physical floor of a query on ``index`` (medians): one query encoded, one product of its
    vector with a vector for every API (described or not), and BM25 over its words."""
    import numpy as np

    from apiary.words import lexical_tokens

    vectors = np.ones((len(index.entries), encoder.dim), dtype=np.float32)
    query = encoder.encode([QUERIES[0]])[0]
    parts = {"encode": lambda text: encoder.encode([text]), "product": lambda text: vectors @ query,
             "bm25": lambda text: index.lexical_scores(lexical_tokens(text))}
    floor = {}
    for name, step in parts.items():
        samples = []
        for text in QUERIES * 3:
            started = time.perf_counter()
            step(text)
            samples.append((time.perf_counter() - started) * 1000)
        floor[name] = round(statistics.median(samples), 2)
    floor["total"] = round(sum(floor.values()), 2)
    return floor


def _latency(retriever, libraries: tuple[str, ...]) -> dict:
    from apiary.retrieval.query import ApiQuery

    samples = []
    for _ in range(3):
        for text in QUERIES:
            query = ApiQuery(intent=text, libraries=libraries)
            started = time.perf_counter()
            retriever.search(query)
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1)}


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n in results if results[n].get("cold")]
    apis = [results[n]["cold"]["apis"] for n in names]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.loglog(apis, [results[n]["cold"]["seconds"] for n in names], "o-", label="cold index")
    left.loglog(apis, [results[n]["warm"]["seconds"] for n in names], "s-", label="warm load")
    left.set_xlabel("APIs")
    left.set_ylabel("seconds")
    left.legend()
    right.semilogx(apis, [results[n]["cold"]["apis_per_s"] for n in names], "o-", label="whole index")
    words = [n for n in names if "searchable_apis_per_s" in results[n]["cold"]]
    right.semilogx([results[n]["cold"]["apis"] for n in words],
                   [results[n]["cold"]["searchable_apis_per_s"] for n in words], "^--", label="searchable by words")
    right.legend()
    right.axhline(500, linestyle="--", color="grey")
    right.set_xlabel("APIs")
    right.set_ylabel("APIs per second, cold")
    for ax, name in ((left, "time"), (right, "rate")):
        ax.set_title(name)
    fig.tight_layout()
    fig.savefig(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma-separated libraries of " + ", ".join(LIBRARIES))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "scale.json")
    parser.add_argument("--busy", action="store_true",
                        help="with one other busy process on the machine (a Python loop on one core)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.name)))
        return 0
    chosen = args.only.split(",") if args.only else list(LIBRARIES)
    results: dict[str, dict] = {}
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.busy else None
    try:
        latency = _measure(chosen, results)
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()
    print(f"queries with {latency['pool_apis']} APIs loaded: " + "; ".join(
        f"{label} p50 {v['p50_ms']} ms, p95 {v['p95_ms']} ms" for label, v in latency.items()
        if isinstance(v, dict) and "p50_ms" in v))
    print("each library searched alone: " + "; ".join(
        f"{name} ({v['apis']} APIs) p50 {v['p50_ms']} ms, p95 {v['p95_ms']} ms (floor {v['floor_ms']['total']} ms)"
        for name, v in latency["alone"].items()))
    record = {"libraries": results, "query_latency": latency, "cpu_count": os.cpu_count(), "busy_process": args.busy,
              "load_average": list(os.getloadavg()), "encoder": "all-MiniLM-L6-v2 (ONNX Runtime, int8, CPU)",
              "command": " ".join(["python -m benchmarks.scale", *(argv if argv is not None else sys.argv[1:])])}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n")
    plot(results, args.out.with_suffix(".png"))
    return 0


def _searchable(cold: dict) -> str:
    if "searchable_s" not in cold:
        return "with its vectors"
    return f"{cold['searchable_s']:.1f} s, {cold['searchable_apis_per_s']:.0f}/s"


def _measure(chosen: list[str], results: dict[str, dict]) -> dict:
    """Cold and warm figures of each library into ``results``; the query latency with all loaded."""
    with tempfile.TemporaryDirectory(prefix="apiary-scale-") as tmp:
        cache = Path(tmp) / "cache"
        for name in chosen:
            target = _target(name, Path(tmp))
            cold = child(target, name, cache)
            warm = child(target, name, cache)
            results[name] = {"cold": cold, "warm": warm}
            print(
                f"{name:<16} {cold['apis']:>7} APIs  cold {cold['seconds']:>7.1f} s ({cold['apis_per_s']:>6.0f}/s, "
                f"parse {cold['parse_s']:.1f} s; searchable by words {_searchable(cold)})  "
                f"warm {warm['seconds']:>5.2f} s  peak {cold['peak_rss_mb']:>6.0f} MB  "
                f"cache {cold['cache_mb']:>6.1f} MB",
                flush=True,
            )
        small = min(chosen, key=lambda n: results[n]["cold"]["apis"])
        return query_latency(cache, chosen, small)


if __name__ == "__main__":
    sys.exit(main())
