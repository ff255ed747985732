"""Full garbage collections run when the client pauses (`apiary.lsp.idle_collection`)."""

from __future__ import annotations

import asyncio

import pytest

from apiary.lsp.idle_collection import IdleCollections, wait_left


def test_a_collection_waits_for_the_clients_quiet_and_no_longer_than_the_longest_wait():
    assert wait_left(now=10.0, heard=9.0, asked=5.0, quiet_s=1.5, longest_wait_s=120) == 0.5
    assert wait_left(now=10.0, heard=8.0, asked=5.0, quiet_s=1.5, longest_wait_s=120) == 0.0
    assert wait_left(now=10.0, heard=10.0, asked=0.0, quiet_s=1.5, longest_wait_s=11) == 1.0  # asked long ago
    assert wait_left(now=10.0, heard=10.0, asked=0.0, quiet_s=1.5, longest_wait_s=5) == 0.0


class ScriptedClient:
    """A clock that the collections' sleeps move on, and a client that sends messages at ``times``."""

    def __init__(self, times: list[float]) -> None:
        self.now, self.times, self.collections = 0.0, sorted(times), None
        self.runs: list[tuple[float, bool]] = []  # (when, deep)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        until = self.now + seconds
        while self.times and self.times[0] <= until:  # each message heard at its time
            self.now = self.times.pop(0)
            self.collections.heard()
        self.now = until
        await asyncio.sleep(0)

    async def collect(self, deep: bool) -> int:
        self.runs.append((self.now, deep))
        return 0


def _collections(client: ScriptedClient, **limits) -> IdleCollections:
    client.collections = IdleCollections(client.collect, clock=client.clock, sleep=client.sleep, **limits)
    return client.collections


async def _settled(collections: IdleCollections) -> None:
    while collections._task is not None and not collections._task.done():
        await asyncio.sleep(0)


def test_a_collection_asked_for_runs_once_the_client_pauses():
    async def scenario() -> list[tuple[float, bool]]:
        client = ScriptedClient(times=[0.5, 1.0, 1.4, 2.0, 2.3])  # typing, then a pause
        collections = _collections(client, quiet_s=1.5, longest_wait_s=120)
        collections.ask()
        collections.ask()  # asked twice before it runs: one collection
        await _settled(collections)
        return client.runs

    assert asyncio.run(scenario()) == [(3.8, False)]  # 1.5 s after the last message


def test_a_client_that_never_pauses_meets_it_at_the_longest_wait():
    async def scenario() -> list[tuple[float, bool]]:
        client = ScriptedClient(times=[0.25 * n for n in range(1, 100)])
        collections = _collections(client, quiet_s=1.5, longest_wait_s=10)
        collections.ask()
        await _settled(collections)
        return client.runs

    assert asyncio.run(scenario()) == [(10.0, False)]


def test_a_failed_collection_is_logged_and_the_next_ask_runs_one(caplog):
    async def scenario() -> list[tuple[float, bool]]:
        client = ScriptedClient(times=[])
        failures = [RuntimeError("no memory")]

        async def collect(deep: bool) -> int:
            if failures:
                raise failures.pop()
            client.runs.append((client.now, deep))
            return 0

        collections = IdleCollections(collect, quiet_s=1.0, clock=client.clock, sleep=client.sleep)
        client.collections = collections
        collections.ask()
        await _settled(collections)
        assert client.runs == [] and collections.runs == 0
        collections.ask()
        await _settled(collections)
        return client.runs

    assert asyncio.run(scenario()) == [(1.0, False)]
    assert "a full garbage collection failed" in caplog.text


@pytest.mark.parametrize("deep", [False, True])
def test_a_collection_is_asked_for_every_period(deep):
    periods: list[float] = []
    asked: list[bool] = []

    async def sleep(seconds: float) -> None:
        periods.append(seconds)
        if len(periods) == 3:
            raise asyncio.CancelledError  # the server ends

    async def collect(deep: bool) -> int:
        return 0

    collections = IdleCollections(collect, sleep=sleep)
    collections.ask = lambda deep=False: asked.append(deep)
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(collections.every(60, deep=deep))
    assert periods == [60, 60, 60] and asked == [deep, deep]


def test_asks_before_a_run_are_one_run_deep_if_any_was():
    async def scenario() -> tuple[list, int]:
        client = ScriptedClient(times=[])
        collections = _collections(client, quiet_s=1.0)
        collections.ask()
        await _settled(collections)
        collections.ask()
        collections.ask(deep=True)
        await _settled(collections)
        return client.runs, collections.deep_runs

    assert asyncio.run(scenario()) == ([(1.0, False), (1.0, True)], 1)  # quiet since 0: no wait
