from apiary.context import extract_context_from_prefix
from apiary.retrieval.query import (
    mentioned_names,
    query_from_context,
    query_from_text,
    recent_calls,
    split_clauses,
)

PROMPT = '''from honeycomb import Table, Lookup
import honeycomb as hc

t = Table([{"a": 1}])
t2 = t.keep_where(lambda r: r["a"] > 0)
# First sort the rows by price, then keep the first three rows.
left, right =
'''


def test_query_from_context_reads_intent_imports_and_targets():
    query = query_from_context(extract_context_from_prefix(PROMPT.rstrip("\n") + " "))
    assert query.intent == "First sort the rows by price, then keep the first three rows."
    assert query.clauses == ("First sort the rows by price", "keep the first three rows")
    assert query.libraries == ("honeycomb",)
    used = {i.local: i.used for i in query.imported}
    assert used == {"Table": True, "Lookup": False, "hc": False}
    assert query.assign_count == 2
    assert query.recent_calls[:2] == ("keep_where", "Table")


def test_single_step_intent_has_no_clauses():
    assert split_clauses("Filter the rows above 100 euros.") == ()


def test_mentioned_names_are_code_like_words():
    assert mentioned_names("use `collate_fn` then call unravel_index() on zip_with_iter and np.argmax") == (
        "collate_fn", "unravel_index", "zip_with_iter", "argmax",
    )


def test_plain_text_query_and_code_query():
    assert query_from_text("split a table in two", libraries=("honeycomb",)).libraries == ("honeycomb",)
    code = query_from_text("import honeycomb as hc\n# average price\nx =")
    assert code.intent == "average price" and code.libraries == ("honeycomb",)


def test_recent_calls_are_most_recent_first():
    assert recent_calls("a = f(1)\nb = a.g(2)\nc = h(b)") == ("h", "g", "f")
