"""Interpreters the benchmarks make for themselves: a venv with pinned libraries, made once and made
again only when the pins change (the unseen suite's libraries, Table 3's libraries)."""

from __future__ import annotations

import subprocess
import sys
import time
import venv
from pathlib import Path

#: in the venv: the pins it was made with
STAMP = "apiary-requirements.txt"


def pinned_venv(target: Path, pins: list[str]) -> Path:
    """The python of a venv at ``target`` with ``pins`` (``name==version``) installed, checked by
    their installed metadata (no library code runs here)."""
    python, stamp = target / "bin" / "python", target / STAMP
    if python.exists() and stamp.exists() and stamp.read_text().split() == pins:
        return python
    start = time.monotonic()
    print(f"creating {target} with {len(pins)} libraries", file=sys.stderr)
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    subprocess.run([str(python), "-m", "pip", "install", "-qq", "--disable-pip-version-check", *pins], check=True)
    installed = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m, sys; print(*(m.version(n) for n in sys.argv[1:]))",
         *(pin.split("==")[0] for pin in pins)], capture_output=True, text=True, check=True,
    ).stdout.split()
    wrong = [f"{pin} (got {got})" for pin, got in zip(pins, installed, strict=True) if pin.split("==")[1] != got]
    if wrong:
        raise SystemExit(f"{python} has other versions: {', '.join(wrong)}")
    stamp.write_text("\n".join(pins) + "\n")
    print(f"installed in {time.monotonic() - start:.0f} s", file=sys.stderr)
    return python
