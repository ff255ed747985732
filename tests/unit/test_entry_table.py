"""The index cache's columnar form of entries: a faithful round trip, shared parameter lists, and a
clear refusal of tables of another shape."""

from __future__ import annotations

import copy

import orjson
import pytest

from apiary.docs import entry_table
from apiary.docs.entry import ApiEntry, ApiKind, Param
from apiary.docs.entry_table import entries_from_table, entries_table, table_from_lines, table_lines

SELF_AND_X = (Param("x"), Param("dim", "keyword_only", "int | None", "None"))


def _entries() -> list[ApiEntry]:
    return [
        ApiEntry("combs", "combs", "combs", ApiKind.MODULE, "combs", doc="Combs.\n\nMore."),
        ApiEntry("Comb", "combs.core.Comb", "combs.Comb", ApiKind.CLASS, "combs", "(cells)", (Param("cells"),),
                 bases=("combs.base.Frame", "object"), description="A comb.", source="combs/core.py:3"),
        ApiEntry("fill", "combs.core.Comb.fill", "combs.Comb.fill", ApiKind.METHOD, "combs", "(x, *, dim=None)",
                 SELF_AND_X, returns="Comb", examples=(">>> c.fill(1)", ">>> c.fill(2)"), owner="combs.Comb"),
        ApiEntry("drain", "combs.core.Comb.drain", "combs.Comb.drain", ApiKind.METHOD, "combs", "(x, *, dim=None)",
                 SELF_AND_X, owner="combs.Comb"),
        ApiEntry("fill_all", "combs.fill_all", "combs.fill_all", ApiKind.ALIAS, "combs", alias_of="combs.Comb.fill"),
    ]


def _round_trip(table: dict) -> list[ApiEntry]:
    return entries_from_table(orjson.loads(orjson.dumps(table)))


def test_entries_come_back_equal_field_for_field():
    entries = _entries()
    loaded = _round_trip(entries_table(entries))
    assert loaded == entries
    assert [type(e.params) for e in loaded] == [tuple] * 5
    assert loaded[2].examples == (">>> c.fill(1)", ">>> c.fill(2)")
    assert loaded[1].bases == ("combs.base.Frame", "object")
    assert loaded[2].params[1].required is False and loaded[1].params[0].required is True
    assert loaded[0].kind is ApiKind.MODULE and loaded[4].kind is ApiKind.ALIAS


def test_a_parameter_list_is_stored_once_and_shared():
    table = entries_table(_entries())
    assert table["columns"]["params"] == [0, 1, 2, 2, 0]
    assert table["param_lists"] == [
        [],
        [["cells", "positional_or_keyword", None, None]],
        [["x", "positional_or_keyword", None, None], ["dim", "keyword_only", "int | None", "None"]],
    ]
    loaded = _round_trip(table)
    assert loaded[2].params is loaded[3].params


def test_no_entries_make_an_empty_table():
    assert _round_trip(entries_table([])) == []


def _damaged(change) -> dict:
    table = orjson.loads(orjson.dumps(entries_table(_entries())))
    change(table)
    return table


@pytest.mark.parametrize("change, message", [
    (lambda t: t.pop("columns"), "object with columns"),
    (lambda t: t["columns"].pop("doc"), "for each field"),
    (lambda t: t["columns"].__setitem__("colour", [None] * 5), "for each field"),
    (lambda t: t["columns"]["name"].pop(), "differ in length"),
    (lambda t: t["columns"]["params"].__setitem__(0, 3), "does not hold"),
    (lambda t: t["columns"]["params"].__setitem__(0, -1), "does not hold"),
    (lambda t: t["columns"]["params"].__setitem__(0, "0"), "does not hold"),
    (lambda t: t["param_lists"][1][0].pop(), "parameters of every field"),
    (lambda t: t.__setitem__("param_lists", {}), "parameters of every field"),
    (lambda t: t["columns"]["kind"].__setitem__(1, "klass"), "unknown kind of API: 'klass'"),
    (lambda t: t["columns"]["examples"].__setitem__(2, ">>> c.fill(1)"), "lists of examples"),
])
def test_a_table_of_another_shape_is_refused_with_what_is_wrong(change, message):
    with pytest.raises(ValueError, match=message):
        entries_from_table(_damaged(change))


def test_a_table_is_not_changed_by_reading_it():
    table = orjson.loads(orjson.dumps(entries_table(_entries())))
    kept = copy.deepcopy(table)
    entries_from_table(table)
    assert table == kept


def test_the_table_as_lines_comes_back_whole_each_column_split_into_chunks(monkeypatch):
    monkeypatch.setattr(entry_table, "ROWS_PER_LINE", 2)
    entries = _entries()
    lines = table_lines(entries_table(entries))
    assert orjson.loads(lines[0])["columns"][:3] == ["name", "qualname", "import_path"]
    assert [orjson.loads(line)[0] for line in lines[1:4]] == ["param_lists", "param_lists", "name"]
    assert orjson.loads(lines[3]) == ["name", ["combs", "Comb"]]  # five rows: three lines of a column
    assert len(lines) == 1 + 2 + 3 * len(orjson.loads(lines[0])["columns"])
    loaded = entries_from_table(table_from_lines(lines))
    assert loaded == entries and loaded[2].params is loaded[3].params
    assert entries_from_table(table_from_lines(table_lines(entries_table([])))) == []


@pytest.mark.parametrize("lines, message", [
    ([], "begin with the names of its columns"),
    ([b'{"columns": ["name", "param_lists"]}'], "begin with the names of its columns"),
    ([b'{"columns": ["name"]}', b'["colour", []]'], "a column it names and a list of rows"),
    ([b'{"columns": ["name"]}', b'["name", "combs"]'], "a column it names and a list of rows"),
    ([b'{"columns": ["name"]}', b'{"name"'], "unexpected"),
])
def test_lines_of_another_shape_are_refused(lines, message):
    with pytest.raises(ValueError, match=message):
        table_from_lines(lines)
