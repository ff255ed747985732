"""Preparing the libraries a user edits (`lsp.library_edits`) gives way to what must not wait for it."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import pytest

from apiary.lsp import library_edits, lifecycle


@contextlib.asynccontextmanager
async def _no_progress(ls, title: str):
    yield lambda message, percentage=None: None


async def _here(ls, fn, *args):
    return fn(*args)


def _server(remember) -> SimpleNamespace:
    return SimpleNamespace(index_lock=None, library_saves=0, shutting_down=False,
                           session=SimpleNamespace(remember=remember))


@pytest.fixture(autouse=True)
def _in_this_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifecycle, "progress", _no_progress)
    monkeypatch.setattr(lifecycle, "in_indexer", _here)


async def test_a_save_during_a_preparation_stops_it_and_the_libraries_after_it():
    asked: list[tuple[str, bool]] = []

    def remember(spec: str, abandoned) -> bool:
        asked.append((spec, abandoned()))
        ls.library_saves += 1  # the user saves while the first library is prepared
        asked.append((spec, abandoned()))
        return False

    ls = _server(remember)
    await library_edits._remember(ls, ["first", "second"])
    assert asked == [("first", False), ("first", True)]


async def test_a_shutdown_stops_a_preparation():
    asked: list[tuple[str, bool]] = []

    def remember(spec: str, abandoned) -> bool:
        asked.append((spec, abandoned()))
        ls.shutting_down = True
        asked.append((spec, abandoned()))
        return True

    ls = _server(remember)
    await library_edits._remember(ls, ["first", "second"])
    assert asked == [("first", False), ("first", True)]
    asked.clear()
    await library_edits._remember(ls, ["third"])
    assert asked == []
