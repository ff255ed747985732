"""Hang guards for hostile cases: a case that would block forever fails instead."""

from __future__ import annotations

import threading


def within(seconds: float, work):
    """``work()``'s result, or a failure if it has not returned after ``seconds`` (it may hang)."""
    result: dict = {}

    def run() -> None:
        try:
            result["value"] = work()
        except BaseException as error:  # handed to the test's thread
            result["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in result:
        raise result["error"]
    return result["value"]
