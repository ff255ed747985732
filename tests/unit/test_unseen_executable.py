"""The shape of the executable many-library problems (``benchmarks/unseen/executable.jsonl``).

Nothing here runs a problem or imports a suite library: ``python -m benchmarks.unseen.executable --check``
does that, in the sandbox, under the suite's own venv.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

UNSEEN = Path(__file__).resolve().parents[2] / "benchmarks" / "unseen"
SUITE = json.loads((UNSEEN / "suite.json").read_text(encoding="utf-8"))["libraries"]
SPLIT = {lib["name"]: lib["split"] for lib in SUITE}
PROBLEMS = [
    json.loads(line) for line in (UNSEEN / "executable.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()
]
FIELDS = {"task_id", "library", "split", "prompt", "entry_point", "canonical_solution", "test", "gold_apis"}
DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")


def test_enough_problems_for_every_suite_library() -> None:
    assert len(PROBLEMS) >= 240
    counts = Counter(p["library"] for p in PROBLEMS)
    assert set(counts) == set(SPLIT), "every suite library, and only those"
    assert {name: n for name, n in counts.items() if not 3 <= n <= 5} == {}


def test_fields_task_ids_and_splits() -> None:
    assert [p["task_id"] for p in PROBLEMS if not FIELDS <= set(p)] == []
    assert len({p["task_id"] for p in PROBLEMS}) == len(PROBLEMS)
    for p in PROBLEMS:
        assert re.fullmatch(rf"Unseen/{re.escape(p['library'])}/\d+", p["task_id"]), p["task_id"]
        assert p["split"] == SPLIT[p["library"]], p["task_id"]
        assert p["entry_point"] == "none"
        assert p["canonical_solution"] and all(isinstance(s, str) and s.strip() for s in p["canonical_solution"])


@pytest.mark.parametrize("problem", PROBLEMS, ids=[p["task_id"] for p in PROBLEMS])
def test_every_solution_compiles_with_prompt_and_test(problem: dict) -> None:
    assert "def check():" in problem["test"]
    for solution in problem["canonical_solution"]:
        compile(problem["prompt"] + solution + "\n" + problem["test"] + "\ncheck()\n", problem["task_id"], "exec")


def test_prompts_end_with_one_instruction_comment() -> None:
    for p in PROBLEMS:
        lines = p["prompt"].splitlines()
        comments = [i for i, line in enumerate(lines) if line.lstrip().startswith("#")]
        assert comments, p["task_id"]
        last = comments[-1]
        assert len(lines) - last <= 2, f"{p['task_id']}: the comment is not just before the cursor"
        assert not lines[last - 1].lstrip().startswith("#"), f"{p['task_id']}: one comment line, not two"


def test_gold_apis_are_dotted_paths_into_the_library() -> None:
    packages: dict[str, set[str]] = {}
    for p in PROBLEMS:
        assert p["gold_apis"], p["task_id"]
        assert [g for g in p["gold_apis"] if not DOTTED.match(g)] == [], p["task_id"]
        packages.setdefault(p["library"], set()).update(g.split(".")[0] for g in p["gold_apis"])
    # one import name per library (python-dateutil -> dateutil, beautifulsoup4 -> bs4, ...)
    assert {name: tops for name, tops in packages.items() if len(tops) != 1} == {}
    assert len({next(iter(tops)) for tops in packages.values()}) == len(packages)
