from apiary.context import ImportBinding, extract_context, extract_context_from_prefix

MARK = "‸"


def at_cursor(source: str):
    return extract_context(source.replace(MARK, ""), source.index(MARK))


def test_import_shapes():
    ctx = extract_context_from_prefix(
        "import os.path\n"
        "import a.b as c, d\n"
        "from a.b import c as e, f\n"
        "from honeycomb import (\n    Table,\n    read as rd,\n)\n"
        "from . import x\n"
        "from ..pkg.mod import y as z\n"
        "from star import *\n"
        "from __future__ import annotations\n"
        "v = 1\n"
    )
    assert [(b.local, b.target, b.is_module, b.line) for b in ctx.imports] == [
        ("os", "os", True, 0),
        ("c", "a.b", True, 1),
        ("d", "d", True, 1),
        ("e", "a.b.c", False, 2),
        ("f", "a.b.f", False, 2),
        ("Table", "honeycomb.Table", False, 3),
        ("rd", "honeycomb.read", False, 3),
        ("x", ".x", False, 7),
        ("z", "..pkg.mod.y", False, 8),
        ("*", "star.*", False, 9),
        ("annotations", "__future__.annotations", False, 10),
    ]


def test_libraries_are_third_party_top_levels_in_order():
    ctx = extract_context_from_prefix(
        "import os\nimport numpy as np\nfrom torchdata.datapipes.iter import IterableWrapper\n"
        "from . import local\nimport numpy.linalg\nfrom operator import itemgetter\nx ="
    )
    assert ctx.libraries == ("numpy", "torchdata")


def test_only_imports_before_the_cursor_count_including_those_in_functions():
    ctx = at_cursor(
        "import honeycomb as hc\n"
        "def load():\n"
        "    from honeycomb.io import read_csv\n"
        "    return read_csv('x')\n"
        "t = ‸\n"
        "import late\n"
    )
    assert ctx.imports == (
        ImportBinding("hc", "honeycomb", True, 0),
        ImportBinding("read_csv", "honeycomb.io.read_csv", False, 2),
    )
    assert ctx.libraries == ("honeycomb",)


def test_imports_survive_a_broken_statement_and_odd_spacing():
    ctx = extract_context_from_prefix("import  a . b  as  c\nfrom x import (y,\n    z)\nresult = foo(")
    assert [(b.local, b.target) for b in ctx.imports] == [("c", "a.b"), ("y", "x.y"), ("z", "x.z")]


def test_an_import_being_typed_is_not_half_counted():
    ctx = extract_context_from_prefix("import honeycomb as hc\nfrom honeycomb import ")
    assert [b.local for b in ctx.imports] == ["hc"]
