"""Walking a tree for the code people wrote: what nobody wrote there is pruned, and the walk has a bound."""

from __future__ import annotations

import os
from pathlib import Path

from apiary.code_folders import python_files_within, walk_code


def _tree(root: Path) -> Path:
    for name in ("app/main.py", "app/util.py", "app/notes.txt", "lib/b.py", ".venv/lib/x.py",
                 "node_modules/pkg/y.py", ".git/hooks/z.py", "build/lib/w.py", "pkg.dist-info/v.py",
                 "app/__pycache__/main.py", "top.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x = 1\n")
    os.symlink(root, root / "app" / "loop")  # a link back up is never followed
    return root


def test_environments_caches_and_build_output_are_not_walked(tmp_path):
    root = _tree(tmp_path / "work")
    walked = [Path(directory).relative_to(root).as_posix() for directory, _ in walk_code(root)]
    assert walked == [".", "app", "lib"]
    assert [p.relative_to(root).as_posix() for p in python_files_within([root], 100, 100)] == [
        "top.py", "app/main.py", "app/util.py", "lib/b.py"]


def test_the_walk_stops_at_its_bounds(tmp_path):
    root = _tree(tmp_path / "work")
    assert len(python_files_within([root], 2, 100)) == 2
    assert [p.name for p in python_files_within([root], 100, 2)] == ["top.py", "main.py", "util.py"]
    single = root / "app" / "main.py"
    assert python_files_within([single, root / "app" / "notes.txt"], 100, 100) == [single]
