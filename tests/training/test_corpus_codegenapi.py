"""The CodeGenAPI corpus: API info before each block, noise APIs, the Appendix B weight."""

from __future__ import annotations

import ast
import math
import random

import pytest

from apiary.docs.entry import ApiEntry, ApiKind
from apiary_training.corpus.apidocs import DocIndex
from apiary_training.corpus.codegenapi import codegenapi_record, resampling_weight, unit_test_rate, with_noise
from apiary_training.corpus.pipeline import CleanFile


def entry(name: str, library: str = "hive", owner: str = "", description: str = "") -> ApiEntry:
    path = f"{library}.{owner + '.' if owner else ''}{name}"
    kind = ApiKind.METHOD if owner else ApiKind.FUNCTION
    return ApiEntry(name, path, path, kind, library, "(x)", description=description or f"Does {name}.")


ENTRIES = [entry("load"), entry("save"), entry("head", owner="Frame"), entry("head", owner="Stream"),
           *(entry(f"other{i}") for i in range(20)), entry("load", library="elsewhere")]
INDEX = DocIndex.from_entries(ENTRIES)
CODE = '''import hive


def read(path):
    frame = hive.load(path)
    return frame.head(3)


def plain(x):
    return x + 1


def write(frame, path):
    hive.save(frame, path)
'''


def record(seed: int = 0, noise: float = 0.0, stars=lambda name: None):
    return codegenapi_record(CleanFile("p/m.py", CODE, ast.parse(CODE)), INDEX, random.Random(seed), stars, noise)


def test_api_info_block_before_each_block_that_calls_documented_apis():
    result, counts = record()
    text = result["text"]
    assert text.startswith("import hive\n")
    read_header = text[text.index("# [start]") : text.index("def read")]
    lines = read_header.splitlines()
    assert lines[0] == "# [start]" and lines[-1] == "# [end]"
    assert sorted(lines[1:-1])[0] == "# head(x): Does head." and "# load(x): Does load." in lines
    assert "elsewhere" not in text  # the file does not import that library
    before_plain = text[text.index("return frame.head(3)") : text.index("def plain")]
    assert "# [start]" not in before_plain  # no documented call, no block
    assert "# save(x): Does save." in text[text.index("def plain") : text.index("def write")]
    assert (counts.names, counts.matches, counts.noise) == (3, 4, 0)  # head matches two APIs
    assert result["path"] == "p/m.py"


def test_api_order_is_shuffled():
    orders = {tuple(record(seed)[0]["text"].splitlines()[3:5]) for seed in range(12)}
    assert len(orders) == 2


def test_noise_rate_is_about_five_percent_and_seeded():
    rng, pool = random.Random(7), ENTRIES
    real_total = noise_total = 0
    for _ in range(4000):
        real = rng.sample(pool, 3)
        apis, noise = with_noise(real, pool, 0.05, rng)
        assert set(map(id, real)) <= set(map(id, apis)) and len(apis) == 3 + noise
        real_total, noise_total = real_total + 3, noise_total + noise
    assert noise_total / (real_total + noise_total) == pytest.approx(0.05, abs=0.007)
    first = with_noise(ENTRIES[:3], ENTRIES, 0.5, random.Random(1))
    assert first == with_noise(ENTRIES[:3], ENTRIES, 0.5, random.Random(1))


def test_noise_apis_are_not_the_real_ones():
    real = ENTRIES[:2]
    for seed in range(50):
        apis, noise = with_noise(real, ENTRIES, 0.5, random.Random(seed))
        extra = apis.copy()
        for api in real:
            extra.remove(api)
        assert len(extra) == noise and all(api.import_path not in {r.import_path for r in real} for api in extra)


def test_appendix_b_weight():
    assert resampling_weight(None, 0.0, 0, 0) == pytest.approx(5.0)  # unknown stars = 0
    assert resampling_weight(0, 0.0, 2, 2) == pytest.approx(5.0)
    assert resampling_weight(round(math.e**2) - 1, 0.0, 1, 1) == pytest.approx(
        (1 + 0.2 * math.log(round(math.e**2))) * 5
    )
    assert resampling_weight(10**9, 0.0, 1, 1) == pytest.approx(2.0 * 5.0)  # w_star clipped at 2
    assert resampling_weight(None, 0.75, 1, 1) == pytest.approx(0.75 * 5.0)
    assert resampling_weight(None, 0.25, 1, 1) == pytest.approx(5.0)  # w_ut clipped at 1
    assert resampling_weight(None, 0.0, 2, 2 * round(math.e)) == pytest.approx(5.0 - 0.2 * math.log(round(math.e)))
    assert resampling_weight(None, 0.0, 1, 10**6) == pytest.approx(4.0)  # w_api clipped


def test_weight_of_a_file_uses_its_tests_stars_and_ambiguity():
    assert unit_test_rate(ast.parse("def test_a(): pass\ndef test_b(): pass\ndef helper(): pass\n")) == pytest.approx(
        2 / 3
    )
    assert unit_test_rate(ast.parse("x = 1\n")) == 0.0
    weight = record(stars=lambda name: 99)[0]["weight"]
    assert weight == pytest.approx((1 + 0.2 * math.log(100)) * 1.0 * (5 - 0.2 * math.log(4 / 3)), rel=1e-5)
