"""The many-library suite's problem miner, on hand-written files: a comment (or a docstring, or a doc
page's prose) and the library APIs that the code right under it calls, resolved through imports."""

from __future__ import annotations

import textwrap

import pytest

from apiary_training.suite.comments import CommentBlock, comment_blocks, is_intent
from apiary_training.suite.docpages import page_examples
from apiary_training.suite.gold import ApiResolver
from apiary_training.suite.mine import Problem, mine_page, mine_source
from apiary_training.suite.problems import entry_catalogue, select

LIBRARY = '''
"""A tiny table library."""


class Table:
    """Rows of records."""

    def keep(self, predicate) -> "Table":
        """Return only the rows that satisfy a condition."""

    def total(self, column: str) -> float:
        """Sum one column."""


def load(path: str) -> Table:
    """Read a table from a CSV file."""


def chunked(items, size):
    """Split an iterable into lists of a given size."""
'''


@pytest.fixture(scope="module")
def resolver(tmp_path_factory) -> ApiResolver:
    root = tmp_path_factory.mktemp("lib")
    (root / "tinylib").mkdir()
    (root / "tinylib" / "__init__.py").write_text(LIBRARY)
    return ApiResolver(entry_catalogue(root / "tinylib"))


USER_FILE = textwrap.dedent('''\
    import tinylib as tl
    from tinylib import chunked as batches_of

    rows = [1, 2, 3]
    # split the rows into lists of fifty
    batches = batches_of(rows, 50)
    table = tl.load("orders.csv")
    # keep only the big orders
    big = table.keep(lambda r: r > 100)
    # noqa: this is a pragma, not a request
    other = tl.load("b.csv")
    # x = tl.load("commented out")
    again = tl.load("c.csv")
    # how much did we sell in total
    print(tl.load("d.csv").keep(None).total("amount"))


    def read_big(path):
        """Read the table at a path and keep its big rows."""
        t = tl.load(path)
        if True:
            return t.keep(None)


    def test_read():
        """Reading works for the usual file."""
        tl.load("x.csv")
''')


def _by_line(problems: list[Problem]) -> dict[str, Problem]:
    return {p.source: p for p in problems}


def test_comments_give_the_apis_of_the_next_statement_through_aliases_and_types(resolver):
    problems = _by_line(mine_source(USER_FILE, "user:shop:report.py", "tinylib", resolver))
    assert sorted(problems) == [
        "user:shop:report.py:15",
        "user:shop:report.py:20",
        "user:shop:report.py:6",
        "user:shop:report.py:9",
    ]
    chunk = problems["user:shop:report.py:6"]
    assert (chunk.kind, chunk.intent, chunk.gold_apis) == (
        "comment",
        "split the rows into lists of fifty",
        ("tinylib.chunked",),
    )
    assert chunk.reference == "batches = batches_of(rows, 50)"
    assert chunk.prompt == "".join(USER_FILE.splitlines(keepends=True)[:5])
    assert chunk.task_id == "tinylib/user:shop:report.py:6"
    assert problems["user:shop:report.py:9"].gold_apis == ("tinylib.Table.keep",)  # `table` is a Table: load's return
    # a chain, in closing-parenthesis order
    assert problems["user:shop:report.py:15"].gold_apis == ("tinylib.load", "tinylib.Table.keep", "tinylib.Table.total")


def test_a_function_docstring_gives_the_apis_of_its_whole_body_but_a_tests_does_not(resolver):
    problem = _by_line(mine_source(USER_FILE, "f.py", "tinylib", resolver))["f.py:20"]
    assert problem.kind == "docstring"
    assert problem.intent == "Read the table at a path and keep its big rows."
    assert problem.gold_apis == ("tinylib.load", "tinylib.Table.keep")
    assert problem.prompt.endswith('"""Read the table at a path and keep its big rows."""\n    ')


def test_a_local_name_shadows_an_import_and_unknown_calls_give_no_problem(resolver):
    source = "import tinylib as tl\n\ndef f(tl):\n    # keep the rows we want here\n    return tl.load('x')\n"
    assert mine_source(source, "f.py", "tinylib", resolver) == []
    assert (
        mine_source("import os\n# join the two paths together\nos.path.join('a', 'b')\n", "g.py", "tinylib", resolver)
        == []
    )


def test_prose_is_an_intent_and_code_markers_and_links_are_not():
    def block(*lines: str) -> CommentBlock:
        return CommentBlock(1, len(lines), lines)

    assert is_intent(block("split the rows", "into lists of fifty"))
    assert not is_intent(block("x = load('a.csv')"))
    assert not is_intent(block("type: ignore[attr-defined]"))
    assert not is_intent(block("see https://example.com/issue/1 for why"))
    assert not is_intent(block("TODO make this faster"))
    assert not is_intent(block("Arrange"))
    assert [b.text for b in comment_blocks("a = 1  # trailing\n# one\n# two\nb = 2\n")] == ["one two"]


PAGE = '''Tables
======

To read a file, call ``load`` with its path::

    >>> t = tinylib.load("orders.csv")
    >>> t
    <Table>

Keep the rows you want with :meth:`Table.keep`:

.. code-block:: python

    big = t.keep(lambda r: r["total"] > 100)
'''


def test_a_doc_page_gives_each_example_under_its_prose_with_the_library_imported(resolver):
    header, examples = page_examples(PAGE, markdown=False, modules=frozenset({"tinylib"}))
    assert header == "import tinylib\n"
    assert [e.prose for e in examples] == [
        "To read a file, call load with its path",
        "Keep the rows you want with Table.keep",
    ]
    problems = mine_page(header, examples, "doc:docs/tables.rst", "tinylib", resolver)
    assert [(p.source, p.gold_apis) for p in problems] == [
        ("doc:docs/tables.rst:1", ("tinylib.load",)),
        ("doc:docs/tables.rst:2", ("tinylib.Table.keep",)),
    ]
    assert (
        problems[1].prompt
        == 'import tinylib\nt = tinylib.load("orders.csv")\nt\n\n# Keep the rows you want with Table.keep\n'
    )


def test_markdown_fences_are_examples():
    header, examples = page_examples(
        "Slugify a title:\n\n```python\nslug = tinylib.chunked(t, 2)\n```\n",
        markdown=True,
        modules=frozenset({"tinylib"}),
    )
    assert header == "import tinylib\n"
    assert [(e.prose, e.code) for e in examples] == [("Slugify a title", "slug = tinylib.chunked(t, 2)")]


def _problem(task: str, intent: str, gold: tuple[str, ...] = ("lib.f",)) -> Problem:
    return Problem(f"lib/{task}", "lib", "comment", task, "", intent, gold, "")


def test_selection_is_deterministic_deduplicated_and_capped_per_file():
    problems = [_problem(f"a.py:{i}", f"do thing {i}") for i in range(40)]
    problems += [_problem("b.py:1", "Do  thing 1"), _problem("b.py:2", "do thing 1", ("lib.g",))]
    chosen = select(problems)
    assert select(list(reversed(problems))) == chosen
    assert len([p for p in chosen if p.source.startswith("a.py")]) == 25
    assert _problem("b.py:2", "do thing 1", ("lib.g",)) in chosen  # same words, other gold: kept
    intents = [(" ".join(p.intent.lower().split()), p.gold_apis) for p in chosen]
    assert len(intents) == len(set(intents))


def test_problem_records_round_trip():
    problem = _problem("a.py:3", "split it", ("lib.f", "lib.g"))
    assert Problem.from_json(problem.to_json()) == problem
