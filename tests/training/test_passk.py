"""pass@k: the unbiased estimator, program assembly, and evaluate_samples end to end on tiny problems."""

from __future__ import annotations

import json
import subprocess
import sys
from math import comb, isclose
from pathlib import Path

import pytest

from apiary_training.eval.passk import build_program, estimate_pass_at_k, evaluate_samples


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (10, 3, 1, 0.3),
        (10, 3, 8, 1.0),  # k > n - c: every draw of 8 holds a correct sample
        (10, 0, 5, 0.0),
        (10, 10, 10, 1.0),
        (5, 1, 2, 0.4),  # 1 - C(4,2)/C(5,2) = 1 - 6/10
        (200, 13, 100, 1 - comb(187, 100) / comb(200, 100)),
    ],
)
def test_estimator_matches_hand_computed_values(n, c, k, expected):
    assert isclose(estimate_pass_at_k(n, c, k), expected, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize(("n", "c", "k"), [(5, 6, 1), (5, 2, 6), (5, 2, 0), (0, 0, 1)])
def test_estimator_refuses_impossible_counts(n, c, k):
    with pytest.raises(ValueError):
        estimate_pass_at_k(n, c, k)


REPO = Path(__file__).resolve().parents[2]
ADD = {
    "task_id": "Tiny/0",
    "prompt": "def add(a, b):\n",
    "entry_point": "add",
    "test": "\n\ndef check(candidate):\n    assert candidate(2, 3) == 5\n",
}
TWO = {
    "task_id": "Tiny/1",
    "prompt": "x =",
    "entry_point": "none",
    "test": "\n\ndef check():\n    assert x == 2\n",
}


def test_build_program_calls_check_as_the_entry_point_says():
    assert build_program(ADD, "    return a + b").endswith("check(add)\n")
    assert build_program(TWO, " 2") == "x = 2\n\n\ndef check():\n    assert x == 2\n\ncheck()\n"


def test_evaluate_samples_gives_the_expected_pass_at_1():
    samples = [
        {"task_id": "Tiny/0", "completion": "    return a + b"},
        {"task_id": "Tiny/0", "completion": "    return a - b"},
        {"task_id": "Tiny/0", "completion": "    return b + a"},
        {"task_id": "Tiny/0", "completion": "    return sum([a, b])"},
        {"task_id": "Tiny/1", "completion": " 2"},
        {"task_id": "Tiny/1", "completion": " 3"},
        {"task_id": "Tiny/1", "completion": " 2\nwhile True:\n    pass"},
    ]
    report = evaluate_samples([ADD, TWO], samples, timeout_s=2, workers=4, allow_weak_sandbox=True)
    by_id = {p.task_id: p for p in report.problems}
    assert (by_id["Tiny/0"].n, by_id["Tiny/0"].c) == (4, 3)
    assert (by_id["Tiny/1"].n, by_id["Tiny/1"].c) == (3, 1)
    assert isclose(by_id["Tiny/0"].pass_at[1], 0.75) and isclose(by_id["Tiny/1"].pass_at[1], 1 / 3)
    assert isclose(report.pass_at[1], (0.75 + 1 / 3) / 2)
    assert 10 not in report.pass_at  # no problem has 10 samples
    assert report.statuses == {"passed": 4, "failed": 2, "timeout": 1}
    assert by_id["Tiny/1"].statuses == {"passed": 1, "failed": 1, "timeout": 1}
    assert [s.error for s in report.samples if s.status == "failed"] == ["AssertionError (test line 4)"] * 2
    json.dumps(report.to_dict())


def test_samples_for_unknown_problems_are_refused():
    with pytest.raises(ValueError, match="Tiny/9"):
        evaluate_samples([ADD], [{"task_id": "Tiny/9", "completion": ""}])


def test_the_benchmark_runs_canonical_solutions_and_writes_json(tmp_path):
    problems = tmp_path / "problems.jsonl"
    rows = [
        ADD | {"canonical_solution": ["    return a + b", "    return a * b"]},
        TWO | {"canonical_solution": [" 2"]},
    ]
    problems.write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = tmp_path / "report.json"
    command = [sys.executable, "-m", "benchmarks.passk", "--problems", str(problems), "--canonical"]
    command += ["--json", str(out)]
    printed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert "2 problems, 3 samples: pass@1 0.750" in printed
    assert "Tiny/0" in printed and "AssertionError" in printed
    data = json.loads(out.read_text())
    assert data["pass_at"] == {"pass@1": 0.75}
    assert [(p["task_id"], p["n"], p["c"]) for p in data["problems"]] == [("Tiny/0", 2, 1), ("Tiny/1", 1, 1)]
