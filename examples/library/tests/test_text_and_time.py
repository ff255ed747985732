import datetime as dt

import pytest

import honeycomb as hc
from honeycomb.text import clip_text, strip_accents, tokens
from honeycomb.timeutil import day_range, format_duration


def test_text_cleaning():
    assert hc.slug("Søren's Café") == "sorens-cafe"
    assert hc.squash_spaces(" a \n b ") == "a b"
    assert strip_accents("Ångström") == "Angstrom"
    assert tokens("Hello, WORLD") == ["hello", "world"]
    assert clip_text("abcdefghij", 6, marker="…") == "abcde…"


def test_durations_round_trip():
    assert hc.parse_duration("1h 5m") == 3900
    assert format_duration(hc.parse_duration("2d30s")) == "2d30s"
    with pytest.raises(ValueError):
        hc.parse_duration("soon")


def test_days_and_buckets():
    assert hc.parse_day("2024/12/30") == dt.date(2024, 12, 30)
    assert hc.bucket_of("2024-12-30", "week") == "2025-W01"
    assert hc.bucket_of(dt.date(2024, 11, 2), "quarter") == "2024-Q4"
    assert len(day_range("2024-01-30", "2024-02-02")) == 4
