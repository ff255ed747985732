"""The one bracket scanner (`apiary.brackets.matching_close`)."""

from __future__ import annotations

import pytest

from apiary.brackets import matching_close


@pytest.mark.parametrize(("text", "opened", "closed"), [
    ("f(a, (b), [c])", 1, 13),
    ("t.where(x)[0]", 10, 12),
    ("g(')', \"(\")", 1, 10),  # brackets in strings do not count
    (r"h('\')', 1)", 1, 10),  # nor does an escaped quote end the string
    ("{'a': (1, 2)}", 0, 12),
])
def test_the_bracket_that_closes_it(text: str, opened: int, closed: int):
    assert matching_close(text, opened) == closed


@pytest.mark.parametrize("text", ["f(a, (b)", "g(')'", "h(\"unterminated"])
def test_an_unclosed_bracket_has_no_match(text: str):
    assert matching_close(text, 1) is None
