"""The typed tree of tuned numbers and the file it is read from: what ships, what round-trips, and
what a broken file falls back to (the defaults, with one warning naming the file)."""

from __future__ import annotations

import json
import logging
from dataclasses import fields, replace

import pytest

from apiary import weights as weights_module
from apiary.weights import (
    SHIPPED_PATH,
    GenerationRankWeights,
    OfflineWeights,
    RetrievalWeights,
    SequenceWeights,
    Weights,
    load_weights,
    weights_from_json,
    weights_to_json,
    write_weights,
)

WARN = "apiary.weights"


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == WARN and r.levelno == logging.WARNING]


def test_the_shipped_file_loads_whole_and_says_how_its_retrieval_weights_were_fitted(caplog):
    caplog.set_level(logging.WARNING, logger=WARN)
    loaded = load_weights(SHIPPED_PATH)
    assert load_weights() is loaded  # cached per path
    assert warnings_of(caplog) == []
    shipped = json.loads(SHIPPED_PATH.read_text(encoding="utf-8"))
    assert list(shipped) == ["about", "fitted", "retrieval", "retrieval_lexical", "generation", "offline", "sequences"]
    for part in ("retrieval", "retrieval_lexical"):  # every field given: nothing silently hand-set
        assert set(shipped[part]) == {f.name for f in fields(RetrievalWeights)}
    assert shipped["fitted"]["method"].startswith("linear listwise softmax ranking")
    assert "dev libraries" in shipped["fitted"]["on"]
    # the rest of the tree is still the hand-set numbers
    assert (loaded.generation, loaded.offline, loaded.sequences) == (
        Weights().generation,
        Weights().offline,
        Weights().sequences,
    )


def test_the_fitted_weights_learned_what_code_says():
    retrieval = load_weights().retrieval
    assert retrieval.imported_unused > 0 and retrieval.type_affinity > 0 and retrieval.mentioned > 0
    assert retrieval.module_kind < 0


def test_the_defaults_are_todays_numbers():
    w = Weights()
    assert w.retrieval.dense == 1.0 and w.retrieval.imported_unused == 1.5 and w.retrieval.module_kind == -0.3
    assert w.retrieval.alternative_margin == 0.05
    assert (w.retrieval.candidates, w.retrieval.max_clauses, w.retrieval.alternatives_from) == (200, 2, 8)
    assert w.generation == GenerationRankWeights(intent=0.3, apis=0.2, syntax_penalty=5.0, repair_penalty=0.1)
    assert (w.offline.usages_per_api, w.offline.step_coverage, w.offline.rank_decay) == (12, 0.8, 0.85)
    assert (w.sequences.neighbours, w.sequences.consensus_neighbours, w.sequences.consensus_temperature) == (
        40,
        20,
        0.2,
    )
    assert (w.sequences.lexical_weight, w.sequences.mention_bonus, w.sequences.agreement_bonus) == (0.2, 0.25, 0.05)
    assert (w.sequences.steps_weight, w.sequences.library_bonus) == (1.2, 1.0)


def test_every_field_is_a_float_or_a_count():
    data = weights_to_json(Weights())
    for section in ("retrieval", "generation", "offline", "sequences"):
        assert data[section] and all(type(v) in (float, int) for v in data[section].values()), section


def test_write_then_load_round_trips_numbers_and_provenance(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger=WARN)
    fitted = {"method": "lambdarank", "libraries": ["torchdata", "honeycomb"], "ndcg@5": 0.71}
    changed = Weights(
        retrieval=replace(RetrievalWeights(), dense=0.75, candidates=150),
        generation=replace(GenerationRankWeights(), syntax_penalty=4.0),
        offline=replace(OfflineWeights(), usages_per_api=7),
        sequences=replace(SequenceWeights(), consensus_temperature=0.3),
        about="fitted on two dev libraries",
        fitted=fitted,
    )
    path = tmp_path / "weights.json"
    write_weights(changed, path)
    loaded = load_weights(path)
    assert loaded == changed
    assert loaded.retrieval.dense == 0.75 and loaded.retrieval.candidates == 150
    assert loaded.about == "fitted on two dev libraries"
    assert loaded.fitted == fitted
    assert weights_from_json(weights_to_json(loaded)) == changed
    assert warnings_of(caplog) == []
    assert [p.name for p in tmp_path.iterdir()] == ["weights.json"]  # no temporary file left behind


def test_a_rewritten_file_is_read_again(tmp_path):
    path = tmp_path / "weights.json"
    write_weights(Weights(retrieval=replace(RetrievalWeights(), lexical=0.3)), path)
    assert load_weights(path).retrieval.lexical == 0.3
    write_weights(Weights(retrieval=replace(RetrievalWeights(), lexical=0.4)), path)
    assert load_weights(path).retrieval.lexical == 0.4


def test_a_missing_file_falls_back_with_one_warning(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger=WARN)
    path = tmp_path / "absent.json"
    assert load_weights(path) == load_weights(SHIPPED_PATH)
    load_weights(path)  # cached: no second warning
    messages = warnings_of(caplog)
    assert len(messages) == 1
    assert str(path) in messages[0] and "cannot be read" in messages[0]


def test_a_corrupt_file_falls_back_with_one_warning(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger=WARN)
    path = tmp_path / "corrupt.json"
    path.write_text('{"retrieval": {"dense": 2.0,', encoding="utf-8")
    assert load_weights(path) == load_weights(SHIPPED_PATH)
    messages = warnings_of(caplog)
    assert len(messages) == 1
    assert str(path) in messages[0]


