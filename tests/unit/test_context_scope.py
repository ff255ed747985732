from apiary.context import ValueOrigin, extract_context, extract_context_from_prefix

MARK = "‸"


def at_cursor(source: str):
    return extract_context(source.replace(MARK, ""), source.index(MARK))


def scope_of(ctx) -> dict[str, ValueOrigin]:
    return {origin.name: origin for origin in ctx.scope}


HONEYCOMB = "import honeycomb as tb\nimport honeycomb as hc\nrows = [1, 2]\nt = tb.Table(rows)\n"


def test_receiver_of_a_local_built_by_an_imported_class():
    ctx = extract_context_from_prefix(HONEYCOMB + "t.ke")
    assert (ctx.receiver, ctx.prefix) == ("t", "ke")
    assert ctx.receiver_origin == "honeycomb.Table"
    assert ctx.receiver_value == "honeycomb.Table()"
    assert scope_of(ctx)["t"] == ValueOrigin("t", "honeycomb.Table", None, False, 3, "honeycomb.Table()")


def test_a_value_with_an_operator_is_taken_for_its_operand_that_is_no_literal():
    code = ("from path import Path\nimport pint\nroot = Path('/tmp')\nreports = (root / 'reports') / 'june'\n"
            "ureg = pint.UnitRegistry()\nrun = 42.195 * ureg.km\ntotal = 2 + 3\n")
    scope = scope_of(extract_context_from_prefix(code + "x = "))
    assert scope["reports"].resolved == "path.Path()"
    assert scope["run"].resolved == "pint.UnitRegistry().km"
    assert scope["total"].resolved == "int()"


def test_chained_locals_resolve_transitively():
    ctx = extract_context_from_prefix(HONEYCOMB + "t2 = t.keep_where(f)\nt2.")
    t2 = scope_of(ctx)["t2"]
    assert (t2.callee, t2.head_is_local, t2.resolved) == (
        "t.keep_where",
        True,
        "honeycomb.Table().keep_where()",
    )
    assert ctx.receiver == "t2"
    assert ctx.receiver_origin == "honeycomb.Table().keep_where"


def test_receiver_that_is_a_call_chain():
    ctx = extract_context_from_prefix(HONEYCOMB + "x = t.keep_where(lambda r: r[0] > 1)[0].")
    assert ctx.receiver == "t.keep_where(lambda r: r[0] > 1)[0]"
    assert ctx.receiver_origin == "honeycomb.Table().keep_where()[]"
    assert ctx.assign_target == "x"


def test_receiver_that_is_a_module_path():
    ctx = extract_context_from_prefix(HONEYCOMB + "hc.io.re")
    assert (ctx.receiver, ctx.receiver_origin, ctx.receiver_value) == (
        "hc.io",
        "honeycomb.io",
        "honeycomb.io",
    )
    from_import = extract_context_from_prefix("from honeycomb import table as tb\ntb.Table.")
    assert from_import.receiver_origin == "honeycomb.table.Table"
    assert from_import.receiver_value == "honeycomb.table.Table"  # the class itself, not an instance


def test_callee_of_a_chained_call_marks_intermediate_calls():
    ctx = extract_context_from_prefix(HONEYCOMB + "x = hc.read(p).head(3)\ny =")
    x = scope_of(ctx)["x"]
    assert (x.callee, x.head_is_local, x.resolved) == (
        "honeycomb.read().head",
        False,
        "honeycomb.read().head()",
    )


def test_from_import_callee():
    ctx = extract_context_from_prefix(
        "from torchdata.datapipes.iter import IterableWrapper\ndp = IterableWrapper([1])\nnew_dp ="
    )
    assert scope_of(ctx)["dp"].callee == "torchdata.datapipes.iter.IterableWrapper"


def test_rebinding_a_name_from_itself_uses_the_earlier_binding():
    ctx = extract_context_from_prefix(
        "from torchdata.datapipes.iter import IterableWrapper\ndp = IterableWrapper(range(3))\n"
        "dp = dp.map(f)\ndp.fil"
    )
    assert [o.name for o in ctx.scope] == ["dp"]
    assert scope_of(ctx)["dp"].resolved == "torchdata.datapipes.iter.IterableWrapper().map()"
    assert ctx.receiver_origin == "torchdata.datapipes.iter.IterableWrapper().map"


def test_annotations_resolve_through_imports():
    ctx = at_cursor(
        "from typing import Optional\n"
        "from honeycomb import table as tb\n"
        "from honeycomb.table import Table\n"
        "u: tb.Table = load()\n"
        "def f(t: Table, o: Optional[Table] = None, s: 'tb.Row' = None, n: int | None = 3, *args, **kw):\n"
        "    t.‸\n"
    )
    scope = scope_of(ctx)
    assert scope["u"].annotation == "honeycomb.table.Table"
    assert scope["u"].resolved == "honeycomb.table.Table()"
    assert scope["u"].callee == "load"
    assert scope["t"] == ValueOrigin("t", None, "honeycomb.table.Table", False, 4, "honeycomb.table.Table()")
    assert scope["o"].annotation == "honeycomb.table.Table"
    assert scope["s"].annotation == "honeycomb.table.Row"
    assert scope["n"].annotation == "int"
    assert (scope["args"].resolved, scope["kw"].resolved) == ("tuple()", "dict()")
    assert ctx.receiver_origin == "honeycomb.table.Table"


