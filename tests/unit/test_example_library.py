"""The bundled example library (honeycomb), its workspace and its problem set all work.

Everything runs in fresh subprocesses with ``PYTHONPATH=examples/library``, so nothing here
imports honeycomb into the test process.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
LIBRARY = EXAMPLES / "library"
PACKAGE = LIBRARY / "honeycomb"
WORKSPACE = EXAMPLES / "workspace"
PROBLEMS = [
    json.loads(line) for line in (EXAMPLES / "problems.jsonl").read_text(encoding="utf-8").splitlines()
]
FIELDS = {"task_id", "prompt", "canonical_solution", "test", "entry_point", "gold_apis"}


def _run(args: list[str], cwd: Path, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(LIBRARY), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def _run_program(source: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return _run(["-c", source], cwd)


def _reexported_from_private_modules() -> dict[str, str]:
    """``{"_KeyIndex": "Lookup", ...}``: what ``__init__`` publishes from a ``_module``."""
    exported = {}
    for node in ast.parse((PACKAGE / "__init__.py").read_text()).body:
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.rsplit(".", 1)[-1].startswith("_")
        ):
            exported.update({a.name: a.asname or a.name for a in node.names})
    return exported


def _api_nodes(source: Path, exported: dict[str, str]) -> list[tuple[str, ast.FunctionDef | ast.ClassDef]]:
    """Public defs and methods of one file, under the name a user writes."""
    private_module = source.stem.startswith("_")
    found = []
    for node in ast.parse(source.read_text()).body:
        if not isinstance(node, ast.FunctionDef | ast.ClassDef):
            continue
        if (private_module or node.name.startswith("_")) and node.name not in exported:
            continue
        found.append((exported.get(node.name, node.name), node))
        if isinstance(node, ast.ClassDef):
            found += [
                (m.name, m)
                for m in node.body
                if isinstance(m, ast.FunctionDef) and not m.name.startswith("_")
            ]
    return found


def _all_api_nodes() -> list[tuple[str, ast.FunctionDef | ast.ClassDef]]:
    """Every public API of honeycomb, read statically; a ``.pyi`` wins over its ``.py``."""
    exported = _reexported_from_private_modules()
    nodes = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.stem != "__init__":
            stub = path.with_suffix(".pyi")
            nodes += _api_nodes(stub if stub.exists() else path, exported)
    return nodes


def _public_api_names() -> set[str]:
    names = set()
    for name, node in _all_api_nodes():
        names.add(name)
        if isinstance(node, ast.ClassDef):
            names.update(re.findall(r"functional name: ``(\w+)``", ast.get_docstring(node) or ""))
    return names


# ---- the library -------------------------------------------------------------------------------


def test_library_own_tests_pass():
    result = _run(["-m", "pytest", "-q", "-p", "no:cacheprovider", str(LIBRARY / "tests")], ROOT, timeout=60)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_every_docstring_example_runs_including_the_stub():
    runner = r"""
import ast, doctest, importlib, pathlib, sys
import honeycomb
parser, runner = doctest.DocTestParser(), doctest.DocTestRunner()
for path in sorted([*pathlib.Path(honeycomb.__file__).parent.glob("*.py*")]):
    if path.suffix not in (".py", ".pyi"):
        continue
    module = importlib.import_module("honeycomb" if path.stem == "__init__" else "honeycomb." + path.stem)
    globs = {**vars(module), **{n: getattr(honeycomb, n) for n in honeycomb.__all__}}
    tree = ast.parse(path.read_text())
    for node in [tree, *[n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]]:
        doc = ast.get_docstring(node)
        if doc:
            name = f"{path.name}:{getattr(node, 'name', '<module>')}"
            runner.run(parser.get_doctest(doc, dict(globs), name, str(path), 0))
failed, attempted = runner.summarize(verbose=False)
sys.exit(1 if failed or attempted < 100 else 0)
"""
    result = _run_program(runner, ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_public_apis_are_documented_and_in_range():
    apis = _all_api_nodes()
    assert 45 <= len(apis) <= 70
    assert "Lookup" in {name for name, _ in apis}  # published from _core under another name
    assert [name for name, node in apis if "Example:" not in (ast.get_docstring(node) or "")] == []


def test_stub_is_more_precise_than_its_module_and_declares_functional_names():
    stub, module = PACKAGE / "stream.pyi", PACKAGE / "stream.py"
    stub_batch = next(node for name, node in _api_nodes(stub, {}) if name == "batch")
    module_batch = next(node for name, node in _api_nodes(module, {}) if name == "batch")
    assert stub_batch.returns is not None and module_batch.returns is None
    assert module_batch.args.vararg is not None  # the .py only forwards *args, **kwargs
    declared = re.findall(r"functional name: ``(\w+)``", stub.read_text())
    assert sorted(declared) == ["batch", "window"]
    assert set(declared) <= {name for name, _ in _api_nodes(stub, {})}


def test_guide_code_runs():
    blocks = re.findall(r"```python\n(.*?)```", (LIBRARY / "docs" / "guide.md").read_text(), re.S)
    assert len(blocks) >= 3
    result = _run_program("\n".join(blocks), ROOT)
    assert result.returncode == 0, result.stderr


# ---- the workspace -----------------------------------------------------------------------------


@pytest.mark.parametrize("script", ["cleaning.py", "sales_report.py", "pipeline.py"])
def test_workspace_script_runs(script):
    result = _run([script], WORKSPACE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_new_report_stops_at_the_comment_to_complete():
    lines = (WORKSPACE / "new_report.py").read_text().rstrip("\n").splitlines()
    assert lines[-1].startswith("# ")
    assert any("honeycomb" in line for line in lines if line.startswith("import") or line.startswith("from"))


# ---- the problems ------------------------------------------------------------------------------


def test_problem_set_is_well_formed():
    public = _public_api_names()
    assert 20 <= len(PROBLEMS) <= 30
    assert [p["task_id"] for p in PROBLEMS] == [f"Honeycomb/{i}" for i in range(len(PROBLEMS))]
    for problem in PROBLEMS:
        assert set(problem) == FIELDS, problem["task_id"]
        assert problem["entry_point"] == "none"
        assert problem["canonical_solution"] and all(s.startswith(" ") for s in problem["canonical_solution"])
        assert "def check():" in problem["test"]
        assert problem["gold_apis"] and set(problem["gold_apis"]) <= public, problem["task_id"]
        comment = next(line for line in reversed(problem["prompt"].splitlines()) if line.startswith("#"))
        assert not any(api.lower() in comment.lower() for api in problem["gold_apis"]), problem["task_id"]


def _program(problem: dict, completion: str) -> str:
    return problem["prompt"] + completion + "\n" + problem["test"] + "\ncheck()\n"


@pytest.mark.parametrize(
    ("problem", "solution"),
    [
        pytest.param(p, s, id=f"{p['task_id']}-{i}")
        for p in PROBLEMS
        for i, s in enumerate(p["canonical_solution"])
    ],
)
def test_canonical_solution_passes(problem, solution, tmp_path):
    result = _run_program(_program(problem, solution), tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("problem", PROBLEMS, ids=[p["task_id"] for p in PROBLEMS])
def test_wrong_completion_fails(problem, tmp_path):
    result = _run_program(_program(problem, " None"), tmp_path)
    assert result.returncode != 0
