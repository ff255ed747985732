"""Where the code asked for at a comment goes (`apiary.generation.site.code_site`)."""

from __future__ import annotations

from apiary.context.positions import line_starts
from apiary.generation.site import CodeSite, code_site


def _site(text: str, line: int, column: int) -> CodeSite:
    starts = line_starts(text)
    return code_site(text, starts, line, starts[line] + column)


def test_a_comment_above_a_begun_statement_completes_that_statement():
    text = "import pandas as pd\n# keep the big orders\nbig_orders =\n"
    site = _site(text, 1, 3)
    assert site == CodeSite(text, text.index("=") + 1, text.index("=") + 1, "")
    assert site.in_place


def test_a_comment_with_nothing_below_gets_a_new_indented_line():
    text = "def f(orders):\n    # keep the big orders\n"
    site = _site(text, 1, 6)
    end = text.index("orders\n", 20) + len("orders")
    assert site == CodeSite(text[:end] + "\n    " + text[end:], end + 5, end, "    ")
    assert not site.in_place


def test_outside_a_comment_the_code_goes_at_the_cursor():
    text = "x = 1\ny = \n"
    site = _site(text, 1, 4)
    assert site == CodeSite(text, 10, 10, "")
