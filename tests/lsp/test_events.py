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


def test_a_full_log_starts_again_keeping_the_one_before(tmp_path, monkeypatch):
    monkeypatch.setattr("apiary.events.MAX_LOG_BYTES", 200)
    log = EventLog(tmp_path / "events.jsonl")
    for n in range(6):  # ~60 bytes a line: the fourth line fills the log
        log.record("shown", f"c{n}")
    assert [p.name for p in sorted(tmp_path.iterdir())] == ["events.1.jsonl", "events.jsonl"]
    assert len((tmp_path / "events.1.jsonl").read_text().splitlines()) == 4
    assert len((tmp_path / "events.jsonl").read_text().splitlines()) == 2
    assert log.counts() == {"shown": 6}
    for n in range(6, 14):  # two more moves, at c8 and c12: c0 to c7 are gone
        log.record("accepted", f"c{n}")
    assert log.counts() == {"accepted": 6}


def test_a_log_that_is_not_a_file_counts_nothing_and_is_not_waited_on(tmp_path):
    import os

    os.mkfifo(tmp_path / "events.jsonl")
    assert EventLog(tmp_path / "events.jsonl").counts() == {}
