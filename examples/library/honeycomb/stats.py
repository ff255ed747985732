"""Descriptive statistics over plain lists of numbers, such as ``table.column("price")``.

Every function skips missing values (``None``), so a column with gaps can be passed as is.
``mean`` and ``median`` are also available as ``honeycomb.mean`` and ``honeycomb.median``;
the others are imported from this module: ``from honeycomb.stats import percentile``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

Number = int | float


def _present(values: Iterable[Number | None]) -> list[Number]:
    return [v for v in values if v is not None]


def _require(values: list[Number], what: str) -> list[Number]:
    if not values:
        raise ValueError(f"{what} needs at least one value that is not None")
    return values


def mean(values: Iterable[Number | None]) -> float:
    """Compute the arithmetic average of the values.

    Args:
        values: Numbers; ``None`` entries are skipped.

    Returns:
        The average as a float.

    Raises:
        ValueError: If there are no values.

    Example:
        >>> mean([2, 4, None, 9])
        5.0
    """
    present = _require(_present(values), "mean")
    return sum(present) / len(present)


def median(values: Iterable[Number | None]) -> float:
    """Find the middle value; with an even count, the average of the two middle values.

    Args:
        values: Numbers; ``None`` entries are skipped.

    Returns:
        The median as a float.

    Raises:
        ValueError: If there are no values.

    Example:
        >>> median([7, 1, 3])
        3.0
        >>> median([4, 1, 3, 10])
        3.5
    """
    ordered = sorted(_require(_present(values), "median"))
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Iterable[Number | None], q: float) -> float:
    """Find the value below which a given share of the values fall, interpolating linearly.

    Args:
        values: Numbers; ``None`` entries are skipped.
        q: The share in percent, from 0 (the minimum) to 100 (the maximum).

    Returns:
        The percentile as a float.

    Raises:
        ValueError: If there are no values or ``q`` is outside 0..100.

    Example:
        >>> percentile([10, 20, 30, 40, 50], 90)
        46.0
        >>> percentile([3, 1, 2], 50)
        2.0
    """
    if not 0 <= q <= 100:
        raise ValueError(f"q must be between 0 and 100, not {q}")
    ordered = sorted(_require(_present(values), "percentile"))
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def spread(values: Iterable[Number | None]) -> float:
    """Measure how far the values typically sit from their average (population standard deviation).

    Args:
        values: Numbers; ``None`` entries are skipped.

    Returns:
        The standard deviation as a float; 0.0 for a single value.

    Raises:
        ValueError: If there are no values.

    Example:
        >>> spread([2, 4, 4, 4, 5, 5, 7, 9])
        2.0
    """
    present = _require(_present(values), "spread")
    centre = sum(present) / len(present)
    return math.sqrt(sum((v - centre) ** 2 for v in present) / len(present))


def histogram(
    values: Iterable[Number | None], bins: int = 5, low: Number | None = None, high: Number | None = None
) -> list[tuple[float, float, int]]:
    """Count how many values fall into each of several equal-width ranges.

    Args:
        values: Numbers; ``None`` entries are skipped.
        bins: How many ranges.
        low: The start of the first range; the smallest value when omitted.
        high: The end of the last range; the largest value when omitted.

    Returns:
        A list of ``(start, end, count)`` tuples. Each range includes its start; the last one
        also includes its end. Values outside ``low..high`` are not counted.

    Example:
        >>> histogram([1, 2, 2, 3, 9, 10], bins=3, low=0, high=12)
        [(0.0, 4.0, 4), (4.0, 8.0, 0), (8.0, 12.0, 2)]
    """
    present = _require(_present(values), "histogram")
    low = float(min(present) if low is None else low)
    high = float(max(present) if high is None else high)
    width = (high - low) / bins or 1.0
    counts = [0] * bins
    for value in present:
        if low <= value <= high:
            counts[min(int((value - low) / width), bins - 1)] += 1
    return [(low + i * width, low + (i + 1) * width, counts[i]) for i in range(bins)]


def correlation(xs: Iterable[Number | None], ys: Iterable[Number | None]) -> float:
    """Measure how strongly two series move together (Pearson's r, from -1 to 1).

    Positions where either series is ``None`` are skipped.

    Args:
        xs: The first series.
        ys: The second series, of the same length.

    Returns:
        The correlation coefficient; 0.0 when either series is constant.

    Raises:
        ValueError: If the series have different lengths or fewer than two complete pairs.

    Example:
        >>> correlation([1, 2, 3, 4], [10, 20, 30, 40])
        1.0
        >>> correlation([1, 2, 3], [3, 2, 1])
        -1.0
    """
    xs, ys = list(xs), list(ys)
    if len(xs) != len(ys):
        raise ValueError(f"series have different lengths: {len(xs)} and {len(ys)}")
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if x is not None and y is not None]
    if len(pairs) < 2:
        raise ValueError("correlation needs at least two complete pairs")
    mx = sum(x for x, _ in pairs) / len(pairs)
    my = sum(y for _, y in pairs) / len(pairs)
    cov = sum((x - mx) * (y - my) for x, y in pairs)
    vx = sum((x - mx) ** 2 for x, _ in pairs)
    vy = sum((y - my) ** 2 for _, y in pairs)
    if vx == 0 or vy == 0:
        return 0.0
    return round(cov / math.sqrt(vx * vy), 12)


def running_total(values: Iterable[Number | None]) -> list[Number]:
    """Accumulate the values, giving the sum so far at each position.

    Args:
        values: Numbers; a ``None`` adds nothing but still gets an entry.

    Returns:
        A list as long as the input.

    Example:
        >>> running_total([5, None, 2, 3])
        [5, 5, 7, 10]
    """
    totals: list[Number] = []
    current: Number = 0
    for value in values:
        current += value or 0
        totals.append(current)
    return totals
