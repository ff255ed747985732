"""CERT inference: sample sketches, vote, and CERT's two shortcuts (§3.2)."""

from __future__ import annotations

import threading

from apiary.generation.backends.fake import FakeBackend
from apiary.generation.cert import CertGenerator, vote
from apiary.generation.types import CodeContext, GenerationSettings

CONTEXT = CodeContext("import pandas as pd\n# read the users file\ndf =")


def test_vote_picks_the_most_frequent_sketch_after_normalising():
    samples = [" pd.read_csv(string)", " pd.read_csv( string )  # the file", " pd.read_table(string)"]
    winner = vote(samples)
    assert winner is not None and winner.votes == 2 and winner.samples == 3
    assert "read_csv" in winner.sketch


def test_vote_tie_goes_to_the_first_seen_and_empty_is_none():
    assert vote([" a(number)", " b(number)"]).sketch == " a(number)"
    assert vote([]) is None


def test_sketch_with_symbols_goes_to_the_generator_with_the_context():
    sketcher = FakeBackend([" pd.read_csv(string)", " pd.read_csv(string)", " pd.read_json(string)"])
    generator = FakeBackend([" pd.read_csv('users.csv')"])
    candidates = CertGenerator(sketcher, generator).generate(CONTEXT, [], 2, GenerationSettings(sketches=3))
    assert sketcher.requests[0].n == 3 and sketcher.requests[0].temperature > 0  # sampled, for the vote
    prompt = generator.requests[0].prompt
    assert prompt.startswith("df = pd.read_csv(string)\n") and prompt.endswith(CONTEXT.prefix)
    assert [c.text for c in candidates] == [" pd.read_csv('users.csv')"] * 2
    assert "2/3 sketches agreed" in candidates[0].notes[0]


def test_sketch_without_symbols_is_the_answer():
    sketcher = FakeBackend([" pd.DataFrame()"])
    generator = FakeBackend([" never"])
    candidates = CertGenerator(sketcher, generator).generate(CONTEXT, [], 1, GenerationSettings(sketches=4))
    assert [c.text for c in candidates] == [" pd.DataFrame()"]
    assert generator.requests == []
    assert "used as the answer" in candidates[0].notes[0]


def test_empty_sketch_sends_the_bare_context():
    sketcher = FakeBackend([""])
    generator = FakeBackend([" pd.read_csv('x.csv')"])
    CertGenerator(sketcher, generator).generate(CONTEXT, [], 1, GenerationSettings(sketches=2))
    assert generator.requests[0].prompt == CONTEXT.prefix


def test_names_imported_by_the_context_do_not_count_as_symbols():
    context = CodeContext("from lib import string\n# make one\nx =")
    sketcher = FakeBackend([" string()"])
    generator = FakeBackend([" never"])
    candidates = CertGenerator(sketcher, generator).generate(context, [], 1, GenerationSettings(sketches=1))
    assert [c.text for c in candidates] == [" string()"] and generator.requests == []


def test_cancelled_sketching_returns_nothing():
    cancel = threading.Event()
    cancel.set()
    sketcher, generator = FakeBackend([" a(string)"], delay_s=5), FakeBackend([" b"])
    assert CertGenerator(sketcher, generator).generate(CONTEXT, [], 1, GenerationSettings(), cancel) == []
    assert generator.requests == []
