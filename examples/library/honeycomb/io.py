"""Reading and writing tables as delimited text (CSV, TSV, ...) and as JSON Lines.

The ``read_*`` functions take a file path, the ``parse_*`` functions take the text itself, and
the ``write_*`` functions always return the text and also save it when given a path.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from honeycomb._core import coerce_cell
from honeycomb.table import Table

PathLike = str | os.PathLike[str]


class _LineSink:
    """A file-like object that collects what ``csv.writer`` writes."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_delimited(text: str, sep: str = ",", infer_types: bool = True) -> Table:
    """Build a table from delimited text whose first line names the columns.

    Args:
        text: The whole text, e.g. the contents of a CSV file.
        sep: The character between cells: ``","`` for CSV, ``"\\t"`` for TSV, ``";"`` ...
        infer_types: Turn cells into numbers, booleans and ``None`` with ``coerce_cell``;
            when false every cell stays text (empty cells still become ``None``).

    Returns:
        A ``Table`` with one row per non-empty line after the header.

    Example:
        >>> t = parse_delimited("sku;qty\\nA1;3\\nB2;\\n", sep=";")
        >>> t.to_records()
        [{'sku': 'A1', 'qty': 3}, {'sku': 'B2', 'qty': None}]
    """
    lines = [row for row in csv.reader(text.splitlines(), delimiter=sep) if row]
    if not lines:
        return Table()
    header = [name.strip() for name in lines[0]]
    convert = coerce_cell if infer_types else (lambda cell: cell or None)
    records = [{name: convert(cell) for name, cell in zip(header, row, strict=False)} for row in lines[1:]]
    return Table(records, columns=header)


def read_delimited(
    path: PathLike, sep: str = ",", infer_types: bool = True, encoding: str = "utf-8"
) -> Table:
    """Load a table from a delimited text file such as a CSV export.

    Args:
        path: The file to read.
        sep: The character between cells.
        infer_types: Turn cells into numbers, booleans and ``None`` (see ``parse_delimited``).
        encoding: The file's text encoding.

    Returns:
        A ``Table`` whose columns are named by the file's first line.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "stock.csv"
        >>> _ = path.write_text("sku,qty\\nA1,3\\n")
        >>> read_delimited(path).column("qty")
        [3]
    """
    return parse_delimited(Path(path).read_text(encoding=encoding), sep=sep, infer_types=infer_types)


def write_delimited(table: Table, path: PathLike | None = None, sep: str = ",") -> str:
    """Format a table as delimited text, with a header line, and optionally save it.

    Missing values become empty cells and booleans become ``true``/``false``, so that
    ``parse_delimited`` reads the text back into the same table.

    Args:
        table: The table to write.
        path: Where to save the text; nothing is written to disk when omitted.
        sep: The character between cells.

    Returns:
        The text.

    Example:
        >>> from honeycomb import Table
        >>> print(write_delimited(Table([{"a": 1, "b": None}, {"a": 2, "b": True}])), end="")
        a,b
        1,
        2,true
    """
    sink = _LineSink()
    writer = csv.writer(sink, delimiter=sep, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([_cell_text(row[c]) for c in table.columns] for row in table)
    text = "".join(sink.parts)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def parse_jsonl(text: str, columns: Sequence[str] | None = None) -> Table:
    """Build a table from JSON Lines text: one JSON object per line.

    Args:
        text: The text; blank lines are skipped.
        columns: An explicit column order (see ``Table``).

    Returns:
        A ``Table`` with one row per object.

    Example:
        >>> parse_jsonl('{"id": 1, "ok": true}\\n{"id": 2}\\n').to_records()
        [{'id': 1, 'ok': True}, {'id': 2, 'ok': None}]
    """
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    return Table(records, columns=columns)


def read_jsonl(path: PathLike, columns: Sequence[str] | None = None, encoding: str = "utf-8") -> Table:
    """Load a table from a JSON Lines file.

    Args:
        path: The file to read.
        columns: An explicit column order (see ``Table``).
        encoding: The file's text encoding.

    Returns:
        A ``Table`` with one row per line of the file.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.jsonl"
        >>> _ = path.write_text('{"kind": "click"}\\n{"kind": "view"}\\n')
        >>> read_jsonl(path).column("kind")
        ['click', 'view']
    """
    return parse_jsonl(Path(path).read_text(encoding=encoding), columns=columns)


def write_jsonl(table: Table, path: PathLike | None = None) -> str:
    """Format a table as JSON Lines, one object per row, and optionally save it.

    Args:
        table: The table to write.
        path: Where to save the text; nothing is written to disk when omitted.

    Returns:
        The text, ending with a newline when the table has rows.

    Example:
        >>> from honeycomb import Table
        >>> print(write_jsonl(Table([{"id": 1, "tag": None}])), end="")
        {"id": 1, "tag": null}
    """
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in table)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
