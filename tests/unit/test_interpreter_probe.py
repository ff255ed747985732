"""Asking the user's interpreter where its libraries are runs none of the workspace's code, even
with the workspace as the current directory and modules there that shadow the standard library."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from apiary.docs.locate import interpreter_path
from apiary.sequences.mine import _interpreter_paths

SHADOWS = ("json", "sys", "site", "sysconfig", "encodings", "os", "sitecustomize", "usercustomize")


@pytest.fixture
def hostile_workspace(tmp_path, monkeypatch) -> Path:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    marker = tmp_path / "ran"
    for name in SHADOWS:
        (workspace / f"{name}.py").write_text(f"open({str(marker)!r}, 'a').write('{name} ')\n")
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("PYTHONPATH", str(workspace))
    monkeypatch.setenv("PYTHONSTARTUP", str(workspace / "json.py"))
    return workspace


@pytest.fixture
def other_python(tmp_path) -> str:
    """Another interpreter as far as Apiary can tell (a launcher script, as a venv tool might make)."""
    launcher = tmp_path / "bin" / "python"
    launcher.parent.mkdir()
    launcher.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    launcher.chmod(0o755)
    return str(launcher)


def test_the_path_probe_runs_no_workspace_module(hostile_workspace, other_python):
    path = interpreter_path(other_python)
    assert not (hostile_workspace.parent / "ran").exists()
    assert str(hostile_workspace) not in path and any(Path(p).name.startswith("python3") for p in path)


def test_the_library_folders_probe_runs_no_workspace_module(hostile_workspace, other_python):
    paths = _interpreter_paths(other_python)
    assert not (hostile_workspace.parent / "ran").exists()
    assert Path(paths["stdlib"]).is_dir() and paths["site"]
