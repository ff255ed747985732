"""The completion pipeline every front end shares: generate, fall back, check, rank, in budget; and
the engine built from user options, with models that load and models that do not."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.unit.generation_fixtures import example_engine, example_index
from tests.unit.tiny_models import save_tiny_model

from apiary.engine import ModelOptions
from apiary.generation.apicoder import APICoderGenerator
from apiary.generation.backends.base import BackendError
from apiary.generation.backends.fake import FakeBackend
from apiary.generation.types import CodeContext, GenerationSettings

PREFIX = "import honeycomb as hc\ntitle = 'Quarterly Revenue'\n# a slug of the title, for the file name\nstem ="


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return example_index(tmp_path_factory.mktemp("cache"))


def engine_with(index, backend):
    engine = example_engine(index)
    engine.pipeline.generators["apicoder"] = APICoderGenerator(backend)
    return engine


def test_offline_default_completes_with_retrieved_apis(index):
    result = example_engine(index).pipeline.complete(CodeContext(PREFIX))
    assert result.generator == "offline" and result.fallback_reason is None
    assert result.candidates and result.candidates[0].text == " hc.slug(title)"
    assert result.apis and {"retrieve", "generate", "total"} <= set(result.timings_ms)


def test_user_chosen_apis_replace_retrieval(index):
    chosen = [index.catalogue.find("honeycomb.squash_spaces")]
    result = example_engine(index).pipeline.complete(CodeContext(PREFIX), apis=chosen)
    assert [a.entry.import_path for a in result.apis] == ["honeycomb.squash_spaces"]
    assert "squash_spaces(" in result.candidates[0].text


def test_hallucinated_candidate_is_dropped_and_misspelt_one_repaired(index):
    backend = FakeBackend([" hc.make_rocket(title)", " hc.slugg(title)"])
    result = engine_with(index, backend).pipeline.complete(CodeContext(PREFIX), generator="apicoder", n=2)
    assert [c.text for c in result.candidates] == [" hc.slug(title)"]
    assert result.candidates[0].notes == ("renamed slugg to slug",)
    assert result.candidates[0].apis == ("honeycomb.slug",)


@pytest.mark.parametrize(("spare", "expected"), [(0, []), (1, [" hc.slug(title)"]), (3, [" hc.slug(title)"])])
def test_a_cheap_generators_spare_candidates_stand_in_for_those_the_checks_drop(index, spare, expected):
    backend = FakeBackend([" hc.make_rocket(title)", " hc.slugg(title)", " hc.squash_spaces(title)"])
    engine = engine_with(index, backend)
    engine.pipeline.generators["apicoder"].spare = spare  # as cheap as the offline generator
    result = engine.pipeline.complete(CodeContext(PREFIX), generator="apicoder", n=1)
    assert [c.text for c in result.candidates] == expected
    assert backend.requests[0].n == 1 + spare


def test_candidate_breaking_the_syntax_ranks_last(index):
    backend = FakeBackend([" hc.slug(title))", " hc.slug(title)"])
    result = engine_with(index, backend).pipeline.complete(CodeContext(PREFIX), generator="apicoder", n=2)
    assert result.candidates[0].text == " hc.slug(title)"
    assert result.candidates[-1].features["syntax"] < 0


@pytest.mark.parametrize("error", [BackendError("endpoint http://127.0.0.1:9 unreachable"), RuntimeError("bug")])
def test_a_failing_model_falls_back_to_the_offline_generator(index, error):
    backend = FakeBackend(fail_with=error)
    result = engine_with(index, backend).pipeline.complete(CodeContext(PREFIX), generator="apicoder")
    assert result.generator == "offline" and result.candidates
    assert str(error) in result.fallback_reason


def test_a_hanging_model_is_cut_at_the_time_budget_and_the_offline_answer_returned(index):
    backend = FakeBackend([" never"], delay_s=30)
    started = time.perf_counter()
    result = engine_with(index, backend).pipeline.complete(
        CodeContext(PREFIX), generator="apicoder", settings=GenerationSettings(time_budget_ms=200))
    assert time.perf_counter() - started < 5
    assert result.generator == "offline" and "timed out" in result.fallback_reason
    assert result.candidates[0].text == " hc.slug(title)"


def test_an_unknown_generator_name_falls_back(index):
    result = example_engine(index).pipeline.complete(CodeContext(PREFIX), generator="cert")
    assert result.generator == "offline" and "no generator 'cert'" in result.fallback_reason


def test_missing_model_directory_is_reported_and_offline_still_works(index, tmp_path):
    engine = example_engine(index, models=ModelOptions(model=str(tmp_path / "nowhere")))
    assert set(engine.generators) == {"offline"}
    assert engine.problems and "nowhere" in engine.problems[0]
    assert engine.pipeline.complete(CodeContext(PREFIX), generator="apicoder").candidates


def test_corrupt_model_directory_is_reported(index, tmp_path):
    model = save_tiny_model(tmp_path / "tiny")
    (model / "model.safetensors").write_bytes(b"not a safetensors file")
    engine = example_engine(index, models=ModelOptions(model=str(model), device="cpu"))
    assert "apicoder" not in engine.generators and engine.problems


def test_a_tiny_model_directory_drives_apicoder_and_cert_through_the_pipeline(index, tmp_path):
    model = save_tiny_model(tmp_path / "tiny")
    options = ModelOptions(model=str(model), sketcher=str(model), device="cpu")
    engine = example_engine(index, models=options, default_generator="apicoder")
    assert {"offline", "apicoder", "cert"} <= set(engine.generators) and engine.problems == []
    settings = GenerationSettings(max_new_tokens=8, sketches=2)
    result = engine.pipeline.complete(CodeContext(PREFIX), settings=settings)
    assert result.generator in {"apicoder", "offline"}  # random weights may write nothing usable
    if result.generator == "apicoder":
        assert result.candidates[0].prompt.startswith("# [start]\n# ")
    cert = engine.pipeline.complete(CodeContext(PREFIX), generator="cert", settings=settings)
    assert cert.generator in {"cert", "offline"}


def test_the_demo_filters_on_the_column_the_file_computed(index):
    report = (Path(__file__).resolve().parents[2] / "examples" / "workspace" / "new_report.py").read_text()
    result = example_engine(index).pipeline.complete(CodeContext(report + "big_orders ="))
    assert result.candidates[0].text == " orders.keep_where(lambda r: r['amount'] > 100)"
