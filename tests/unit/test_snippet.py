"""LSP snippets: the escape every writer shares, and the names a snippet leaves to the user."""

from __future__ import annotations

from apiary.snippet import escape, placeholder_names, tab_stop_names


def test_escape_quotes_the_snippet_syntax():
    assert escape("cost: $5 {a}\\b") == "cost: \\$5 {a\\}\\\\b"


def test_placeholder_names_are_the_tab_stops_holding_a_bare_name():
    snippet = "read(${1:path}, ${2:'x.csv'}, sep=${3:sep}, n=${4:10}, ${5:rows[0]})"
    assert placeholder_names(snippet) == frozenset({"path", "sep"})
    assert placeholder_names("read('x.csv')") == frozenset()
    assert placeholder_names(None) == frozenset()
    assert tab_stop_names("f(${2:sep}, ${1:path}, ${3:sep})") == ("sep", "path")
