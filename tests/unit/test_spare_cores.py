"""How many cores other processes leave free decides whether the ONNX encoder's idle threads spin."""

import os
import sys

import pytest

from apiary.retrieval import onnx_encoder
from apiary.retrieval.onnx_encoder import CpuProbe


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/stat")
def test_spare_cores_are_between_none_and_all():
    probe = CpuProbe.start()
    assert probe is not None
    spare = probe.spare_cores(0.02)
    assert spare is not None and 0.0 <= spare <= os.cpu_count()


def test_this_processs_own_work_is_not_counted_as_busy(monkeypatch):
    monkeypatch.setattr(onnx_encoder.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(onnx_encoder.time, "monotonic", lambda: 11.0)  # one second after the start
    monkeypatch.setattr(onnx_encoder, "_cpu_times", lambda: (1_100, 2_200))  # half of 200 jiffies idle
    probe = CpuProbe(started=10.0, own=5.0, idle=1_000, total=2_000)
    monkeypatch.setattr(onnx_encoder, "_own_cpu_seconds", lambda: 6.0)  # the busy core was this process
    assert probe.spare_cores() == 2.0
    monkeypatch.setattr(onnx_encoder, "_own_cpu_seconds", lambda: 5.0)  # another process's
    assert probe.spare_cores() == 1.0


def test_without_proc_stat_nothing_is_known(monkeypatch):
    def missing(*args, **kwargs):
        raise OSError("no /proc here")

    monkeypatch.setattr("builtins.open", missing)
    assert CpuProbe.start() is None
