"""The engine's facade: what `lsp/` and `cli/` use, light to import, and below both of them."""

import subprocess
import sys

from benchmarks.code_shape import imported_modules, source_modules

import apiary.engine as engine
from apiary.context import extract_context

TEXT = "import honeycomb as hc\nfrom beeswax.io import load\n\n# read the orders file\nrows = "


def test_the_code_at_a_cursor_reads_as_the_context_does():
    assert engine.imported_libraries(TEXT) == extract_context(TEXT, len(TEXT)).libraries == ("honeycomb", "beeswax")
    cursor = TEXT.index("rows")
    assert engine.comment_intent(TEXT, cursor) == extract_context(TEXT, cursor).intent == "read the orders file"
    assert engine.editor_context(TEXT, cursor) == extract_context(TEXT, cursor)


def test_every_name_resolves_to_its_definition():
    from apiary.engine import assemble, assist, session

    assert engine.complete is assist.complete and engine.Session is session.Session
    assert engine.build_engine is assemble.build_engine
    assert all(getattr(engine, name) is not None for name in engine.__all__)


def test_importing_the_package_loads_none_of_its_modules():
    code = "import sys, apiary.engine; print(sorted(m for m in sys.modules if m.startswith('apiary.engine.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _imports(package: str) -> set[str]:
    return {name for module in source_modules() if module.name.startswith(package) for name in imported_modules(module)}


def test_the_engine_knows_nothing_of_the_editor_or_the_command_line():
    imported = _imports("apiary.engine")
    assert not [m for m in imported if m.split(".")[0] in ("pygls", "lsprotocol")]
    assert not [m for m in imported if m.startswith(("apiary.lsp", "apiary.cli"))]


def test_handlers_read_the_code_through_the_engine():
    assert not [m for m in _imports("apiary.lsp") if m.startswith("apiary.context.extract")]
