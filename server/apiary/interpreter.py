"""Questions to another Python interpreter (the user's venv) that run none of the workspace's code.

An editor starts the server in the workspace folder, so a plain ``python -c ...`` there would import
a ``json.py`` or ``site.py`` lying in that folder. Every probe runs isolated (``-I``: no script or
current directory on the path, no user site, no ``PYTHON*`` variables) from an empty directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile


def ask(python: str, script: str, timeout_s: float) -> str:
    """The standard output of ``script`` run by ``python``, isolated; raises ``OSError`` or
    ``subprocess.SubprocessError`` (a timeout, a non-zero exit)."""
    with tempfile.TemporaryDirectory(prefix="apiary-probe-") as neutral:
        done = subprocess.run([python, "-I", "-c", script], cwd=neutral, capture_output=True, text=True,
                              timeout=timeout_s, check=True)
    return done.stdout


def is_this_interpreter(python: str | None) -> bool:
    """Whether ``python`` names the interpreter running Apiary (then its paths are known without a
    probe). Compared as written, never resolved: a venv's ``python`` is a link to its base
    interpreter's binary, and the venv's installed packages are exactly what resolving would lose."""
    if not python:
        return True
    return os.path.abspath(os.path.expanduser(python)) == os.path.abspath(sys.executable)
