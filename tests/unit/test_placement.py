"""Where ghost text belongs, and how a whole statement is cut to continue what the line has begun."""

from __future__ import annotations

import pytest

from apiary.context import extract_context_from_prefix
from apiary.context.extract import extract_context
from apiary.generation.placement import Placement, continuation, placement, repeats_previous

HEAD = "import honeycomb as hc\norders = hc.read_delimited('o.csv')\n# keep the big orders\n"


@pytest.mark.parametrize("line, expected", [
    ("", Placement.STATEMENT),
    ("    ", Placement.STATEMENT),
    ("big =", Placement.REST),
    ("big = orders.", Placement.REST),
    ("big = orders.keep_where", Placement.REST),
    ("return", Placement.REST),
    ("big = orders.keep_where(lambda r: r['qty'] > 3)", Placement.NOTHING),  # complete
    ("print(big)", Placement.NOTHING),
    ("# keep the big orders", Placement.NOTHING),  # the end of a comment line
    ("import honeycomb as hc", Placement.NOTHING),
    ("def keep", Placement.NOTHING),
])
def test_where_ghost_text_belongs(line, expected):
    assert placement(extract_context_from_prefix(HEAD + line)) is expected


def test_nothing_inside_a_string_or_before_text_on_the_line():
    assert placement(extract_context_from_prefix(HEAD + "name = 'big ")) is Placement.NOTHING
    text = HEAD + "big = \n"
    assert placement(extract_context(text.replace("big = \n", "big =  orders\n"), len(HEAD) + 6)) is Placement.NOTHING


@pytest.mark.parametrize("line, statement, expected", [
    ("big = orders.", "orders.keep_where(f)", "keep_where(f)"),
    ("big = orders.keep_where", "orders.keep_where(f)", "(f)"),
    ("big = orders.keep_", "orders.keep_where(f)", "where(f)"),
    ("big =", "orders.keep_where(f)", " orders.keep_where(f)"),
    ("big = ", "orders.keep_where(f)", "orders.keep_where(f)"),
    ("total = len(", "orders.rows()", "orders.rows()"),
    ("    return", "orders.rows()", " orders.rows()"),  # a keyword is no half-typed name
    ("big = orders.", "hc.slug(title)", None),  # does not continue `orders.`
    ("big = sorders", "orders.keep_where(f)", None),  # `orders` inside another name is no overlap
])
def test_a_statement_cut_to_continue_the_line(line, statement, expected):
    assert continuation(line, statement) == expected


def test_the_statement_just_above_is_not_offered_again():
    context = extract_context_from_prefix(HEAD + "big = orders.keep_where(f)\n")
    assert repeats_previous(context, "big = orders.keep_where(f)")
    assert not repeats_previous(context, "small = orders.keep_where(g)")
