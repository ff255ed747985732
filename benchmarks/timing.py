"""Latency figures the benchmarks share."""

from __future__ import annotations

import json
import os
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path


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


def write_figures(record: dict, out: Path, module: str, argv: Sequence[str] | None) -> None:
    """``record`` with the machine it ran on and the command that made it: printed, and written to ``out``."""
    record.update(cpu_count=os.cpu_count(), load_average=list(os.getloadavg()),
                  command=" ".join([f"python -m {module}", *(argv if argv is not None else sys.argv[1:])]))
    print(json.dumps(record, indent=2))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2) + "\n")
