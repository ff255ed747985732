"""Stop sequences and the end of the statement or block at the cursor."""

from __future__ import annotations

import pytest

from apiary.generation.stopping import (
    DEFAULT_STOPS,
    StopChecker,
    end_of_statement_or_block,
    find_stop,
    finish_completion,
    truncate_at_stops,
    truncate_by_indentation,
)

# --------------------------------------------------------------------------------------------
# Stop sequences


def test_default_stops_are_the_codex_ones():
    assert DEFAULT_STOPS == ("\nclass", "\ndef", "\n#", "\nif", "\nprint")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("return x\n\ndef g():\n    pass", "return x\n"),
        ("a = 1\nprint(a)", "a = 1"),
        ("a = 1\n# done\nb = 2", "a = 1"),
        ("a = 1\nif a:\n    b()", "a = 1"),
        ("x = 1\nclass A: pass", "x = 1"),
        ("    if x:\n        y()", "    if x:\n        y()"),  # indented `if` is not a stop
        ("no stop here", "no stop here"),
        ("", ""),
        ("\ndef f(): pass", ""),
    ],
)
def test_truncate_at_default_stops(text, expected):
    assert truncate_at_stops(text, DEFAULT_STOPS) == expected


def test_earliest_stop_wins_whatever_its_order():
    assert truncate_at_stops("a\nprint(1)\ndef f", ("\ndef", "\nprint")) == "a"
    assert find_stop("abc", ("c", "b")) == 1
    assert find_stop("abc", ("z",)) is None


def test_empty_stop_sequences_are_ignored():
    assert truncate_at_stops("abc", ("", "z")) == "abc"
    assert find_stop("abc", ()) is None


# --------------------------------------------------------------------------------------------
# Statements begun on the cursor line


@pytest.mark.parametrize(
    "prefix, completion, expected",
    [
        # the statement ends with its line
        ("x = ", "foo(1)\ny = 2\n", "foo(1)"),
        ("    total = ", "sum(values)\n    return total\n", "sum(values)"),
        ("import ", "numpy as np\nimport os\n", "numpy as np"),
        # brackets opened in the completion span lines
        ("x = ", "foo(1,\n      2)\ny = 2", "foo(1,\n      2)"),
        ("x = ", "{'a': 1,\n 'b': [2,\n 3]}\nz = 0", "{'a': 1,\n 'b': [2,\n 3]}"),
        # brackets opened before the cursor
        ("result = compute(", "a,\n    b)\nprint(result)", "a,\n    b)"),
        ("result = compute(a, ", "b)\nnext_line()", "b)"),
        # brackets in strings and comments do not count
        ("x = ", "'(' + y\nz = 1", "'(' + y"),
        ("x = ", '"[" + "{"\nz = 1', '"[" + "{"'),
        ("x = ", "f(1)  # (unbalanced in a comment\nz = 1", "f(1)  # (unbalanced in a comment"),
        ("x = ", "'it\\'s'\nz = 1", "'it\\'s'"),
        # a backslash continues the line
        ("x = ", "1 + \\\n    2\ny = 3", "1 + \\\n    2"),
        # a triple-quoted string spans lines
        ("doc = ", '"""first\nsecond (\n"""\nnext()', '"""first\nsecond (\n"""'),
        # trailing whitespace is dropped
        ("x = ", "1   \n\n\n", "1"),
        # no newline yet: everything is kept
        ("x = ", "foo(1", "foo(1"),
    ],
)
def test_statement_on_the_cursor_line_ends_with_its_logical_line(prefix, completion, expected):
    assert end_of_statement_or_block(prefix, completion) == expected


