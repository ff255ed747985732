"""pass@k benchmark: run generated completions against HumanEval-format problems, each in a sandbox.

    python -m benchmarks.passk --problems ../shared/benchmarks/torchdataeval.jsonl \
        --samples samples.jsonl --python benchmarks/.cache/torchdata-venv/bin/python \
        --json benchmarks/results/passk-torchdataeval.json

``--samples`` holds ``{"task_id", "completion"}`` lines (any number per problem); ``--canonical`` takes
every problem's ``canonical_solution`` entries instead, to check the harness and the interpreter.
The programs run under ``--python`` (default: this interpreter), which must have the problems'
dependencies. For TorchDataEval that is torchdata 0.7.1 beside the CPU build of torch:

    python -m benchmarks.passk --setup-torchdata-env [DIR]     # or: make torchdata-env

creates that interpreter (default ``benchmarks/.cache/torchdata-venv``) and prints its path.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

from apiary_training.eval.passk import KS, EvalReport, evaluate_samples

CACHE = Path(__file__).parent / ".cache"
TORCHDATA_ENV = CACHE / "torchdata-venv"
TORCH = "torch==2.13.0"
TORCHDATA = "torchdata==0.7.1"
PYPI = "https://pypi.org/simple"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def canonical_samples(problems: list[dict]) -> list[dict]:
    samples = []
    for problem in problems:
        solutions = problem.get("canonical_solution") or []
        for solution in [solutions] if isinstance(solutions, str) else solutions:
            samples.append({"task_id": problem["task_id"], "completion": solution})
    return samples


def print_report(report: EvalReport) -> None:
    overall = "  ".join(f"pass@{k} {v:.3f}" for k, v in report.pass_at.items())
    print(f"{len(report.problems)} problems, {len(report.samples)} samples: {overall}")
    print("statuses: " + ", ".join(f"{s} {n}" for s, n in report.statuses.items()))
    print("isolation: " + ", ".join(f"{k} {v}" for k, v in report.isolation.items() if v))
    print(
        f"verdicts taken outside the program on a hidden value: {len(report.problems) - len(report.unsealed)}"
        f" of {len(report.problems)} problems"
        + (f" (not: {', '.join(report.unsealed[:5])})" if report.unsealed else "")
    )
    width = max((len(p.task_id) for p in report.problems), default=7)
    print(f"{'task_id':<{width}}  {'n':>4} {'c':>4} {'pass@1':>7}  statuses / first error")
    errors = {}
    for sample in report.samples:
        if sample.error:
            errors.setdefault(sample.task_id, sample.error)
    for p in report.problems:
        statuses = " ".join(f"{s}:{n}" for s, n in p.statuses.items())
        error = f"  | {errors[p.task_id][:80]}" if p.c < p.n and errors.get(p.task_id) else ""
        print(f"{p.task_id:<{width}}  {p.n:>4} {p.c:>4} {p.pass_at[1]:>7.3f}  {statuses}{error}")


def setup_torchdata_env(target: Path, torch_index: str | None = None) -> Path:
    """A venv with the CPU build of torch, torchdata 0.7.1 (``--no-deps``: its pins name an old torch)
    and requests; the TorchDataEval tests need nothing else."""
    python = target / "bin" / "python"
    if not python.exists():
        print(f"creating {target}", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(target)
    pip = [str(python), "-m", "pip", "install", "-q"]
    index = ["--index-url", torch_index, "--extra-index-url", PYPI] if torch_index else []
    subprocess.run([*pip, TORCH, *index], check=True)  # exact pin: pip never picks another torch
    subprocess.run([*pip, "--no-deps", TORCHDATA], check=True)
    subprocess.run([*pip, "requests"], check=True)
    check = (
        "import torch, torchdata, torchdata.datapipes.iter as it; "
        "print(torch.__version__, torchdata.__version__, list(it.IterableWrapper([1, 2]).cycle(2)))"
    )
    found = subprocess.run([str(python), "-c", check], capture_output=True, text=True)
    if found.returncode != 0:
        raise SystemExit(f"{python} cannot import torchdata:\n{found.stderr}")
    torch_version, torchdata_version = found.stdout.split()[:2]
    if torch_version.split("+")[0] != TORCH.split("==")[1] or torchdata_version != TORCHDATA.split("==")[1]:
        raise SystemExit(f"{python} has torch {torch_version} and torchdata {torchdata_version}")
    print(f"torch {torch_version}, torchdata {torchdata_version}", file=sys.stderr)
    return python


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--problems", type=Path, help="HumanEval-format problems, JSON Lines")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--samples", type=Path, help='JSON Lines of {"task_id", "completion"}')
    source.add_argument("--canonical", action="store_true", help="use the problems' canonical solutions")
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs the programs")
    parser.add_argument("--pythonpath", action="append", default=[], metavar="DIR",
                        help="directory put on the programs' PYTHONPATH (repeatable), e.g. the library under test")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per program (wall clock)")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address-space limit per program")
    parser.add_argument("--workers", type=int, default=2, help="programs run at the same time")
    parser.add_argument("--json", type=Path, help="write the full report here")
    parser.add_argument("--allow-weak-sandbox", action="store_true",
                        help="run the samples even where the sandbox is weaker than untrusted code needs")
    parser.add_argument(
        "--setup-torchdata-env", type=Path, nargs="?", const=TORCHDATA_ENV, metavar="DIR",
        help=f"create the TorchDataEval interpreter (default {TORCHDATA_ENV}), print its path, and exit",
    )
    parser.add_argument("--torch-index", help="pip index of torch, e.g. https://download.pytorch.org/whl/cpu")
    args = parser.parse_args(argv)
    if args.setup_torchdata_env is None and not (args.problems and (args.samples or args.canonical)):
        parser.error("give --problems and --samples (or --canonical), or --setup-torchdata-env")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.setup_torchdata_env is not None:
        print(setup_torchdata_env(args.setup_torchdata_env.absolute(), args.torch_index))
        return
    problems = read_jsonl(args.problems)
    samples = canonical_samples(problems) if args.canonical else read_jsonl(args.samples)

    def progress(done: int, total: int) -> None:
        if done % 50 == 0 or done == total:
            print(f"  {done}/{total} programs run", file=sys.stderr)

    report = evaluate_samples(
        problems,
        samples,
        python=args.python,
        timeout_s=args.timeout,
        workers=args.workers,
        memory_mb=args.memory_mb,
        progress=progress,
        allow_weak_sandbox=args.canonical or args.allow_weak_sandbox,
        env_extra={"PYTHONPATH": os.pathsep.join(str(Path(p).resolve()) for p in args.pythonpath)}
        if args.pythonpath
        else None,
    )
    print_report(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data = {"problems": str(args.problems), "python": args.python, "timeout_s": args.timeout, "ks": KS}
        args.json.write_text(json.dumps(data | report.to_dict(), indent=1) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
