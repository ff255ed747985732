import pytest

from apiary.context import extract_context, extract_context_from_prefix, looks_like_code

MARK = "‸"


def at_cursor(source: str):
    return extract_context(source.replace(MARK, ""), source.index(MARK))


def test_comment_block_with_a_code_line_before_the_cursor():
    ctx = extract_context_from_prefix(
        "from torchdata.datapipes.iter import HttpReader\n"
        'URL = "https://example.com/train.csv"\n'
        "# Read the URL using the HTTP protocol and process the csv file.\n"
        "# Then, we map the datapipe using lambda_func_ to get what we want.\n"
        'lambda_func_ = lambda t: (int(t[0]), " ".join(t[1:]))\n'
        "ag_news_train ="
    )
    assert ctx.intent == (
        "Read the URL using the HTTP protocol and process the csv file. "
        "Then, we map the datapipe using lambda_func_ to get what we want."
    )
    assert ctx.intent_lines == (2, 3)


def test_only_the_nearest_block_counts():
    ctx = extract_context_from_prefix("# old task\nx = 1\n\n# Sort the rows\n#   by price\n\ny =")
    assert ctx.intent == "Sort the rows by price"
    assert ctx.intent_lines == (3, 4)


def test_trailing_comments_of_code_lines_above_are_not_intent():
    ctx = extract_context_from_prefix("# Method 1\nm = dp.map(f)  # functional form is preferred\nn =")
    assert ctx.intent == "Method 1"


def test_docstring_of_the_enclosing_function():
    ctx = at_cursor(
        "# a module comment\n"
        "def total(rows):\n"
        '    """Sum the prices of all rows.\n\n    Args:\n        rows: the rows\n    >>> total([])\n    """\n'
        "    prices = [r.price for r in rows]\n"
        "    result = ‸\n"
    )
    assert ctx.intent == "Sum the prices of all rows."
    assert ctx.intent_lines == (2, 7)


def test_a_comment_closer_than_the_docstring_wins():
    ctx = at_cursor(
        'def f(t):\n    """Docstring."""\n    t = t.keep(1)\n    # drop the empty rows\n    t2 = ‸\n'
    )
    assert ctx.intent == "drop the empty rows"


def test_trailing_comment_on_the_cursor_line():
    ctx = at_cursor("# not this one\nx = ‸  # sum the prices\n")
    assert ctx.intent == "sum the prices"
    assert ctx.intent_lines == (1, 1)


def test_the_comment_being_written():
    ctx = at_cursor("x = 1\n# Load the table\n# and drop dupl‸icates\ny = 2\n")
    assert ctx.intent == "Load the table and drop duplicates"
    assert ctx.intent_lines == (1, 2)
    assert ctx.in_comment_or_string
    assert ctx.prefix == "" and ctx.receiver is None


def test_commented_out_code_is_skipped():
    ctx = extract_context_from_prefix("# Sort the rows by price\n# rows = sorted(rows)\n# print(rows)\nt =")
    assert ctx.intent == "Sort the rows by price"
    assert ctx.intent_lines == (0, 0)


def test_comments_in_another_function_are_ignored():
    ctx = extract_context_from_prefix(
        "# Build the table\nt = make()\ndef helper(x):\n    # double the input\n    return 2 * x\ny ="
    )
    assert ctx.intent == "Build the table"


def test_walk_stops_at_the_enclosing_function():
    ctx = at_cursor("# module level comment\ndef f(x):\n    y = x + 1\n    z = ‸\n")
    assert ctx.intent == ""
    assert ctx.intent_lines is None


def test_method_sees_only_its_own_comments():
    ctx = at_cursor(
        "class A:\n"
        "    # class comment\n"
        "    def m(self):\n"
        "        # fetch the rows\n"
        "        rows = self.fetch()\n"
        "        return ‸\n"
        "    def n(self):\n"
        "        # other\n"
        "        pass\n"
    )
    assert ctx.intent == "fetch the rows"


def test_shebang_coding_and_pragmas_are_not_intent():
    ctx = extract_context_from_prefix(
        "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# noqa: E501\n# type: ignore\n# pylint: disable=x\nx ="
    )
    assert ctx.intent == ""


def test_gives_up_after_twelve_code_lines():
    body = "".join(f"v{i} = {i}\n" for i in range(12))
    assert extract_context_from_prefix("# far away\n" + body + "w =").intent == "far away"
    assert extract_context_from_prefix("# far away\n" + body + "v12 = 12\nw =").intent == ""


def test_hash_inside_a_string_is_not_a_comment():
    ctx = extract_context_from_prefix('# the real one\ns = """\n# not a comment\n"""\nx =')
    assert ctx.intent == "the real one"


def test_no_comment_no_intent():
    assert extract_context_from_prefix("import a\nx = a.b()\ny =").intent == ""


@pytest.mark.parametrize(
    "text",
    ["x = 1", "print(x)", "rows = sorted(rows, key=len)", "import numpy as np", "return x",
     "for row in rows:", "if x > 0:", "df.head()", "x += 1", "lambda t: t[0]", "del cache[key]"],
)  # fmt: skip
def test_commented_out_code(text):
    assert looks_like_code(text)


@pytest.mark.parametrize(
    "text",
    ["TODO", "Note: this is slow", "Sort the rows by price", "Method 2", "a or b", "Example:",
     "How to get the first three elements of a datapipe?", "Using `lambda` is discouraged", "e.g. foo",
     "Filter the value smaller than 5", "x", "Args: rows"],
)  # fmt: skip
def test_prose(text):
    assert not looks_like_code(text)


def test_docstring_right_above_a_blank_cursor_line_in_a_decorated_function():
    ctx = at_cursor('@cache\ndef f(x):\n    """Compute things."""\n    ‸\n')
    assert ctx.intent == "Compute things."
    assert ctx.indent == "    "


def test_comments_in_a_class_body_above_do_not_leak_to_module_level():
    ctx = extract_context_from_prefix("class A:\n    # inside A\n    x = 1\ny =")
    assert ctx.intent == ""
