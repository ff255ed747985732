"""The shape of the code: module and function sizes, and the import graph between subpackages.

Static: every file is parsed, nothing imported. A node of the graph is a subpackage of ``apiary``
(``docs``, ``retrieval``, ``lsp``, …), a top-level module of it (``settings``, ``weights``, …), or
``apiary_training``. Imports inside functions count as edges too: a lazy import can hide a cycle as
well as a module-level one. The graph must be acyclic; its topological order is printed, so any
edge that points back up shows as a cycle.

    python -m benchmarks.code_shape [--out benchmarks/results/code-shape.json]
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from benchmarks.timing import percentile, write_figures

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"apiary": ROOT / "server" / "apiary", "apiary_training": ROOT / "training" / "apiary_training"}


@dataclass(frozen=True)
class SourceModule:
    name: str  # dotted, e.g. apiary.retrieval.index
    path: Path
    tree: ast.Module
    lines: int  # non-blank lines


def source_modules() -> Iterator[SourceModule]:
    for package, folder in PACKAGES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            dotted = ".".join((package, *parts)).removesuffix(".__init__")
            text = path.read_text(encoding="utf-8")
            yield SourceModule(dotted, path, ast.parse(text), sum(1 for line in text.splitlines() if line.strip()))


def node_of(module: str) -> str | None:
    """The graph node a dotted module belongs to: ``apiary.retrieval.index`` -> ``retrieval``."""
    parts = module.split(".")
    if parts[0] == "apiary_training":
        return "apiary_training"
    if parts[0] != "apiary" or len(parts) == 1:
        return None
    return parts[1]


def imported_modules(module: SourceModule) -> Iterator[str]:
    """Every module ``module`` imports, relative imports resolved."""
    package = module.name if module.path.name == "__init__.py" else module.name.rpartition(".")[0]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)  # ``from apiary import docs``


def import_graph(modules: list[SourceModule]) -> dict[str, set[str]]:
    """Node -> the nodes it imports (itself left out)."""
    graph: dict[str, set[str]] = {}
    for module in modules:
        source = node_of(module.name)
        if source is None:
            continue
        targets = graph.setdefault(source, set())
        for imported in imported_modules(module):
            target = node_of(imported)
            if target is not None and target != source and _exists(imported):
                targets.add(target)
    return graph


def _exists(dotted: str) -> bool:
    """Whether a dotted name is one of our modules or packages (``from apiary.x import name``
    also yields ``apiary.x.name``, which is a module only sometimes)."""
    package, *rest = dotted.split(".")
    folder = PACKAGES.get(package)
    if folder is None:
        return False
    path = folder.joinpath(*rest)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def layer_order(graph: dict[str, set[str]]) -> list[str]:
    """The nodes, each after every node it imports; `CycleError` when there is none."""
    return list(TopologicalSorter(graph).static_order())


def function_sizes(modules: list[SourceModule]) -> list[tuple[int, str]]:
    """(lines, qualified name) of every function and method."""
    sizes: list[tuple[int, str]] = []
    for module in modules:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                sizes.append((node.end_lineno - node.lineno + 1, f"{module.name}.{node.name}"))
    return sizes


def distribution(values: list[int]) -> dict[str, float]:
    ordered = sorted(values)
    return {"count": len(ordered), "median": statistics.median(ordered), "p90": round(percentile(ordered, 90), 1),
            "max": ordered[-1]}


def measure() -> dict:
    modules = list(source_modules())
    graph = import_graph(modules)
    functions = function_sizes(modules)
    record: dict = {
        "modules": distribution([m.lines for m in modules]),
        "largest_modules": [[m.lines, m.name] for m in sorted(modules, key=lambda m: -m.lines)[:5]],
        "functions": distribution([size for size, _ in functions]),
        "largest_functions": [list(f) for f in sorted(functions, reverse=True)[:5]],
        "import_graph": {node: sorted(targets) for node, targets in sorted(graph.items())},
    }
    try:
        record["layer_order"] = layer_order(graph)
    except CycleError as cycle:
        record["cycle"] = cycle.args[1]
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "code-shape.json")
    args = parser.parse_args(argv)
    record = measure()
    write_figures(record, args.out, "benchmarks.code_shape", argv)
    return 1 if "cycle" in record else 0


if __name__ == "__main__":
    sys.exit(main())
