"""The folders of a tree that hold code people wrote, walked in a stable order: virtual
environments, caches, version control and build output are pruned, not walked and then filtered (a
workspace opened at a home folder holds environments of tens of thousands of files each)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

#: folders whose files nobody wrote here
NOT_WRITTEN_HERE = frozenset({"__pycache__", "site-packages", "dist-packages", "node_modules", ".git", ".venv", "venv",
                              ".tox", "build", "dist"})


def walk_code(root: Path, also_skipped: frozenset[str] = frozenset()) -> Iterator[tuple[str, list[str]]]:
    """Each folder under ``root`` worth reading, with its file names (``also_skipped``: more folder
    names to prune); hidden folders and packages' metadata are pruned too, links never followed."""
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in NOT_WRITTEN_HERE and d not in also_skipped
                            and not d.startswith(".") and not d.endswith(".dist-info"))
        yield directory, files


def python_files_within(roots: Iterable[Path], most_files: int, most_folders: int) -> list[Path]:
    """The ``.py`` files under ``roots`` (a root that is a file is its own), in walking order: at most
    ``most_files``, from at most ``most_folders`` folders."""
    found: list[Path] = []
    folders = 0
    for root in roots:
        if root.is_file():
            found += [root] if root.suffix == ".py" else []
            continue
        for directory, files in walk_code(root):
            found += [Path(directory, name) for name in sorted(files) if name.endswith(".py")]
            folders += 1
            if len(found) >= most_files or folders >= most_folders:
                return found[:most_files]
    return found[:most_files]
