"""Lazy, chainable processing of a sequence of items: rows, lines, numbers.

A ``Stream`` wraps any iterable. Its methods do no work when called: each returns a new
stream, and the items flow only when the result is iterated, collected or turned into a
table. A stream can be iterated more than once when its source can.

Example:
    >>> from honeycomb import Stream
    >>> Stream(range(10)).where(lambda n: n % 2 == 0).batch(2).collect()
    [[0, 2], [4, 6], [8]]
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from honeycomb.table import Table

T = TypeVar("T")
U = TypeVar("U")

class Stream(Generic[T]):
    """A lazy, re-iterable sequence of items whose methods return new streams, so calls chain.

    Args:
        source: Any iterable: a list, a ``Table`` (its rows), a generator function's result.

    Example:
        >>> from honeycomb import Stream
        >>> s = Stream([3, 1, 2])
        >>> list(s)
        [3, 1, 2]
    """

    def __init__(self, source: Iterable[T]) -> None: ...
    def __iter__(self) -> Iterator[T]: ...
    def where(self, predicate: Callable[[T], Any]) -> Stream[T]:
        """Keep only the items for which a function returns a true value.

        Args:
            predicate: A function of one item.

        Returns:
            A new ``Stream`` of the matching items.

        Example:
            >>> Stream([1, 5, 2, 8]).where(lambda n: n > 2).collect()
            [5, 8]
        """
        ...

    def apply(self, func: Callable[[T], U]) -> Stream[U]:
        """Transform each item with a function.

        Args:
            func: A function of one item that returns the new item.

        Returns:
            A new ``Stream`` of the results.

        Example:
            >>> Stream(["a", "b"]).apply(str.upper).collect()
            ['A', 'B']
        """
        ...

    def take(self, n: int) -> Stream[T]:
        """Stop after the first ``n`` items.

        Args:
            n: How many items to let through.

        Returns:
            A new ``Stream`` of at most ``n`` items.

        Example:
            >>> Stream(range(100)).take(3).collect()
            [0, 1, 2]
        """
        ...

    def unnest(self) -> Stream[Any]:
        """Flatten one level: each item is itself iterable, and its elements become the items.

        Returns:
            A new ``Stream`` of the inner elements, in order.

        Example:
            >>> Stream([[1, 2], [], [3]]).unnest().collect()
            [1, 2, 3]
        """
        ...

    def batch(self, size: int, drop_last: bool = False) -> Batcher[T]:
        """Group the items into lists of ``size`` items, by constructing a ``Batcher``.

        Args:
            size: How many items per list.
            drop_last: Leave out a shorter final list.

        Returns:
            A ``Batcher`` stream of lists.

        Example:
            >>> Stream(range(5)).batch(2).collect()
            [[0, 1], [2, 3], [4]]
            >>> Stream(range(5)).batch(2, drop_last=True).collect()
            [[0, 1], [2, 3]]
        """
        ...

    def window(self, size: int, step: int = 1) -> Windower[T]:
        """Slide a window of ``size`` items over the stream, by constructing a ``Windower``.

        Args:
            size: How many items per window.
            step: How far the window moves each time.

        Returns:
            A ``Windower`` stream of tuples.

        Example:
            >>> Stream([1, 2, 3, 4]).window(2).collect()
            [(1, 2), (2, 3), (3, 4)]
        """
        ...

    def collect(self) -> list[T]:
        """Run the stream and return all its items as a list.

        Returns:
            A list of the items.

        Example:
            >>> Stream("abc").collect()
            ['a', 'b', 'c']
        """
        ...

    def to_table(self, columns: Sequence[str] | None = None) -> Table:
        """Run a stream of mappings and gather the items into a ``Table``.

        Args:
            columns: An explicit column order (see ``Table``).

        Returns:
            A ``Table`` with one row per item.

        Example:
            >>> rows = [{"n": 1}, {"n": 2}, {"n": 3}]
            >>> Stream(rows).where(lambda r: r["n"] != 2).to_table().column("n")
            [1, 3]
        """
        ...

class Batcher(Stream[list[T]]):
    """Groups items into lists of a fixed size (functional name: ``batch``).

    The last list is shorter when the items do not divide evenly, unless ``drop_last`` is set.

    Args:
        source: The items to group: a ``Stream`` or any iterable.
        size: How many items per list.
        drop_last: Leave out a shorter final list.

    Raises:
        ValueError: If ``size`` is less than 1.

    Example:
        >>> from honeycomb import Batcher
        >>> list(Batcher(["a", "b", "c"], 2))
        [['a', 'b'], ['c']]
    """

    size: int
    drop_last: bool
    def __init__(self, source: Iterable[T], size: int, drop_last: bool = False) -> None: ...
    def __iter__(self) -> Iterator[list[T]]: ...

class Windower(Stream[tuple[T, ...]]):
    """Slides a fixed-size window over the items and yields each full window as a tuple (functional name: ``window``).

    Windows start at every ``step``-th item; a window that would run past the end is not produced.

    Args:
        source: The items: a ``Stream`` or any iterable.
        size: How many items per window.
        step: How far the window moves each time.

    Raises:
        ValueError: If ``size`` or ``step`` is less than 1.

    Example:
        >>> from honeycomb import Windower
        >>> list(Windower(range(6), 3, step=2))
        [(0, 1, 2), (2, 3, 4)]
    """

    size: int
    step: int
    def __init__(self, source: Iterable[T], size: int, step: int = 1) -> None: ...
    def __iter__(self) -> Iterator[tuple[T, ...]]: ...
