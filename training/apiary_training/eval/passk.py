"""pass@k of generated completions on HumanEval-format problems, each program run in the sandbox.

The estimator is the unbiased one of Chen et al. 2021 (``openai/human-eval``, ``estimate_pass_at_k``);
the execution is not theirs: every sample runs in its own process under ``sandbox.run_program``, with
its problem's test sealed (``verdict.py``), so that whether it passed is decided here, not by it.
"""

from __future__ import annotations

import itertools
import math
import os
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from apiary_training.eval.sandbox import STATUSES, RunResult, run_program
from apiary_training.eval.verdict import SealedTest, judge, seal

KS = (1, 10, 100)


def estimate_pass_at_k(num_samples: int, num_correct: int, k: int) -> float:
    """1 - C(n-c, k) / C(n, k): the chance that at least one of k samples drawn without replacement from
    n, of which c are correct, is correct; computed as a product, which never overflows."""
    n, c = num_samples, num_correct
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass@{k} needs 0 <= c <= n and 1 <= k <= n, got n={n}, c={c}")
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def build_program(problem: dict, completion: str, test: str | None = None) -> str:
    """prompt + completion + test + the call of ``check``, as HumanEval and TorchDataEval run them;
    ``test`` in place of the problem's own (its sealed form)."""
    entry_point = problem.get("entry_point") or "none"
    call = "check()" if entry_point == "none" else f"check({entry_point})"
    return f"{problem['prompt']}{completion}\n{problem['test'] if test is None else test}\n{call}\n"


@dataclass
class SampleResult:
    task_id: str
    index: int  # the sample's position among this problem's samples
    status: str
    seconds: float
    error: str  # the last line of stderr, when it did not pass


@dataclass
class ProblemResult:
    task_id: str
    n: int
    c: int
    pass_at: dict[int, float]  # for every k in KS with k <= n
    statuses: dict[str, int]


@dataclass
class EvalReport:
    pass_at: dict[int, float]  # mean over the problems with at least k samples
    problems: list[ProblemResult]
    statuses: dict[str, int]
    isolation: dict[str, str]  # what the sandbox achieved on the first run (the same for every run)
    samples: list[SampleResult] = field(default_factory=list)
    # problems whose test makes no check on a hidden literal: their verdicts rest on what the program's
    # own process said, which it could have forged
    unsealed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["pass_at"] = {f"pass@{k}": v for k, v in self.pass_at.items()}
        for problem in data["problems"]:
            problem["pass_at"] = {f"pass@{k}": v for k, v in problem["pass_at"].items()}
        return data


class WeakSandbox(RuntimeError):
    """The kernel or the interpreter's place leaves the sandbox weaker than untrusted code needs."""


def sandbox_weaknesses(python: str | None = None) -> list[str]:
    """What the sandbox lacks here, found by running an empty program: a network namespace, a private
    view of the filesystem, a PID namespace, and (started as root) a uid of its own."""
    probe = run_program("pass\n", **({"python": python} if python else {}))
    missing = []
    if probe.network_isolation != "namespace":
        missing.append("no network namespace")
    if probe.filesystem_isolation != "private-view":
        missing.append("the host's files are visible (no private filesystem view)")
    if probe.pid_isolation != "namespace":
        missing.append("no PID namespace")
    if os.geteuid() == 0 and probe.user_isolation != "dedicated-uid":
        missing.append("programs would run as root" + (f" ({probe.note})" if probe.note else ""))
    return missing


#: what a report keeps of a program's own words: its last error line, this long, printable only
MAX_ERROR_CHARS = 160


def short_error(line: str) -> str:
    """A program's error line as a report may carry it: printable characters only, cut short, so a
    program cannot fill the report with what it read (or with terminal escapes)."""
    printable = "".join(c if c.isprintable() else " " for c in line).strip()
    return printable[:MAX_ERROR_CHARS] + ("…" if len(printable) > MAX_ERROR_CHARS else "")


