"""How many cores are free decides whether the ONNX encoder's idle threads spin."""

import os
import sys

import pytest

from apiary.retrieval.onnx_encoder import spare_cores


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/stat")
def test_spare_cores_are_between_none_and_all():
    spare = spare_cores(0.02)
    assert spare is not None and 0.0 <= spare <= os.cpu_count()


def test_without_proc_stat_nothing_is_known(monkeypatch):
    def missing(*args, **kwargs):
        raise OSError("no /proc here")

    monkeypatch.setattr("builtins.open", missing)
    assert spare_cores(0.0) is None
