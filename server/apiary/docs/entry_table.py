"""A list of entries as columns, the form the index cache stores them in.

A warm load makes every entry of a library again: 36,000 for transformers with sympy. Read row by
row from JSON Lines, that was a third of the load (a dict per row and per parameter, then the
objects). As columns, JSON gives one list per field, and parameter lists, which repeat (``self``,
``(x, dim=None)``: 8,100 distinct lists among transformers' and sympy's 36,000 entries), are stored
once and shared by the (frozen) entries that have them: the load took 0.37 s, now 0.2 s. The table
is stored as lines (`table_lines`), each read and written in a call of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from apiary.docs.entry import ApiEntry, ApiKind, Param, field_order, filled

_KINDS = {kind.value: kind for kind in ApiKind}


def entries_table(entries: Sequence[ApiEntry]) -> dict[str, Any]:
    """``{"param_lists": [[[name, kind, annotation, default], ...], ...], "columns": {field: [...]}}``,
    each entry's ``params`` column holding the position of its parameter list."""
    shared: dict[tuple[Param, ...], int] = {}
    columns: dict[str, list] = {name: [getattr(e, name) for e in entries] for name in field_order(ApiEntry)}
    columns["kind"] = [kind.value for kind in columns["kind"]]
    columns["params"] = [shared.setdefault(params, len(shared)) for params in columns["params"]]
    for name in ("examples", "bases"):
        columns[name] = [list(values) for values in columns[name]]
    param_fields = field_order(Param)
    param_lists = [[[getattr(p, name) for name in param_fields] for p in params] for params in shared]
    return {"param_lists": param_lists, "columns": columns}


def entries_from_table(table: Any) -> list[ApiEntry]:
    """The entries `entries_table` stored; `ValueError` for anything of another shape."""
    if not isinstance(table, dict) or not isinstance(table.get("columns"), dict):
        raise ValueError("an entry table is an object with columns")
    columns, names = table["columns"], field_order(ApiEntry)
    if columns.keys() != set(names) or not all(type(c) is list for c in columns.values()):
        raise ValueError("an entry table has a list for each field of an entry, and nothing else")
    if len({len(c) for c in columns.values()}) > 1:
        raise ValueError("an entry table's columns differ in length")
    columns = dict(columns)
    param_lists = _param_lists(table.get("param_lists"))
    positions = columns["params"]
    if positions and not (all(type(p) is int for p in positions) and 0 <= min(positions) <= max(positions)
                          < len(param_lists)):
        raise ValueError("an entry table names a parameter list it does not hold")
    columns["params"] = [param_lists[p] for p in positions]
    columns["kind"] = [_kind(kind) for kind in columns["kind"]]
    for name in ("examples", "bases"):
        columns[name] = [_tuple(values) for values in columns[name]]
    return [filled(ApiEntry, zip(names, values, strict=True))
            for values in zip(*[columns[name] for name in names], strict=True)]


#: the rows of one column on one line: a few milliseconds of JSON to read or write
ROWS_PER_LINE = 2048


def table_lines(table: dict[str, Any]) -> list[bytes]:
    """`entries_table`'s table as lines of JSON: a head naming the columns, then ``[column, rows]``
    chunks, the parameter lists' first. As one document, the 30 MB of transformers' and sympy's
    36,362 entries held the interpreter's lock, and with it every request of a server, for 0.14-0.23 s
    in one call to read (a warm load) and 0.05 s to write (every build)."""
    columns = {"param_lists": table["param_lists"], **table["columns"]}
    lines = [orjson.dumps({"columns": list(table["columns"])})]
    for name, rows in columns.items():
        lines.extend(orjson.dumps([name, rows[start:start + ROWS_PER_LINE]])
                     for start in range(0, len(rows), ROWS_PER_LINE))
    return lines


def table_from_lines(lines: Iterable[bytes]) -> dict[str, Any]:
    """The table `table_lines` wrote (for `entries_from_table`); `ValueError` for lines of another shape."""
    lines = iter(lines)
    head = orjson.loads(next(lines, b"null"))
    if not isinstance(head, dict) or type(head.get("columns")) is not list or not all(
            isinstance(name, str) and name != "param_lists" for name in head["columns"]):
        raise ValueError("an entry table's lines begin with the names of its columns")
    gathered: dict[str, list] = {"param_lists": [], **{name: [] for name in head["columns"]}}
    for line in lines:
        chunk = orjson.loads(line)
        if not (type(chunk) is list and len(chunk) == 2 and chunk[0] in gathered and type(chunk[1]) is list):
            raise ValueError("an entry table's line is a column it names and a list of rows")
        gathered[chunk[0]].extend(chunk[1])
    return {"param_lists": gathered.pop("param_lists"), "columns": gathered}


def _param_lists(lists: Any) -> list[tuple[Param, ...]]:
    names = field_order(Param)
    if type(lists) is not list or not all(
        type(params) is list and all(type(p) is list and len(p) == len(names) for p in params) for params in lists
    ):
        raise ValueError("an entry table's parameter lists are lists of parameters of every field")
    return [tuple([filled(Param, zip(names, p, strict=True)) for p in params]) for params in lists]


def _kind(value: Any) -> ApiKind:
    kind = _KINDS.get(value) if isinstance(value, str) else None
    if kind is None:
        raise ValueError(f"an entry table names an unknown kind of API: {value!r}")
    return kind


def _tuple(values: Any) -> tuple:
    if type(values) is not list:
        raise ValueError("an entry table holds lists of examples and of bases")
    return tuple(values) if values else ()