def _sample_result(task_id: str, index: int, run: RunResult, sealed: SealedTest) -> SampleResult:
    status = run.status
    lines = run.stderr.strip().splitlines() if not run.passed else []
    error = short_error(lines[-1]) if lines else ""
    if run.exited_early:
        error = "exited before its last line"
    elif status == "error":
        error = run.note
    elif run.passed:
        verdict = judge(sealed, run.checks)
        status, error = ("passed", "") if verdict.passed else ("failed", verdict.failure)
    return SampleResult(task_id, index, status, round(run.seconds, 3), error)


def _problem_result(task_id: str, runs: list[SampleResult]) -> ProblemResult:
    n, c = len(runs), sum(r.status == "passed" for r in runs)
    pass_at = {k: estimate_pass_at_k(n, c, k) for k in KS if k <= n}
    statuses = Counter(r.status for r in runs)
    return ProblemResult(task_id, n, c, pass_at, {s: statuses[s] for s in STATUSES if statuses[s]})


Job = tuple[str, int, str, SealedTest]  # task id, the sample's index, the program, its sealed test


def _jobs(problems: list[dict], samples: Iterable[dict]) -> list[Job]:
    by_id = {p["task_id"]: p for p in problems}
    unknown = sorted({s["task_id"] for s in samples} - by_id.keys())
    if unknown:
        raise ValueError(f"samples for unknown problems: {', '.join(unknown[:5])}")
    sealed = {task_id: seal(problem["test"]) for task_id, problem in by_id.items()}
    seen: Counter[str] = Counter()
    jobs = []
    for sample in samples:
        task_id = sample["task_id"]
        program = build_program(by_id[task_id], sample["completion"], sealed[task_id].source)
        jobs.append((task_id, seen[task_id], program, sealed[task_id]))
        seen[task_id] += 1
    return jobs


def evaluate_samples(
    problems: list[dict],
    samples: list[dict],
    python: str | None = None,
    timeout_s: float = 10,
    workers: int = 2,
    memory_mb: int = 2048,
    env_extra: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    allow_weak_sandbox: bool = False,
) -> EvalReport:
    """Run every sample ``{"task_id", "completion"}`` against its problem, ``workers`` at a time (threads
    that each wait on one sandboxed process), and estimate pass@k per problem and overall. Generated
    code is untrusted: where the sandbox here is weaker than it should be (`sandbox_weaknesses`) this
    raises `WeakSandbox` unless ``allow_weak_sandbox`` (trusted code, such as canonical solutions)."""
    jobs = _jobs(problems, samples)
    kwargs = {"timeout_s": timeout_s, "memory_mb": memory_mb, "env_extra": env_extra}
    if python:
        kwargs["python"] = python
    if not allow_weak_sandbox and jobs:
        weak = sandbox_weaknesses(python)
        if weak:
            raise WeakSandbox("the sandbox here is weaker than untrusted code needs: " + "; ".join(weak)
                              + " (run trusted samples with --allow-weak-sandbox)")
    finished = itertools.count(1)

    def run(job: Job) -> tuple[SampleResult, RunResult]:
        task_id, index, program, sealed = job
        result = run_program(program, **kwargs)
        if progress:
            progress(next(finished), len(jobs))
        return _sample_result(task_id, index, result, sealed), result

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        runs = list(pool.map(run, jobs))
    report = summarize([s for s, _ in runs], runs[0][1] if runs else None)
    report.unsealed = sorted({task_id for task_id, _, _, sealed in jobs if not sealed.sealed})
    return report


def summarize(results: list[SampleResult], first: RunResult | None = None) -> EvalReport:
    by_task: dict[str, list[SampleResult]] = {}
    for result in results:
        by_task.setdefault(result.task_id, []).append(result)
    problems = [_problem_result(task_id, runs) for task_id, runs in by_task.items()]
    overall = {}
    for k in KS:
        scores = [p.pass_at[k] for p in problems if k in p.pass_at]
        if scores:
            overall[k] = sum(scores) / len(scores)
    counts = Counter(r.status for r in results)
    statuses = {s: counts[s] for s in STATUSES if counts[s]}
    isolation = {}
    if first is not None:
        isolation = {
            "network": first.network_isolation,
            "filesystem": first.filesystem_isolation,
            "processes": first.process_limit,
            "user": first.user_isolation,
            "pids": first.pid_isolation,
            "note": first.note,
        }
    return EvalReport(overall, problems, statuses, isolation, results)
