"""Hover and completion docs: docstring sections as lists, not one run-on paragraph."""

from __future__ import annotations

from apiary.docs.docstring_markdown import docstring_markdown

GOOGLE = """Keep the rows a predicate accepts.

Args:
    predicate (Callable[[dict], bool]): decides for each row;
        rows it rejects are dropped.
    limit (int, optional): at most this many.

Returns:
    Table: the rows kept.

More text after."""

NUMPY = """Compute things.

Parameters
----------
x : int
    The input.
y : str, optional
    Another.

Returns
-------
int
    The result."""


def test_google_sections_become_lists():
    assert docstring_markdown(GOOGLE) == (
        "Keep the rows a predicate accepts.\n\n**Arguments**\n\n"
        "- `predicate` (Callable[[dict], bool]): decides for each row; rows it rejects are dropped.\n"
        "- `limit` (int, optional): at most this many.\n\n**Returns**\n\n- `Table`: the rows kept.\n\nMore text after."
    )


def test_numpy_sections_become_lists():
    assert docstring_markdown(NUMPY) == (
        "Compute things.\n\n**Parameters**\n\n- `x` (int): The input.\n- `y` (str, optional): Another.\n\n"
        "**Returns**\n\n- int: The result."
    )


def test_text_without_sections_is_kept_as_written():
    text = "Read a file.\n\nIt may be large: it streams."
    assert docstring_markdown(text) == text
