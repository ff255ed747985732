"""The executable subset of the many-library suite: HumanEval-format problems over every library of
``suite.json`` (``executable.jsonl``), and the check that their canonical solutions pass.

    python -m benchmarks.unseen.executable --setup                  # once: the venv, prints its python
    python -m benchmarks.unseen.executable --check                  # every problem, in the sandbox
    python -m benchmarks.unseen.executable --check --library natsort

``--setup`` creates ``benchmarks/.cache/unseen-venv`` with every suite library at its pinned version
(and its dependencies, from PyPI); ``--check`` does that first when needed. The libraries' code runs
only there, under the sandbox of ``benchmarks.passk``: each problem's canonical solutions are run as
``--canonical`` samples, and one more program per problem resolves its ``gold_apis`` (dotted paths
such as ``dateutil.parser.parse`` or ``requests.Request.prepare``) by import and attribute lookup.
The check also compiles every prompt + solution + test here, without running it. It exits 1 when
anything fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from apiary_training.eval.passk import evaluate_samples
from benchmarks.passk import CACHE, canonical_samples, read_jsonl
from benchmarks.venvs import pinned_venv

HERE = Path(__file__).parent
SUITE = HERE / "suite.json"
PROBLEMS = HERE / "executable.jsonl"
UNSEEN_ENV = CACHE / "unseen-venv"

RESOLVE = '''
import importlib


def resolve(path):  # as a user reaches it: attributes first, then submodules
    parts = path.split(".")
    found = importlib.import_module(parts[0])
    for i, name in enumerate(parts[1:], 2):
        try:
            found = getattr(found, name)
        except AttributeError:
            found = importlib.import_module(".".join(parts[:i]))
    return found


def check():
    for path in GOLD:
        resolve(path)
'''


def suite_libraries() -> list[dict]:
    return json.loads(SUITE.read_text(encoding="utf-8"))["libraries"]


def requirements() -> list[str]:
    return [f"{lib['name']}=={lib['version']}" for lib in suite_libraries()]


def setup_env(target: Path = UNSEEN_ENV) -> Path:
    """A venv with every suite library at its pin; made again only when the pins change."""
    return pinned_venv(target, requirements())


def compile_errors(problems: list[dict]) -> list[str]:
    errors = []
    for problem in problems:
        for i, solution in enumerate(problem["canonical_solution"]):
            try:
                compile(problem["prompt"] + solution + "\n" + problem["test"], problem["task_id"], "exec")
            except SyntaxError as e:
                errors.append(f"{problem['task_id']} solution {i}: {e}")
    return errors


def gold_problems(problems: list[dict]) -> list[dict]:
    """One program per problem that imports and looks up each of its gold APIs."""
    return [
        {"task_id": f"{p['task_id']}#gold", "prompt": f"GOLD = {p['gold_apis']!r}\n", "test": RESOLVE,
         "entry_point": "none", "canonical_solution": [""]}
        for p in problems
    ]


def check(problems: list[dict], python: Path, workers: int, timeout: float, every_library: bool = True) -> bool:
    split = {lib["name"]: lib["split"] for lib in suite_libraries()}
    errors = compile_errors(problems)
    if every_library:
        errors += [f"{name}: no problems" for name in sorted(split.keys() - {p["library"] for p in problems})]
    programs = problems + gold_problems(problems)
    report = evaluate_samples(programs, canonical_samples(programs), python=str(python), timeout_s=timeout,
                              allow_weak_sandbox=True,  # the suite's own solutions: trusted
                              workers=workers, memory_mb=2048)
    library = {p["task_id"]: p["library"] for p in problems}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # solutions passed/run, gold passed/run
    for sample in report.samples:
        task_id, gold = sample.task_id.removesuffix("#gold"), sample.task_id.endswith("#gold")
        row = counts[library[task_id]]
        row[2 * gold] += sample.status == "passed"
        row[2 * gold + 1] += 1
        if sample.status != "passed":
            what = "gold_apis" if gold else f"solution {sample.index}"
            errors.append(f"{task_id} {what}: {sample.status} | {sample.error[:160]}")
    print(f"{'library':<20} {'split':<5} {'problems':>8} {'solutions':>10} {'gold_apis':>10}")
    for name in sorted(counts, key=lambda n: (split.get(n, ""), n)):
        s_ok, s_n, g_ok, g_n = counts[name]
        print(f"{name:<20} {split.get(name, '?'):<5} {g_n:>8} {f'{s_ok}/{s_n}':>10} {f'{g_ok}/{g_n}':>10}")
    totals = [sum(row[i] for row in counts.values()) for i in range(4)]
    print(f"total: {len(problems)} problems; canonical solutions passed {totals[0]}/{totals[1]}; "
          f"gold_apis resolved {totals[2]}/{totals[3]}; isolation: "
          + ", ".join(f"{k} {v}" for k, v in report.isolation.items() if v))
    unsealed = [t for t in report.unsealed if t in {p["task_id"] for p in problems}]
    print(f"verdicts taken outside the program on a hidden value: {len(problems) - len(unsealed)} of {len(problems)}"
          " problems (the others depend on asserts of a truth, such as isinstance)")
    for error in errors:
        print("FAIL", error)
    return not errors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="create the venv, print its python, and exit")
    parser.add_argument("--check", action="store_true", help="run every canonical solution in the sandbox")
    parser.add_argument("--library", action="append", help="only this suite library (repeatable)")
    parser.add_argument("--problems", type=Path, default=PROBLEMS)
    parser.add_argument("--workers", type=int, default=2, help="programs run at the same time")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per program (wall clock)")
    args = parser.parse_args(argv)
    if not (args.setup or args.check):
        parser.error("give --setup or --check")
    python = setup_env()
    if args.setup:
        print(python)
        return
    problems = read_jsonl(args.problems)
    if args.library:
        unknown = set(args.library) - {p["library"] for p in problems}
        if unknown:
            parser.error(f"no problems for {', '.join(sorted(unknown))}")
        problems = [p for p in problems if p["library"] in args.library]
    sys.exit(0 if check(problems, python, args.workers, args.timeout, every_library=not args.library) else 1)


if __name__ == "__main__":
    main()
