"""How long a request may take: one rule for every kind, read by the pipeline and the server's workers.

The user sets one number, ``maxLatencyMs``: what ghost text while typing may cost. An explicit
request (Alt+\\, "Insert completion", Choose APIs) takes the slow path, with more candidates and
CERT when configured, so it may take longer; an API-sequence suggestion may wait for a first mining.
Past its budget a worker is abandoned after ``GRACE_S`` more (a generator that hangs).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class RequestKind(Enum):
    AUTOMATIC = "automatic"  # ghost text and completion items while typing
    MANUAL = "manual"  # an explicit request for ghost text: the slow path
    COMMAND = "command"  # a code action or command that writes code
    SEQUENCE = "sequence"  # API-sequence suggestions


#: each kind's budget as a multiple of ``maxLatencyMs``, and the least it is given
_SCALE: dict[RequestKind, tuple[int, float]] = {
    RequestKind.AUTOMATIC: (1, 0.0),
    RequestKind.MANUAL: (4, 2000.0),
    RequestKind.COMMAND: (4, 2000.0),
    RequestKind.SEQUENCE: (20, 0.0),
}
#: a worker past its budget is abandoned after this much more time
GRACE_S = 2.0


@dataclass(frozen=True)
class RequestBudget:
    max_latency_ms: float

    def ms(self, kind: RequestKind) -> float:
        """What the pipeline may spend on a request of this kind."""
        scale, least = _SCALE[kind]
        return max(self.max_latency_ms * scale, least)

    def abandon_after_s(self, kind: RequestKind) -> float:
        """When the server stops waiting for the worker and answers without it."""
        return self.ms(kind) / 1000 + GRACE_S
