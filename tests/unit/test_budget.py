"""One rule for how long each kind of request may take (`apiary.budget`)."""

from __future__ import annotations

import pytest

from apiary.budget import GRACE_S, RequestBudget, RequestKind


@pytest.mark.parametrize(("max_latency_ms", "kind", "expected_ms"), [
    (500, RequestKind.AUTOMATIC, 500),
    (500, RequestKind.MANUAL, 2000),  # four times the setting, and never under 2 s
    (800, RequestKind.MANUAL, 3200),
    (800, RequestKind.COMMAND, 3200),
    (100, RequestKind.COMMAND, 2000),
    (500, RequestKind.SEQUENCE, 10_000),
])
def test_each_kind_scales_the_one_setting(max_latency_ms, kind, expected_ms):
    budget = RequestBudget(max_latency_ms)
    assert budget.ms(kind) == expected_ms
    assert budget.abandon_after_s(kind) == expected_ms / 1000 + GRACE_S