@pytest.mark.parametrize(
    "prefix, completion, expected",
    [
        # the completed statement opens a block: keep its body
        (
            "    for i in ",
            "range(3):\n        print(i)\n        total += i\n    return total\n",
            "range(3):\n        print(i)\n        total += i",
        ),
        ("def add(", "a, b):\n    return a + b\n\n\ndef sub(a, b):\n", "a, b):\n    return a + b"),
        ("class ", "Point:\n    x: int\n    y: int\n\np = Point()", "Point:\n    x: int\n    y: int"),
        # else/elif/except/finally of the same statement continue it
        (
            "    if x",
            " > 1:\n        a()\n    elif x:\n        b()\n    else:\n        c()\n    d()\n",
            " > 1:\n        a()\n    elif x:\n        b()\n    else:\n        c()",
        ),
        (
            "try",
            ":\n    f()\nexcept ValueError:\n    g()\nfinally:\n    h()\nnext()",
            ":\n    f()\nexcept ValueError:\n    g()\nfinally:\n    h()",
        ),
        # blank lines inside the body are kept, trailing ones are not
        ("def f(", "):\n    a = 1\n\n    return a\n\n\nx = 1\n", "):\n    a = 1\n\n    return a"),
        # a comment after the colon still opens the block
        ("for x in ", "xs:  # each\n    use(x)\ndone()", "xs:  # each\n    use(x)"),
        # a multi-line header
        ("if (a and", "\n        b):\n    go()\nstop()", "\n        b):\n    go()"),
        # the body's own blocks are kept
        (
            "def f(",
            "x):\n    for i in x:\n        if i:\n            yield i\n    return\nz = 1",
            "x):\n    for i in x:\n        if i:\n            yield i\n    return",
        ),
    ],
)
def test_statement_opening_a_block_keeps_its_body(prefix, completion, expected):
    assert end_of_statement_or_block(prefix, completion) == expected


def test_colon_inside_brackets_does_not_open_a_block():
    assert end_of_statement_or_block("d = ", "{'a':\n 1}\nx = 2") == "{'a':\n 1}"
    assert end_of_statement_or_block("s = x[", "1:]\ny = 2") == "1:]"


# --------------------------------------------------------------------------------------------
# Fresh lines


@pytest.mark.parametrize(
    "prefix, completion, expected",
    [
        # after a block header: the body, to the first line back at the header's indentation
        ("def f():\n", "    a = 1\n    return a\n\ndef g():\n    pass\n", "    a = 1\n    return a"),
        ("def f():\n    ", "a = 1\n    return a\n\ndef g():\n    pass\n", "a = 1\n    return a"),
        ("    for x in xs:\n        ", "use(x)\n        more(x)\n    after()\n", "use(x)\n        more(x)"),
        # the cursor at the end of the header line: the completion starts with the newline
        ("def f():", "\n    a = 1\n    return a\n\n\ndef g():\n", "\n    a = 1\n    return a"),
        # a blank line between the header and the cursor
        ("def f():\n\n    ", "return 1\nx = 2", "return 1"),
        # a comment line between the header and the cursor does not hide it
        ("if ok:\n    # then\n    ", "go()\n    again()\nelse:\n    stop()", "go()\n    again()"),
        # inside a body (no header right above): statements up to the first dedent
        ("def f():\n    a = 1\n    ", "b = 2\n    return a + b\n\nx = f()", "b = 2\n    return a + b"),
        ("def f():\n    a = 1\n", "    b = 2\n    return b\nprint(f())", "    b = 2\n    return b"),
        # at top level nothing dedents: all is kept (stop sequences end it)
        ("import os\n", "x = 1\ny = 2\n\n", "x = 1\ny = 2"),
        # the cursor line was complete: the completion starts on the next line
        ("x = 1", "\ny = 2\nz = 3\n", "\ny = 2\nz = 3"),
        ("    if ok:", "\n        go()\n    done()", "\n        go()"),
    ],
)
def test_fresh_line_keeps_the_block(prefix, completion, expected):
    assert end_of_statement_or_block(prefix, completion) == expected


def test_first_line_is_always_kept_even_if_it_dedents():
    # the model wrote the body at the header's level: keep that line, nothing after it
    assert end_of_statement_or_block("def f():\n", "return 1\nreturn 2") == "return 1"
    assert end_of_statement_or_block("def f():\n", "x = 1\n") == "x = 1"


def test_tabs_count_as_indentation():
    assert end_of_statement_or_block("def f():\n\t", "a = 1\n\treturn a\nx = 1") == "a = 1\n\treturn a"


# --------------------------------------------------------------------------------------------
# Scopes


@pytest.mark.parametrize(
    "prefix, completion, expected",
    [
        ("    for i in ", "range(3):\n        print(i)\n", "range(3):"),
        ("def f():\n    ", "a = 1\n    return a\n", "a = 1"),
        ("def f():", "\n    a = 1\n    return a\n", "\n    a = 1"),
        ("x = ", "[1,\n 2]\ny = 3", "[1,\n 2]"),
    ],
)
def test_line_scope_keeps_one_statement(prefix, completion, expected):
    assert end_of_statement_or_block(prefix, completion, "line") == expected


