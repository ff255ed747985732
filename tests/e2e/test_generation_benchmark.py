"""The generation benchmark writes HumanEval-format samples through the server's pipeline, and the
sandboxed pass@k scores them: on the bundled example problems with their gold APIs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_gold_apis_samples_pass_some_example_problems(tmp_path):
    problems = tmp_path / "problems.jsonl"
    problems.write_text("".join((ROOT / "examples" / "problems.jsonl").read_text().splitlines(keepends=True)[:8]))
    samples, report = tmp_path / "samples.jsonl", tmp_path / "passk.json"
    subprocess.run([sys.executable, "-m", "benchmarks.generation", "--problems", str(problems), "--library",
                    str(ROOT / "examples" / "library"), "--apis", "gold", "--n", "2", "--out", str(samples)],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    rows = [json.loads(line) for line in samples.read_text().splitlines()]
    assert len(rows) == 16 and {"task_id", "completion"} <= set(rows[0])
    subprocess.run([sys.executable, "-m", "benchmarks.passk", "--problems", str(problems), "--samples", str(samples),
                    "--pythonpath", str(ROOT / "examples" / "library"), "--json", str(report), "--allow-weak-sandbox"],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    result = json.loads(report.read_text())
    assert 0 < result["pass_at"]["pass@1"] <= 1
