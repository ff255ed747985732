"""The local event log: one JSON line per event, counted back; an unwritable log costs nothing else."""

from __future__ import annotations

from apiary.events import EventLog


def test_events_are_appended_and_counted(tmp_path):
    log = EventLog(tmp_path / "sub" / "events.jsonl")
    log.record("shown", "a1", generator="offline")
    log.record("shown", "a2")
    log.record("accepted", "a1")
    (tmp_path / "sub" / "events.jsonl").open("a").write("not json\n")
    assert log.counts() == {"shown": 2, "accepted": 1}


def test_an_unwritable_log_does_not_raise(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    log = EventLog(blocker / "events.jsonl")  # a path under a regular file cannot be created
    log.record("shown", "x")
    assert log.counts() == {}
