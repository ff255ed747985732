"""BLEU-4 of API sequences (CodeBERT's smoothed sentence BLEU over identifier and '.' tokens)."""

from __future__ import annotations

import math

import pytest

from apiary.sequences.bleu import api_tokens, best_of_bleu, corpus_bleu, sentence_bleu, sequence_bleu


def test_tokens_are_lowercased_identifiers_and_punctuation():
    assert api_tokens(["os.path.join", "hashlib.HASH::update"]) == [
        "os", ".", "path", ".", "join", "hashlib", ".", "hash", ":", ":", "update"]


def test_identical_sequences_score_one_and_disjoint_ones_zero():
    assert sequence_bleu(["os.path.join", "os.remove"], ["os.path.join", "os.remove"]) == pytest.approx(1.0)
    # the "." tokens match between any two dotted names (as in CodeBERT's evaluation); whole names do not
    assert 0.3 < sequence_bleu(["os.remove"], ["json.dumps"]) < sequence_bleu(["os.remove"], ["os.rename"]) < 1
    assert sequence_bleu(["os.remove"], ["json.dumps"], whole_names=True) < 1e-6
    assert sequence_bleu(["os.remove"], []) == 0.0


def test_hand_computed_value():
    # a . b vs a . c: unigrams 2/3; bigrams (1+1)/(2+1); trigrams (0+1)/(1+1); 4-grams (0+1)/(0+1); no brevity penalty
    expected = math.exp((math.log(2 / 3) + math.log(2 / 3) + math.log(1 / 2) + 0) / 4)
    assert sentence_bleu(["a", ".", "b"], ["a", ".", "c"]) == pytest.approx(expected)


def test_brevity_penalty_for_short_hypotheses():
    long_ref = ["os.walk", "os.path.join", "os.remove", "os.rmdir"]
    assert sequence_bleu(long_ref, ["os.walk"]) < sequence_bleu(long_ref, ["os.walk", "os.path.join"])


def test_corpus_and_best_of():
    refs = [["os.rename"], ["shutil.copy"]]
    partial = sequence_bleu(["shutil.copy"], ["os.rename"])
    assert corpus_bleu(refs, [["os.rename"], ["os.rename"]]) == pytest.approx(100 * (1 + partial) / 2)
    assert best_of_bleu(["shutil.copy"], [["os.rename"], ["shutil.copy"]]) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        corpus_bleu(refs, [["os.rename"]])
