import pytest

from apiary.context import extract_context, extract_context_from_prefix

MARK = "‸"


def at_cursor(source: str):
    return extract_context(source.replace(MARK, ""), source.index(MARK))


@pytest.mark.parametrize(
    ("line", "target"),
    [
        ("new_dp =", "new_dp"),
        ("new_dp = dp.ma", "new_dp"),
        ("dp1, dp2 =", "dp1, dp2"),
        ("dp1 ,dp2,  dp3 = ", "dp1, dp2, dp3"),
        ("    self.table = ", "self.table"),
        ("x: int = ", "x"),
        ("total += ", "total"),
        ("x == ", None),
        ("if x <= ", None),
        ("foo(a=", None),
        ("return ", None),
        ("", None),
    ],
)
def test_assign_target(line, target):
    assert extract_context_from_prefix("import a\n" + line).assign_target == target


@pytest.mark.parametrize(
    ("line", "prefix", "receiver"),
    [
        ("t.ke", "ke", "t"),
        ("t.", "", "t"),
        ("x = 12", "", None),
        ("x = ite", "ite", None),
        ("y = (a + b).real", "real", "(a + b)"),
        ("y = [1, 2].co", "co", "[1, 2]"),
        ("y = 'a,b'.spl", "spl", "'a,b'"),
        ("y = foo(t.", "", "t"),
        ("y = d['k'].", "", "d['k']"),
        ("t .x", "x", None),
    ],
)
def test_prefix_and_receiver(line, prefix, receiver):
    ctx = extract_context_from_prefix(line)
    assert (ctx.prefix, ctx.receiver) == (prefix, receiver)


def test_literal_receivers_resolve_to_their_types():
    assert extract_context_from_prefix("y = [1, 2].co").receiver_origin == "list"
    assert extract_context_from_prefix("y = 'a,b'.spl").receiver_origin == "str"


def test_line_prefix_text_before_and_after():
    ctx = at_cursor("a = 1\nb = fo‸o(2)\nc = 3")
    assert ctx.line_prefix == "b = fo"
    assert ctx.text_before == "a = 1\nb = fo"
    assert ctx.text_after == "o(2)\nc = 3"


def test_indent_follows_the_block():
    assert extract_context_from_prefix("def f(x):\n").indent == "    "
    assert extract_context_from_prefix("def f(x):\n    y = 1\n").indent == "    "
    assert extract_context_from_prefix("def f(x):\n    y = 1\n\n").indent == "    "
    assert extract_context_from_prefix("def f(x):\n    if x:  # check\n").indent == "        "
    assert extract_context_from_prefix("def f(x):\n    y = 1\nz =").indent == ""
    assert at_cursor("def f(x):\n  ‸\n").indent == "  "


def test_indent_unit_is_read_from_the_file():
    ctx = extract_context_from_prefix("x = {\n        'a': 1}\nif x:\n  y = 1\n  if y:\n")
    assert ctx.indent_unit == "  "
    assert ctx.indent == "    "
    assert extract_context_from_prefix("if x:\n\ty = 1\n").indent_unit == "\t"
    assert extract_context_from_prefix("x = 1\n").indent_unit == "    "


def test_cursor_in_a_function_body_after_a_blank_line_is_in_that_function():
    ctx = at_cursor("import honeycomb as hc\ndef f(p):\n    t = hc.read(p)\n\n    ‸\nx = 1\n")
    assert [o.name for o in ctx.scope] == ["p", "t"]


def test_code_identifiers_most_recent_first_without_keywords_builtins_or_comments():
    ctx = extract_context_from_prefix(
        "import honeycomb as hc\n# ignored_in_comment\nrows = hc.read(path)\ns = 'not_an_identifier'\n"
        "for row in rows:\n    print(len(row))\nnew = ro"
    )
    assert ctx.code_identifiers == ("new", "row", "rows", "s", "path", "read", "hc", "honeycomb")


def test_code_identifiers_window_is_about_thirty_code_lines():
    text = "".join(f"name{i} = {i}\n\n# comment\n" for i in range(40)) + "x ="
    identifiers = extract_context_from_prefix(text).code_identifiers
    assert identifiers[0] == "x"
    assert "name39" in identifiers and "name10" in identifiers
    assert "name9" not in identifiers


def test_string_receiver_with_a_subscript():
    ctx = extract_context_from_prefix("x = 'abc'[0].up")
    assert ctx.receiver == "'abc'[0]"
    assert ctx.receiver_origin == "str()[]"