def test_loop_with_and_unpacking_targets():
    ctx = extract_context_from_prefix(
        HONEYCOMB
        + "a, b = tb.Table(x), tb.Row(y)\n"
        + "c, d = t.split(2)\n"
        + "for row in t.rows():\n"
        + "    with hc.open(p) as f:\n"
        + "        row."
    )
    scope = scope_of(ctx)
    assert (scope["a"].resolved, scope["b"].resolved) == ("honeycomb.Table()", "honeycomb.Row()")
    assert (scope["c"].callee, scope["c"].resolved) == ("t.split", "honeycomb.Table().split()[]")
    assert (scope["row"].callee, scope["row"].resolved) == ("t.rows", "honeycomb.Table().rows()[]")
    assert scope["f"].resolved == "honeycomb.open()"
    assert ctx.receiver_origin == "honeycomb.Table().rows()[]"


def test_function_scope_shadows_module_scope_and_other_functions_are_invisible():
    ctx = at_cursor(
        HONEYCOMB
        + "def other():\n    hidden = 1\n"
        + "def f(rows):\n    t = hc.read(rows)\n    t.‸\n"
        + "after = 2\n"
    )
    names = [o.name for o in ctx.scope]
    assert "hidden" not in names and "after" not in names
    assert names[-2:] == ["rows", "t"]  # the parameter shadows the module-level rows
    assert scope_of(ctx)["rows"].resolved is None
    assert ctx.receiver_origin == "honeycomb.read"


def test_unknown_parameter_gives_no_origin():
    ctx = at_cursor("def f(t):\n    t.‸\n")
    assert ctx.receiver == "t"
    assert ctx.receiver_origin is None


def test_methods_see_self_but_not_the_class_body():
    ctx = at_cursor(
        "import honeycomb as hc\n"
        "class Loader:\n"
        "    limit = 3\n"
        "    def load(self, p):\n"
        "        self.table = hc.read(p)\n"
        "        self.table.‸\n"
    )
    scope = scope_of(ctx)
    assert "limit" not in scope
    assert scope["self"].resolved == "Loader()"
    assert scope["self.table"].resolved == "honeycomb.read()"
    assert ctx.receiver_origin == "honeycomb.read"


def test_class_body_is_visible_directly_in_it():
    ctx = at_cursor("class A:\n    limit = 3\n    other = ‸\n")
    assert [o.name for o in ctx.scope] == ["limit"]


def test_the_statement_being_typed_and_later_ones_are_not_in_scope():
    ctx = at_cursor("a = 1\nb = a.real‸\nc = 3\n")
    assert [o.name for o in ctx.scope] == ["a"]


def test_an_import_rebinding_a_name_replaces_the_local():
    ctx = extract_context_from_prefix("np = 3\nimport numpy as np\nnp.ar")
    assert ctx.scope == ()
    assert ctx.receiver_origin == "numpy"


def test_locally_defined_class_and_literals():
    ctx = extract_context_from_prefix(
        "class MyPipe:\n    pass\nds = MyPipe(start=3)\ns = 'a,b'\nparts = ' '.join(s)\nds."
    )
    scope = scope_of(ctx)
    assert (scope["ds"].callee, scope["ds"].head_is_local, scope["ds"].resolved) == (
        "MyPipe",
        False,
        "MyPipe()",
    )
    assert scope["s"].resolved == "str()"
    assert scope["parts"].callee == "str().join"
    assert ctx.receiver_origin == "MyPipe"


def test_no_receiver_inside_strings_and_comments():
    assert extract_context_from_prefix("import honeycomb as hc\nx = 'hc.re").receiver is None
    assert extract_context_from_prefix("import honeycomb as hc\n# use hc.re").receiver is None
    assert extract_context_from_prefix('x = f"{hc.re').receiver == "hc"  # inside an interpolation: code
    assert extract_context_from_prefix("x = 1.").receiver is None  # a float, not an attribute


def test_non_ascii_names_and_crlf_line_endings():
    ctx = extract_context_from_prefix(
        "import honeycomb as hc\r\ns = '😀'; données = hc.read('𝔘.csv')\r\n"
        "# filtrer les données 😀\r\nrésultat = données.fi"
    )
    assert ctx.receiver == "données" and ctx.prefix == "fi"
    assert ctx.receiver_origin == "honeycomb.read"
    assert scope_of(ctx)["données"].line == 1
    assert ctx.intent == "filtrer les données 😀"
    assert ctx.intent_lines == (2, 2)
    assert ctx.assign_target == "résultat"
    assert ctx.line_prefix == "résultat = données.fi"
