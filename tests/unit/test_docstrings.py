from apiary.docs.docstrings import declared_aliases, extract_examples, first_sentence

CYCLER = '''
    Cycles the specified input in perpetuity by default, or for the specified number
    of times (functional name: ``cycle``).

    If the ordering does not matter (e.g. because you plan to ``shuffle`` later), use :class:`.Repeater`.

    Args:
        source_datapipe: source DataPipe that will be cycled through

    Example:
        >>> from torchdata.datapipes.iter import IterableWrapper
        >>> dp = IterableWrapper(range(3))
        >>> dp = dp.cycle(2)
        >>> list(dp)
        [0, 1, 2, 0, 1, 2]
'''


def test_first_sentence_drops_alias_parenthetical_and_joins_lines():
    assert first_sentence(CYCLER) == (
        "Cycles the specified input in perpetuity by default, or for the specified number of times."
    )


def test_first_sentence_keeps_abbreviations_inside_the_sentence():
    doc = "Split rows, e.g. by a key column, into groups. Second sentence."
    assert first_sentence(doc) == "Split rows, e.g. by a key column, into groups."


def test_first_sentence_strips_rst_roles():
    assert first_sentence("Return a :class:`~pkg.Table` built from ``rows``.") == "Return a pkg.Table built from rows."


def test_declared_aliases_finds_functional_name():
    assert declared_aliases(CYCLER) == ("cycle",)
    assert declared_aliases("Plain description without another name.") == ()


def test_doctest_examples_drop_prompts_and_output():
    assert extract_examples(CYCLER) == [
        "from torchdata.datapipes.iter import IterableWrapper\ndp = IterableWrapper(range(3))\n"
        "dp = dp.cycle(2)\nlist(dp)"
    ]


def test_example_section_without_doctest_and_code_fence():
    doc = '''Sum a column.

    Example:
        total = tbl.sum("price")

    ```python
    t = Table.from_rows(rows)
    ```
    '''
    assert extract_examples(doc) == ['t = Table.from_rows(rows)', 'total = tbl.sum("price")']


def test_continuation_lines_belong_to_their_doctest():
    doc = """Doc.

    >>> def f(x):
    ...     return x + 1
    >>> f(1)
    2
    """
    assert extract_examples(doc) == ["def f(x):\n    return x + 1\nf(1)"]
