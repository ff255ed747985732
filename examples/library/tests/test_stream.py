import pytest

from honeycomb import Batcher, Stream, Table, Windower


def test_chained_stream_is_lazy_and_reusable():
    calls = []
    s = Stream(range(6)).apply(lambda n: calls.append(n) or n * 10).where(lambda n: n > 20)
    assert calls == []
    assert s.collect() == [30, 40, 50]
    assert list(s) == [30, 40, 50]


def test_batch_and_batcher_agree():
    assert Stream("abcde").batch(2).collect() == list(Batcher("abcde", 2))
    assert Stream(range(7)).batch(3, drop_last=True).collect() == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError):
        Batcher([], 0)


def test_window_moving_average():
    averages = Stream([1, 2, 3, 4]).window(2).apply(lambda w: sum(w) / len(w)).collect()
    assert averages == [1.5, 2.5, 3.5]
    assert list(Windower([1, 2, 3], 5)) == []


def test_stream_over_table_rows_back_to_table():
    t = Table([{"n": 1}, {"n": 2}, {"n": 3}])
    doubled = Stream(t).apply(lambda r: {"n": r["n"] * 2}).take(2).to_table()
    assert doubled.column("n") == [2, 4]
    assert Stream([[1], [2, 3]]).unnest().collect() == [1, 2, 3]
