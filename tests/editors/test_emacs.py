"""Emacs 28 with Eglot (Debian's), in batch mode, attaches `apiary serve --stdio` and gets completion
items, hover, code actions, an applied "Insert completion" edit and the raw inline completion
request, on a copy of the example library; then a module of that library, edited and saved (Eglot's
`didSave`), is re-indexed by the server."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.e2e.lsp_helpers import LIBRARY, server_env
from tests.editors.tools import SCENARIO, assert_every_feature, emacs

DRIVER = Path(__file__).with_name("drive.el")
EMACS = emacs()
pytestmark = pytest.mark.skipif(EMACS is None, reason="Emacs is not installed (tests/editors/setup.sh installs it)")


def test_emacs_eglot_drives_every_feature(tmp_path):
    source = tmp_path / "orders_report.py"
    source.write_text(SCENARIO)
    out = tmp_path / "out.json"
    library = tmp_path / "library"  # a copy inside the project, edited and saved at the end
    shutil.copytree(LIBRARY, library)
    env = server_env(tmp_path) | {"APIARY_OUT": str(out), "APIARY_FILE": str(source), "APIARY_LIB": str(library),
                                  "APIARY_LIBFILE": str(library / "honeycomb" / "text.py"),
                                  "APIARY_PYTHON": sys.executable, "HOME": str(tmp_path)}
    run = subprocess.run([EMACS, "--batch", "-Q", "-l", str(DRIVER)], env=env, timeout=150, check=False,
                         capture_output=True, text=True)
    assert out.exists(), run.stderr[-3000:]
    result = json.loads(out.read_text())
    assert_every_feature(result)
    assert result["apis_after"] == result["apis_before"] + 1, result
    assert "ERROR" not in result["stderr"] and "Traceback" not in result["stderr"], result["stderr"]
