"""Progress bars on stderr: one per phase, rates from the work done after a phase's first report."""

from __future__ import annotations

import io

from apiary.cli import progress
from apiary.cli.progress import PhaseBars


def test_a_phase_reported_half_done_at_once_counts_its_rate_from_there(monkeypatch):
    monkeypatch.setattr(progress.sys, "stderr", io.StringIO())
    with PhaseBars(units={"encoding": "API"}) as bars:
        bars("encoding", 4410, 12951)  # the reused vectors, done before any encoding
        bar = bars._bar
        assert (bar.n, bar.total, bar.unit) == (4410, 12951, "API")
        assert bar.format_dict["initial"] == 4410 and bar.format_dict["n"] - bar.format_dict["initial"] == 0
        bars("encoding", 4474, 12951)
        assert bars._bar is bar and bar.n - bar.format_dict["initial"] == 64
        bars("mining numpy", 10, 100)
        assert bars._bar is not bar and bars._bar.unit == "it" and bars._bar.format_dict["initial"] == 10
    assert bars._bar is None
