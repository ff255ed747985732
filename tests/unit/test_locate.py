"""Finding an installed module on the interpreter's path without importing it."""

from __future__ import annotations

import pytest

from apiary.docs import locate as locate_module
from apiary.docs.locate import locate
from apiary.docs.report import IngestError


@pytest.fixture
def search_path(tmp_path, monkeypatch):
    scripts, site = tmp_path / "bin", tmp_path / "site-packages"
    scripts.mkdir()
    site.mkdir()
    monkeypatch.setattr(locate_module, "interpreter_path", lambda python=None: [str(scripts), str(site)])
    return scripts, site


def test_a_script_named_like_the_module_is_not_the_module(search_path):
    scripts, site = search_path
    (scripts / "widgets").write_text("#!/usr/bin/env python\nfrom widgets.cli import main\nmain()\n")
    (site / "widgets").mkdir()
    (site / "widgets" / "__init__.py").write_text('"""Widgets."""\n')
    assert locate("widgets").root == (site / "widgets").resolve()


def test_single_file_modules_and_missing_modules(search_path):
    _, site = search_path
    (site / "tinymod.py").write_text("def f():\n    pass\n")
    assert locate("tinymod").root == (site / "tinymod.py").resolve()
    with pytest.raises(IngestError, match="no installed module 'absent'"):
        locate("absent")