@pytest.mark.parametrize(
    "prefix, completion, expected",
    [
        # a simple statement in block scope continues with its siblings
        ("def f():\n    x = ", "1\n    y = 2\n    return x + y\nz = f()", "1\n    y = 2\n    return x + y"),
        ("    ", "y = 2\n    z = 3\nprint(z)", "y = 2\n    z = 3"),
    ],
)
def test_block_scope_keeps_the_enclosing_block(prefix, completion, expected):
    assert end_of_statement_or_block(prefix, completion, "block") == expected


def test_unknown_scope_is_an_error():
    with pytest.raises(ValueError, match="scope"):
        end_of_statement_or_block("x = ", "1", "paragraph")
    with pytest.raises(ValueError, match="scope"):
        StopChecker((), "", "paragraph")


def test_truncate_by_indentation_knows_only_the_cursor_line():
    assert truncate_by_indentation("foo(1)\ny = 2", "x = ") == "foo(1)"
    assert truncate_by_indentation("range(3):\n    go()\nend()", "for i in ") == "range(3):\n    go()"
    assert truncate_by_indentation("a = 1\n    b = 2\nc = 3", "    ") == "a = 1\n    b = 2"


def test_empty_and_blank_completions():
    assert end_of_statement_or_block("x = ", "") == ""
    assert end_of_statement_or_block("def f():\n", "\n\n   \n") == ""
    assert end_of_statement_or_block("", "") == ""


def test_prefix_with_unbalanced_text_does_not_break_the_cut():
    # an apostrophe in a comment and an unterminated string on an earlier line
    prefix = "# the user's data\nbad = 'oops\nx = "
    assert end_of_statement_or_block(prefix, "1\ny = 2") == "1"


def test_cursor_inside_a_docstring():
    prefix = 'def f(a, b):\n    """Add'
    completion = ' a and b.\n\n    Returns (the sum.\n    """\n    return a + b\n'
    assert end_of_statement_or_block(prefix, completion) == ' a and b.\n\n    Returns (the sum.\n    """'


# --------------------------------------------------------------------------------------------
# StopChecker: streaming


def _stream(checker: StopChecker, text: str) -> str | None:
    """Feed ``text`` character by character; the text at which the checker first says stop."""
    for i in range(1, len(text) + 1):
        if checker.should_stop(text[:i]):
            return text[:i]
    return None


def test_checker_stops_at_stop_sequence_as_soon_as_it_appears():
    checker = StopChecker(DEFAULT_STOPS)
    assert _stream(checker, "x = 1\nprint(x)") == "x = 1\nprint"
    assert checker.finish("x = 1\nprint(x)") == "x = 1"


def test_checker_without_scope_only_checks_stops():
    checker = StopChecker(("STOP",))
    assert not checker.should_stop("x = 1\ny = 2\n")
    assert checker.finish("x = 1\n") == "x = 1\n"  # no scope: text kept as is


def test_checker_stops_at_end_of_statement_once_the_newline_comes():
    checker = StopChecker((), "x = ", "auto")
    assert _stream(checker, "foo(1,\n 2)\ny = 3") == "foo(1,\n 2)\n"
    assert checker.finish("foo(1,\n 2)\ny = 3") == "foo(1,\n 2)"


def test_checker_waits_for_the_dedenting_line_to_have_code():
    checker = StopChecker((), "def f():\n", "auto")
    text = "    a = 1\n    return a\n\ndef g():\n"
    assert _stream(checker, text) == "    a = 1\n    return a\n\nd"
    assert checker.finish(text) == "    a = 1\n    return a"


def test_checker_waits_while_a_dedented_line_may_become_else():
    checker = StopChecker((), "    if x", "auto")
    assert not checker.should_stop(" > 1:\n        a()\n    e")
    assert not checker.should_stop(" > 1:\n        a()\n    els")
    assert not checker.should_stop(" > 1:\n        a()\n    else:\n")
    assert checker.should_stop(" > 1:\n        a()\n    r")
    # when generation is over, a line "e" is just a line
    assert checker.finish(" > 1:\n        a()\n    e") == " > 1:\n        a()"


def test_checker_combines_stops_and_scope():
    checker = StopChecker(DEFAULT_STOPS, "def f():\n", "auto")
    assert checker.finish("    return 1\n# note\n") == "    return 1"
    assert checker.finish("    x = 1 # ok\n    return x\n\nprint(f())") == "    x = 1 # ok\n    return x"


def test_finish_completion_shortcut():
    assert finish_completion("foo(1)\nbar()", ("\nbar",)) == "foo(1)"
    assert finish_completion("foo(1)\nbar()", (), "x = ", "auto") == "foo(1)"
