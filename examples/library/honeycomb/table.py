"""The ``Table``: a small, ordered, in-memory set of rows with named columns.

Every method that changes something returns a new ``Table``; the original is never modified,
so calls chain::

    >>> from honeycomb import Table
    >>> t = Table([{"city": "Oslo", "temp": 4}, {"city": "Rome", "temp": 17}])
    >>> t.keep_where(lambda r: r["temp"] > 10).column("city")
    ['Rome']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from honeycomb._core import _key_names, _key_of, _KeyIndex

Row = dict[str, Any]
Predicate = Callable[[Row], Any]


def _sum(values: list[Any]) -> Any:
    return sum(values)


def _mean(values: list[Any]) -> float | None:
    return sum(values) / len(values) if values else None


_AGGREGATES: dict[str, Callable[[list[Any]], Any]] = {
    "sum": _sum,
    "mean": _mean,
    "min": lambda values: min(values) if values else None,
    "max": lambda values: max(values) if values else None,
    "count": len,
    "distinct": lambda values: len(set(values)),
    "first": lambda values: values[0] if values else None,
    "last": lambda values: values[-1] if values else None,
}


def _matcher(predicate: Predicate | None, equals: Mapping[str, Any]) -> Predicate:
    def matches(row: Row) -> bool:
        if any(row.get(name) != value for name, value in equals.items()):
            return False
        return bool(predicate(row)) if predicate is not None else True

    return matches


def _resolve_aggregate(how: str | Callable[[list[Any]], Any]) -> Callable[[list[Any]], Any]:
    if callable(how):
        return how
    try:
        return _AGGREGATES[how]
    except KeyError:
        raise ValueError(
            f"unknown aggregate {how!r}; use one of {sorted(_AGGREGATES)} or a function"
        ) from None


class Table:
    """An ordered collection of rows that all share the same named columns.

    Rows are dicts. Column order follows the first time each name is seen, unless ``columns``
    is given; a row that lacks a column reads as ``None`` there.

    Args:
        records: An iterable of mappings, one per row.
        columns: An explicit column order; keys of the records outside it are dropped.

    Example:
        >>> from honeycomb import Table
        >>> t = Table([{"sku": "A1", "qty": 3}, {"sku": "B2"}])
        >>> t.columns
        ['sku', 'qty']
        >>> t.to_records()
        [{'sku': 'A1', 'qty': 3}, {'sku': 'B2', 'qty': None}]
    """

    def __init__(
        self, records: Iterable[Mapping[str, Any]] = (), columns: Sequence[str] | None = None
    ) -> None:
        records = [dict(r) for r in records]
        if columns is None:
            seen: dict[str, None] = {}
            for record in records:
                seen.update(dict.fromkeys(record))
            columns = list(seen)
        self._columns = list(columns)
        self._rows = [{name: record.get(name) for name in self._columns} for record in records]

    @classmethod
    def _build(cls, rows: list[Row], columns: list[str]) -> Table:
        table = cls.__new__(cls)
        table._columns, table._rows = columns, rows
        return table

    @classmethod
    def from_columns(cls, data: Mapping[str, Sequence[Any]]) -> Table:
        """Build a table from a mapping of column name to the column's values.

        Args:
            data: Column name to a sequence of values; all sequences must have the same length.

        Returns:
            A new ``Table`` with one row per position.

        Raises:
            ValueError: If the columns have different lengths.

        Example:
            >>> Table.from_columns({"x": [1, 2], "y": ["a", "b"]}).to_records()
            [{'x': 1, 'y': 'a'}, {'x': 2, 'y': 'b'}]
        """
        lengths = {len(values) for values in data.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns have different lengths: {sorted(lengths)}")
        size = lengths.pop() if lengths else 0
        rows = [{name: values[i] for name, values in data.items()} for i in range(size)]
        return cls._build(rows, list(data))

    @property
    def columns(self) -> list[str]:
        """The column names, in order.

        Example:
            >>> Table([{"a": 1, "b": 2}]).columns
            ['a', 'b']
        """
        return list(self._columns)

    @property
    def row_count(self) -> int:
        """The number of rows.

        Example:
            >>> Table([{"a": 1}, {"a": 2}]).row_count
            2
        """
        return len(self._rows)

    def keep_where(self, predicate: Predicate | None = None, **equals: Any) -> Table:
        """Return only the rows that satisfy a condition.

        Args:
            predicate: A function of the row dict; rows for which it is truthy are kept.
            **equals: Column values a row must have, e.g. ``country="NO"``; combined with ``predicate``.

        Returns:
            A new ``Table`` with the matching rows in their original order.

        Example:
            >>> t = Table([{"n": 1, "c": "x"}, {"n": 5, "c": "y"}, {"n": 7, "c": "x"}])
            >>> t.keep_where(lambda r: r["n"] > 2).column("n")
            [5, 7]
            >>> t.keep_where(c="x").column("n")
            [1, 7]
        """
        matches = _matcher(predicate, equals)
        return self._build([dict(r) for r in self._rows if matches(r)], self.columns)

    def drop_where(self, predicate: Predicate | None = None, **equals: Any) -> Table:
        """Remove the rows that satisfy a condition; the opposite of ``keep_where``.

        Args:
            predicate: A function of the row dict; rows for which it is truthy are removed.
            **equals: Column values that mark a row for removal; combined with ``predicate``.

        Returns:
            A new ``Table`` without the matching rows.

        Example:
            >>> t = Table([{"n": 1}, {"n": None}, {"n": 3}])
            >>> t.drop_where(lambda r: r["n"] is None).column("n")
            [1, 3]
        """
        matches = _matcher(predicate, equals)
        return self._build([dict(r) for r in self._rows if not matches(r)], self.columns)

    def pick(self, *names: str) -> Table:
        """Keep only the named columns, in the order given.

        Args:
            *names: The columns to keep.

        Returns:
            A new ``Table`` with just those columns.

        Raises:
            KeyError: If a name is not a column of the table.

        Example:
            >>> Table([{"a": 1, "b": 2, "c": 3}]).pick("c", "a").to_records()
            [{'c': 3, 'a': 1}]
        """
        self._check_columns(names)
        return self._build([{n: r[n] for n in names} for r in self._rows], list(names))

    def relabel(self, mapping: Mapping[str, str]) -> Table:
        """Rename columns, keeping their position.

        Args:
            mapping: Old column name to new column name; columns not mentioned keep their name.

        Returns:
            A new ``Table`` with the renamed columns.

        Example:
            >>> Table([{"qty": 2, "sku": "A"}]).relabel({"qty": "quantity"}).columns
            ['quantity', 'sku']
        """
        self._check_columns(mapping)
        columns = [mapping.get(name, name) for name in self._columns]
        rows = [{mapping.get(k, k): v for k, v in r.items()} for r in self._rows]
        return self._build(rows, columns)

    def arrange(self, *keys: str, descending: bool = False) -> Table:
        """Sort the rows by one or more columns.

        The sort is stable, and missing values (``None``) always come last.

        Args:
            *keys: The columns to sort by, most significant first.
            descending: Sort from largest to smallest instead.

        Returns:
            A new, sorted ``Table``.

        Example:
            >>> t = Table([{"n": 2}, {"n": None}, {"n": 9}, {"n": 1}])
            >>> t.arrange("n").column("n")
            [1, 2, 9, None]
            >>> t.arrange("n", descending=True).column("n")
            [9, 2, 1, None]
        """
        self._check_columns(keys)

        def sort_key(row: Row) -> tuple[Any, ...]:
            # (flag, value) pairs; the flag sends None to the end whichever way the sort runs.
            return tuple(((row[k] is None) != descending, 0 if row[k] is None else row[k]) for k in keys)

        rows = sorted((dict(r) for r in self._rows), key=sort_key, reverse=descending)
        return self._build(rows, self.columns)

    def tally(self, *keys: str, name: str = "count") -> Table:
        """Count how many rows share each combination of values in the given columns.

        Args:
            *keys: The columns whose value combinations are counted.
            name: The name of the column that holds the counts.

        Returns:
            A ``Table`` with the key columns and the count column, most frequent first
            (ties keep the order in which the values first appeared).

        Example:
            >>> t = Table([{"c": "NO"}, {"c": "SE"}, {"c": "SE"}])
            >>> t.tally("c").to_records()
            [{'c': 'SE', 'count': 2}, {'c': 'NO', 'count': 1}]
        """
        self._check_columns(keys)
        counts: dict[Any, int] = {}
        for row in self._rows:
            key = tuple(row[k] for k in keys)
            counts[key] = counts.get(key, 0) + 1
        ordered = sorted(counts.items(), key=lambda item: -item[1])
        rows = [{**dict(zip(keys, key, strict=True)), name: n} for key, n in ordered]
        return self._build(rows, [*keys, name])

    def rollup(
        self, by: str | Sequence[str], **aggregates: tuple[str, str | Callable[[list[Any]], Any]]
    ) -> Table:
        """Group rows by key columns and summarise each group into one row.

        Args:
            by: The key column, or a list of key columns.
            **aggregates: ``new_column=(column, how)`` pairs. ``how`` is one of ``"sum"``,
                ``"mean"``, ``"min"``, ``"max"``, ``"count"``, ``"distinct"``, ``"first"``,
                ``"last"``, or a function that receives the group's list of values. Missing
                values are left out before aggregating.

        Returns:
            A ``Table`` with one row per group, in the order groups first appear.

        Example:
            >>> t = Table([{"c": "NO", "v": 10}, {"c": "SE", "v": 5}, {"c": "NO", "v": 30}])
            >>> t.rollup("c", total=("v", "sum"), biggest=("v", max)).to_records()
            [{'c': 'NO', 'total': 40, 'biggest': 30}, {'c': 'SE', 'total': 5, 'biggest': 5}]
        """
        keys = _key_names(by)
        self._check_columns([*keys, *(column for column, _ in aggregates.values())])
        groups = _KeyIndex(self._rows, keys)
        rows = []
        for key in groups.keys():
            members = groups.matches(key)
            row = dict(zip(keys, key if len(keys) > 1 else (key,), strict=True))
            for new_name, (column, how) in aggregates.items():
                values = [m[column] for m in members if m[column] is not None]
                row[new_name] = _resolve_aggregate(how)(values)
            rows.append(row)
        return self._build(rows, [*keys, *aggregates])

    def stitch(
        self, other: Table, on: str | Sequence[str], how: str = "inner", suffix: str = "_right"
    ) -> Table:
        """Combine this table with another, matching rows on equal key values.

        Args:
            other: The table to combine with.
            on: The key column (or list of columns) both tables share.
            how: ``"inner"`` keeps only rows with a match; ``"left"`` keeps every row of this
                table and fills the other table's columns with ``None`` where nothing matched.
            suffix: Appended to a non-key column of ``other`` whose name is already taken.

        Returns:
            A new ``Table`` with this table's columns followed by the other's non-key columns.

        Example:
            >>> orders = Table([{"cid": 1, "total": 30}, {"cid": 2, "total": 12}, {"cid": 9, "total": 5}])
            >>> names = Table([{"cid": 1, "name": "Ada"}, {"cid": 2, "name": "Bo"}])
            >>> orders.stitch(names, on="cid").column("name")
            ['Ada', 'Bo']
            >>> orders.stitch(names, on="cid", how="left").column("name")
            ['Ada', 'Bo', None]
        """
        if how not in ("inner", "left"):
            raise ValueError(f"how must be 'inner' or 'left', not {how!r}")
        keys = _key_names(on)
        self._check_columns(keys)
        other._check_columns(keys)
        renames = {c: (c + suffix if c in self._columns else c) for c in other.columns if c not in keys}
        index = _KeyIndex(other, keys)
        rows = []
        for row in self._rows:
            matches = index.matches(_key_of(row, keys))
            if not matches and how == "left":
                matches = [dict.fromkeys(renames)]
            rows.extend({**row, **{renames[c]: m.get(c) for c in renames}} for m in matches)
        return self._build(rows, [*self._columns, *renames.values()])

    def dedupe(self, *keys: str) -> Table:
        """Drop repeated rows, keeping the first occurrence.

        Args:
            *keys: The columns that decide whether two rows are the same; all columns if omitted.

        Returns:
            A new ``Table`` without the repeats.

        Example:
            >>> t = Table([{"id": 1, "v": "a"}, {"id": 1, "v": "b"}, {"id": 2, "v": "a"}])
            >>> t.dedupe("id").to_records()
            [{'id': 1, 'v': 'a'}, {'id': 2, 'v': 'a'}]
        """
        keys = keys or tuple(self._columns)
        self._check_columns(keys)
        seen: set[Any] = set()
        rows = []
        for row in self._rows:
            key = tuple(row[k] for k in keys)
            if key not in seen:
                seen.add(key)
                rows.append(dict(row))
        return self._build(rows, self.columns)

    def fill_gaps(self, value: Any = None, **per_column: Any) -> Table:
        """Replace missing values (``None``) with defaults.

        Args:
            value: The replacement used in every column not named in ``per_column``; if
                omitted, only the columns in ``per_column`` are filled.
            **per_column: A replacement for specific columns, e.g. ``qty=0``.

        Returns:
            A new ``Table`` with the gaps filled.

        Example:
            >>> t = Table([{"qty": None, "note": None}, {"qty": 2, "note": "ok"}])
            >>> t.fill_gaps(qty=0).to_records()
            [{'qty': 0, 'note': None}, {'qty': 2, 'note': 'ok'}]
            >>> t.fill_gaps("-", qty=0).column("note")
            ['-', 'ok']
        """
        self._check_columns(per_column)
        defaults = {name: per_column.get(name, value) for name in self._columns}
        rows = [{k: (defaults[k] if v is None else v) for k, v in r.items()} for r in self._rows]
        return self._build(rows, self.columns)

    def derive(self, name: str, func: Callable[[Row], Any]) -> Table:
        """Add a column computed from each row, or replace it if it already exists.

        Args:
            name: The column to add.
            func: A function of the row dict that returns the new cell.

        Returns:
            A new ``Table`` with the computed column (appended at the end when new).

        Example:
            >>> t = Table([{"qty": 2, "price": 1.5}, {"qty": 4, "price": 2.0}])
            >>> t.derive("amount", lambda r: r["qty"] * r["price"]).column("amount")
            [3.0, 8.0]
        """
        rows = [{**r, name: func(r)} for r in self._rows]
        columns = self.columns if name in self._columns else [*self._columns, name]
        return self._build(rows, columns)

    def recast(self, name: str, func: Callable[[Any], Any]) -> Table:
        """Transform every value of one column with a function; missing values stay ``None``.

        Args:
            name: The column to transform.
            func: A function of one cell value.

        Returns:
            A new ``Table`` with the transformed column.

        Example:
            >>> Table([{"sku": " a1 "}, {"sku": None}]).recast("sku", str.strip).column("sku")
            ['a1', None]
        """
        self._check_columns([name])
        rows = [{**r, name: (None if r[name] is None else func(r[name]))} for r in self._rows]
        return self._build(rows, self.columns)

    def first(self, n: int = 5) -> Table:
        """Return the first ``n`` rows.

        Args:
            n: How many rows to keep.

        Example:
            >>> Table.from_columns({"n": [1, 2, 3]}).first(2).column("n")
            [1, 2]
        """
        return self._build([dict(r) for r in self._rows[: max(n, 0)]], self.columns)

    def last(self, n: int = 5) -> Table:
        """Return the last ``n`` rows.

        Args:
            n: How many rows to keep.

        Example:
            >>> Table.from_columns({"n": [1, 2, 3]}).last(2).column("n")
            [2, 3]
        """
        rows = self._rows[len(self._rows) - n :] if n > 0 else []
        return self._build([dict(r) for r in rows], self.columns)

    def stack(self, other: Table | Iterable[Mapping[str, Any]]) -> Table:
        """Append the rows of another table (or of any records) below these.

        Args:
            other: A ``Table`` or an iterable of mappings. Columns missing on either side read as ``None``.

        Returns:
            A new ``Table`` with this table's columns first, then any new ones.

        Example:
            >>> jan = Table([{"m": "jan", "v": 1}])
            >>> jan.stack([{"m": "feb", "v": 2, "note": "late"}]).to_records()
            [{'m': 'jan', 'v': 1, 'note': None}, {'m': 'feb', 'v': 2, 'note': 'late'}]
        """
        other = other if isinstance(other, Table) else Table(other)
        columns = [*self._columns, *(c for c in other.columns if c not in self._columns)]
        return Table([*self._rows, *other._rows], columns=columns)

    def column(self, name: str) -> list[Any]:
        """Return the values of one column as a list.

        Args:
            name: The column to read.

        Example:
            >>> Table([{"a": 1}, {"a": 2}]).column("a")
            [1, 2]
        """
        self._check_columns([name])
        return [r[name] for r in self._rows]

    def to_records(self) -> list[Row]:
        """Return the rows as a list of dicts (copies; changing them does not change the table).

        Example:
            >>> Table.from_columns({"a": [1], "b": [2]}).to_records()
            [{'a': 1, 'b': 2}]
        """
        return [dict(r) for r in self._rows]

    def index_by(self, key: str) -> dict[Any, Row]:
        """Return a dict from each value of a unique key column to its row.

        Args:
            key: A column whose values are all different.

        Raises:
            ValueError: If two rows have the same key value.

        Example:
            >>> Table([{"id": 7, "n": "x"}, {"id": 8, "n": "y"}]).index_by("id")[8]
            {'id': 8, 'n': 'y'}
        """
        self._check_columns([key])
        result: dict[Any, Row] = {}
        for row in self._rows:
            if row[key] in result:
                raise ValueError(f"duplicate value {row[key]!r} in key column {key!r}")
            result[row[key]] = dict(row)
        return result

    def render(self, limit: int = 10) -> str:
        """Format the table as aligned plain text, for logs and terminals.

        Args:
            limit: Show at most this many rows; a last line says how many were left out.

        Returns:
            The text, one line per row, under a header line.

        Example:
            >>> print(Table([{"city": "Oslo", "n": 3}, {"city": "Rome", "n": 12}]).render())
            city | n
            -----+---
            Oslo | 3
            Rome | 12
        """
        cells = [[str(c) for c in self._columns]]
        cells += [["" if r[c] is None else str(r[c]) for c in self._columns] for r in self._rows[:limit]]
        widths = [max(len(line[i]) for line in cells) for i in range(len(self._columns))]
        lines = [
            " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in cells
        ]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        if len(self._rows) > limit:
            lines.append(f"... {len(self._rows) - limit} more rows")
        return "\n".join(lines)

    def _check_columns(self, names: Iterable[str]) -> None:
        unknown = [n for n in names if n not in self._columns]
        if unknown:
            raise KeyError(f"unknown column(s) {unknown}; the table has {self._columns}")

    def __iter__(self) -> Iterator[Row]:
        return (dict(r) for r in self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        return self._columns == other._columns and self._rows == other._rows

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Table(columns={self._columns!r}, rows={len(self._rows)})"
