"""Adaptive debounce: no delay after a pause, about one typing interval while typing; newer requests win."""

from __future__ import annotations

from apiary.lsp.debounce import MAX_DELAY_S, Debouncer


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_delay_follows_typing_speed_and_vanishes_after_a_pause():
    clock = Clock()
    debouncer = Debouncer(clock)
    assert debouncer.delay("a") == 0.0
    for _ in range(5):
        debouncer.typed("a")
        clock.now += 0.08
    assert 0.07 < debouncer.delay("a") <= 0.09
    clock.now += 1.0
    assert debouncer.delay("a") == 0.0
    for _ in range(5):
        debouncer.typed("a")
        clock.now += 0.5
    assert debouncer.delay("a") <= MAX_DELAY_S


def test_a_newer_request_cancels_the_older_one():
    debouncer = Debouncer()
    first, first_cancel = debouncer.begin("a")
    second, second_cancel = debouncer.begin("a")
    assert first_cancel.is_set() and not second_cancel.is_set()
    assert not debouncer.is_current("a", first) and debouncer.is_current("a", second)
    other, _ = debouncer.begin("b")
    assert debouncer.is_current("a", second) and debouncer.is_current("b", other)
    debouncer.forget("a")
    assert second_cancel.is_set()
