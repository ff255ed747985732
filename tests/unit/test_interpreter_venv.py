"""An ordinary venv made from the same base interpreter as Apiary's is another interpreter: its
packages are found through it (first-contact issue: interpreters told apart by what they are, not by
the binary their links resolve to)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from apiary.docs.locate import interpreter_path, locate
from apiary.interpreter import is_this_interpreter


def test_a_venv_of_the_same_base_finds_its_own_packages(tmp_path):
    venv = tmp_path / "proj-venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    assert python.resolve() == Path(base).resolve()  # the very case: the same binary behind the link
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "onlyinvenv").mkdir()
    (site / "onlyinvenv" / "__init__.py").write_text('def hello():\n    """Say hello."""\n')
    assert not is_this_interpreter(str(python)) and is_this_interpreter(sys.executable) and is_this_interpreter(None)
    assert str(site) in interpreter_path(str(python))
    source = locate("onlyinvenv", python=str(python))
    assert source.root == (site / "onlyinvenv").resolve()
