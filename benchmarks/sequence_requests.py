"""API-sequence suggestions on everyday standard-library requests in users' words (issue "API
sequence suggestions": an accepted API in the top suggestion for at least 15 of 20).

The requests (`data/everyday_requests.json`) were written by a helper kept blind to Apiary: 80
requests over 26 topics, split by topic with a fixed seed into ``dev`` (choose weights and phrasings
on these) and ``test`` (report these). The recommender is the one `apiary suggest` builds with no
``--lib``: this interpreter's standard library and packages, the exported query encoder.

A request is right when the top suggestion holds an accepted API, or a member of one
(``socket.socket::connect`` uses ``socket.socket``; ``os.environ.get`` uses ``os.environ``);
``strict`` counts exact names only (a method written with ``::`` or ``.`` alike). A two-step request
("read a csv file and sum a column") is ``in_order`` when the top suggestion holds an API of its
first step before one of its second.

    python -m benchmarks.sequence_requests [--split dev|test|all] [--check] [--out FILE]
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
from pathlib import Path

from benchmarks.timing import write_figures

HERE = Path(__file__).parent
REQUESTS = HERE / "data" / "everyday_requests.json"
RESULTS = HERE / "results"


def uses(api: str, accepted: str) -> bool:
    """Whether a suggested ``api`` is ``accepted`` or one of its members; a class's method may be
    written either way (``datetime.datetime.fromtimestamp``, ``datetime.datetime::fromtimestamp``)."""
    api, accepted = api.replace("::", "."), accepted.replace("::", ".")
    return api == accepted or api.startswith(accepted + ".")


def judge(apis: list[str], request: dict) -> dict[str, bool]:
    accepted = request["accepted"]
    verdict = {
        "right": any(uses(api, a) for api in apis for a in accepted),
        "strict": any(api.replace("::", ".") == a.replace("::", ".") for api in apis for a in accepted),
    }
    if request.get("steps"):
        first, second = request["steps"][:2]
        firsts = [i for i, api in enumerate(apis) if any(uses(api, a) for a in first)]
        seconds = [i for i, api in enumerate(apis) if any(uses(api, a) for a in second)]
        verdict["in_order"] = bool(firsts and seconds and min(firsts) < max(seconds))
    return verdict


def score(recommender, requests: list[dict]) -> dict:
    judged, latencies = [], []
    for request in requests:
        started = time.perf_counter()
        suggestions = recommender.suggest(request["query"], top_k=5)
        latencies.append(time.perf_counter() - started)
        top = list(suggestions[0].apis) if suggestions else []
        in_top5 = any(judge(list(s.apis), request)["right"] for s in suggestions)
        judged.append({"query": request["query"], "topic": request["topic"], "top": top,
                       **judge(top, request), "right_in_top5": in_top5, "accepted": request["accepted"]})
    two_step = [j for j in judged if "in_order" in j]
    return {
        "requests": len(judged),
        "right": sum(j["right"] for j in judged), "strict": sum(j["strict"] for j in judged),
        "right_in_top5": sum(j["right_in_top5"] for j in judged),
        "two_step": len(two_step), "two_step_in_order": sum(j["in_order"] for j in two_step),
        "p50_ms": round(1000 * sorted(latencies)[len(latencies) // 2], 1) if latencies else None,
        "judged": judged,
    }


def unresolved(requests: list[dict]) -> list[str]:
    """Accepted names that do not resolve in this interpreter's standard library (``--check``)."""
    import hashlib

    special = {"hashlib.HASH": type(hashlib.md5())}
    missing = []
    for name in sorted({a for r in requests for a in r["accepted"]}):
        dotted, _, method = name.partition("::")
        try:
            owner = special.get(dotted) or _resolve(dotted)
            if method:
                getattr(owner, method)
        except (ImportError, AttributeError, ValueError):
            missing.append(name)
    return missing


def _resolve(dotted: str):
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ImportError(dotted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "test", "all"], default="test")
    parser.add_argument("--check", action="store_true", help="only check that every accepted name resolves")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    requests = [r for r in json.loads(REQUESTS.read_text())["requests"] if args.split in ("all", r["split"])]
    if args.check:
        missing = unresolved(requests)
        print(f"{len(requests)} requests; unresolved accepted names: {missing or 'none'}")
        return 1 if missing else 0
    started = time.perf_counter()
    recommender = _users_recommender()
    built = time.perf_counter() - started
    result = {"benchmark": "sequence-requests", "split": args.split, "build_s": round(built, 1),
              **score(recommender, requests)}
    for j in result["judged"]:
        mark = "right" if j["right"] else "WRONG"
        print(f"{mark:5} {j['query']}: {', '.join(j['top']) or '(none)'}")
    print(f"{result['right']}/{result['requests']} right ({result['strict']} strict), "
          f"{result['right_in_top5']} in the top 5, two-step in order {result['two_step_in_order']}"
          f"/{result['two_step']}")
    write_figures(result, args.out or RESULTS / f"sequence-requests-{args.split}.json", "benchmarks.sequence_requests",
                  argv)
    return 0


def _users_recommender():
    """What `apiary suggest QUERY` builds: the interpreter's standard library and packages, all mined."""
    from apiary.retrieval.onnx_encoder import query_encoder
    from apiary.sequences.service import build_recommender, corpus_roots

    return build_recommender(query_encoder(None), roots=corpus_roots(interpreter=True))


if __name__ == "__main__":
    raise SystemExit(main())
