"""Building blocks shared by the table and the readers: cell parsing and key lookups.

Nothing here is imported by users directly; ``honeycomb/__init__.py`` publishes the public
pieces (``coerce_cell`` as is, ``_KeyIndex`` under the name ``Lookup``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_INT = re.compile(r"[+-]?(0|[1-9]\d*)")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)")
_MISSING_MARKERS = frozenset({"", "na", "n/a", "null"})


def coerce_cell(text: str | None) -> Any:
    """Convert one text cell into the Python value it plainly spells.

    Empty cells and the markers ``NA``, ``N/A`` and ``null`` become ``None``; ``true`` and
    ``false`` become booleans; integers and decimals become ``int`` and ``float``. Numbers
    with leading zeros (postal codes, article numbers) stay text.

    Args:
        text: The raw cell, or ``None``.

    Returns:
        ``None``, a ``bool``, an ``int``, a ``float``, or the stripped text.

    Example:
        >>> coerce_cell(" 42 ")
        42
        >>> coerce_cell("3.50")
        3.5
        >>> coerce_cell("N/A") is None
        True
        >>> coerce_cell("0471")
        '0471'
    """
    if text is None:
        return None
    value = text.strip()
    lowered = value.lower()
    if lowered in _MISSING_MARKERS:
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    return value


def _key_names(keys: str | Sequence[str]) -> tuple[str, ...]:
    return (keys,) if isinstance(keys, str) else tuple(keys)


def _key_of(row: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    """The key value of a row: a scalar for one key column, a tuple for several."""
    if len(names) == 1:
        return row.get(names[0])
    return tuple(row.get(name) for name in names)


class _KeyIndex:
    """An index from the values of one or more key columns to the rows that carry them.

    Build it once and look rows up by key many times, instead of scanning a table for each
    value. With one key column, keys are plain values; with several, they are tuples.

    Args:
        rows: Any iterable of mappings, such as a ``Table`` or a list of dicts.
        keys: The key column name, or a sequence of names.

    Example:
        >>> people = [{"id": 1, "name": "Ada"}, {"id": 2, "name": "Linus"}, {"id": 1, "name": "Ada L."}]
        >>> by_id = Lookup(people, "id")
        >>> len(by_id)
        2
        >>> 2 in by_id
        True
    """

    def __init__(self, rows: Iterable[Mapping[str, Any]], keys: str | Sequence[str]) -> None:
        self._names = _key_names(keys)
        self._groups: dict[Any, list[dict[str, Any]]] = {}
        for row in rows:
            self._groups.setdefault(_key_of(row, self._names), []).append(dict(row))

    def matches(self, key: Any) -> list[dict[str, Any]]:
        """Return every row whose key equals ``key``, in their original order.

        Args:
            key: A key value (a tuple when the index has several key columns).

        Returns:
            A list of row dicts; empty when no row has that key.

        Example:
            >>> idx = Lookup([{"sku": "A", "qty": 1}, {"sku": "A", "qty": 4}], "sku")
            >>> [row["qty"] for row in idx.matches("A")]
            [1, 4]
            >>> idx.matches("Z")
            []
        """
        return [dict(row) for row in self._groups.get(key, ())]

    def one(self, key: Any, default: Any = None) -> Any:
        """Return the first row with the given key, or ``default`` when there is none.

        Args:
            key: A key value (a tuple when the index has several key columns).
            default: What to return for an unknown key.

        Returns:
            A row dict, or ``default``.

        Example:
            >>> idx = Lookup([{"code": "NO", "name": "Norway"}], "code")
            >>> idx.one("NO")["name"]
            'Norway'
            >>> idx.one("SE", default={})
            {}
        """
        rows = self._groups.get(key)
        return dict(rows[0]) if rows else default

    def keys(self) -> list[Any]:
        """List the distinct keys in the order they first appeared.

        Returns:
            A list of key values (tuples when the index has several key columns).

        Example:
            >>> Lookup([{"a": 1, "b": "x"}, {"a": 1, "b": "y"}], ["a", "b"]).keys()
            [(1, 'x'), (1, 'y')]
        """
        return list(self._groups)

    def __contains__(self, key: Any) -> bool:
        return key in self._groups

    def __len__(self) -> int:
        return len(self._groups)

    def __repr__(self) -> str:
        return f"Lookup(keys={list(self._names)!r}, distinct={len(self._groups)})"
