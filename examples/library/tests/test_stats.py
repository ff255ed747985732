import pytest

import honeycomb as hc
from honeycomb.stats import correlation, histogram, percentile, running_total, spread


def test_mean_and_median_skip_missing():
    prices = [10, None, 20, 60]
    assert hc.mean(prices) == 30.0
    assert hc.median(prices) == 20.0


def test_empty_input_raises():
    with pytest.raises(ValueError):
        hc.mean([None])


def test_percentile_interpolates():
    assert percentile(range(1, 101), 50) == 50.5
    assert percentile([5, 1], 0) == 1.0


def test_spread_and_correlation():
    assert spread([3, 3, 3]) == 0.0
    assert correlation([1, 2, 3, None], [2, 4, 7, 1]) == pytest.approx(0.9933, abs=1e-4)


def test_histogram_bins_cover_range():
    bins = histogram([1, 2, 3, 4, 5, 6], bins=2)
    assert [count for _, _, count in bins] == [3, 3]


def test_running_total():
    assert running_total([1, 2, 3]) == [1, 3, 6]
