"""Latency figures the benchmarks share."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile of sorted ``values``, interpolated between neighbours."""
    if not values:
        return 0.0
    position = (len(values) - 1) * q / 100
    low, high = int(position), min(int(position) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def latency_summary(milliseconds: Sequence[float]) -> dict[str, float]:
    """p50 and p95, rounded to hundredths of a millisecond."""
    ordered = sorted(milliseconds)
    return {"p50": round(statistics.median(ordered), 2), "p95": round(percentile(ordered, 95), 2)} if ordered else {}