def test_a_wrong_type_falls_back_with_one_warning(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger=WARN)
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps({"retrieval": {"dense": "x"}}), encoding="utf-8")
    loaded = load_weights(path)
    assert loaded == Weights()
    assert loaded.retrieval.dense == 1.0
    messages = warnings_of(caplog)
    assert len(messages) == 1
    assert str(path) in messages[0] and "retrieval.dense" in messages[0] and "'x'" in messages[0]


@pytest.mark.parametrize("value", [True, None, [1.0], float("nan"), -3, 2.5])
def test_counts_and_weights_refuse_what_they_cannot_be(value, caplog):
    caplog.set_level(logging.WARNING, logger=WARN)
    loaded = weights_from_json({"retrieval": {"candidates": value, "dense": value}}, "test")
    assert loaded.retrieval.candidates == 200
    # a float field takes any finite number; everything else is refused
    assert loaded.retrieval.dense == (value if value in (-3, 2.5) else 1.0)
    assert len(warnings_of(caplog)) == 1


def test_an_unknown_key_falls_back_with_one_warning(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger=WARN)
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps({"retrieval": {"densee": 2.0}, "ranking": {}}), encoding="utf-8")
    assert load_weights(path) == Weights()
    messages = warnings_of(caplog)
    assert len(messages) == 1
    assert str(path) in messages[0] and "retrieval.densee" in messages[0] and "'ranking'" in messages[0]


def test_a_partial_file_keeps_the_values_it_gives(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger=WARN)
    path = tmp_path / "partial.json"
    path.write_text(json.dumps({"retrieval": {"lexical": 0.5, "candidates": 100}, "sequences": {"neighbours": 10}}))
    loaded = load_weights(path)
    assert loaded.retrieval == replace(RetrievalWeights(), lexical=0.5, candidates=100)
    assert loaded.sequences == replace(SequenceWeights(), neighbours=10)
    assert loaded.generation == GenerationRankWeights() and loaded.offline == OfflineWeights()
    assert loaded.fitted == weights_module.HAND_SET
    assert warnings_of(caplog) == []


def test_a_file_that_is_not_an_object_falls_back(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger=WARN)
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    assert load_weights(path) == Weights()
    assert len(warnings_of(caplog)) == 1


# -- the parts read the tree -----------------------------------------------------------------------
@pytest.fixture
def fitted_file(tmp_path, monkeypatch):
    """A weights file with changed numbers, standing in for the shipped one."""
    path = tmp_path / "weights.json"
    write_weights(Weights(retrieval=replace(RetrievalWeights(), dense=0.5, max_clauses=1),
                          generation=replace(GenerationRankWeights(), syntax_penalty=7.0),
                          offline=replace(OfflineWeights(), usages_per_api=3),
                          sequences=replace(SequenceWeights(), agreement_bonus=0.2, lexical_weight=0.4)), path)
    monkeypatch.setattr(weights_module, "SHIPPED_PATH", path)
    return path


def test_the_retriever_without_weights_uses_the_loaded_files(fitted_file):
    from apiary.retrieval.encoder import HashingEncoder
    from apiary.retrieval.hybrid import HybridRetriever

    retriever = HybridRetriever(HashingEncoder(), [])
    assert retriever.weights == load_weights(fitted_file).retrieval
    assert (retriever.weights.dense, retriever.weights.max_clauses, retriever.weights.lexical) == (0.5, 1, 0.2)
    tuned = RetrievalWeights(dense=2.0)
    assert HybridRetriever(HashingEncoder(), [], weights=tuned).weights is tuned


def test_rank_weights_is_the_old_name_of_the_retrieval_weights():
    from apiary.retrieval.hybrid import RankWeights

    assert RankWeights is RetrievalWeights
    assert RankWeights() == Weights().retrieval


def test_generation_ranking_reads_the_tree(fitted_file):
    from apiary.generation.rank import rank
    from apiary.generation.types import Candidate

    broken = [Candidate(text=" f(", score=0.0)]
    assert rank(broken, "", [False])[0].features["syntax"] == -7.0
    assert rank(broken, "", [False], weights=GenerationRankWeights())[0].features["syntax"] == -5.0


def test_the_offline_generator_reads_the_tree(fitted_file):
    from apiary.generation.offline.generator import OfflineGenerator

    assert OfflineGenerator(lambda: [], lambda _: None).weights.usages_per_api == 3
    tuned = OfflineWeights(chain_heads=1)
    assert OfflineGenerator(lambda: [], lambda _: None, weights=tuned).weights is tuned


def test_a_number_binds_to_a_parameter_within_the_bind_distance():
    from apiary.docs.entry import Param
    from apiary.generation.offline.constants import bind_to_parameters, comment_constants

    comment = "batch size of 3"
    constants = comment_constants(comment)
    params = [Param("batch_size")]
    assert bind_to_parameters(comment, params, constants, max_distance=OfflineWeights().bind_distance)
    assert bind_to_parameters(comment, params, constants, max_distance=5) == {}


def test_the_sequence_recommender_reads_the_tree(fitted_file):
    from apiary.retrieval.encoder import HashingEncoder
    from apiary.sequences.compose import SequenceStats
    from apiary.sequences.neighbours import PairIndex
    from apiary.sequences.recommend import Recommender, Suggestion, merge

    recommender = Recommender()
    assert recommender.weights.agreement_bonus == 0.2
    assert recommender.stats.weights is recommender.weights
    assert PairIndex([], HashingEncoder()).weights.lexical_weight == 0.4
    assert SequenceStats([]).weights == load_weights(fitted_file).sequences
    agreeing = [Suggestion(("a.f",), 0.5, "mined"), Suggestion(("a.f",), 0.4, "docs")]
    assert merge(agreeing)[0].score == 0.5 + 0.2
    assert merge(agreeing, SequenceWeights())[0].score == 0.5 + 0.05
