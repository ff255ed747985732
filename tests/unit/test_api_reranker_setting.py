"""The `apiReranker` setting: a model key (a new engine, never new indexes), loaded by `build_engine` into
the retriever, reported and left out when it cannot load, and the CLI's `--api-reranker`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from apiary.cli import main
from apiary.engine import ModelOptions, Session, build_engine
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.rerank import CrossEncoderReranker
from apiary.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "library"


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory) -> Path:
    """A random 2-layer BERT with one logit and the bundled MiniLM tokenizer, saved as safetensors."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from apiary.retrieval.encoder import default_encoder_dir

    directory = tmp_path_factory.mktemp("tiny-cross-encoder")
    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(default_encoder_dir())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128, num_labels=1)
    BertForSequenceClassification(config).save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("APIARY_CACHE_DIR", str(tmp_path / "cache"))


def test_a_missing_api_reranker_is_one_problem_and_the_retriever_ranks_without_it(tmp_path):
    missing = tmp_path / "nowhere"
    engine = build_engine(HashingEncoder(), lambda: [], ModelOptions(api_reranker=str(missing)))
    assert len(engine.problems) == 1
    assert engine.problems[0].startswith(f"cannot load the API reranker at {missing}: ")
    assert engine.problems[0].endswith("; APIs are ranked without it")
    assert engine.retriever.reranker is None


def test_no_api_reranker_by_default():
    engine = build_engine(HashingEncoder(), lambda: [])
    assert engine.problems == [] and engine.retriever.reranker is None


def test_a_saved_cross_encoder_becomes_the_retrievers_reranker(tiny_cross_encoder):
    engine = build_engine(
        HashingEncoder(), lambda: [], ModelOptions(api_reranker=str(tiny_cross_encoder), device="cpu")
    )
    assert engine.problems == []
    assert isinstance(engine.retriever.reranker, CrossEncoderReranker)
    assert engine.pipeline.retriever is engine.retriever


def _indexed_session() -> Session:
    session = Session(Settings(libraries=(str(EXAMPLES),)), encoder_factory=lambda s: HashingEncoder())
    session.load()
    assert session.index(str(EXAMPLES)).ready
    return session


@pytest.mark.parametrize("key", ["reranker", "api_reranker"])
def test_changing_a_reranker_rebuilds_the_engine_not_the_indexes(key, tmp_path):
    session = _indexed_session()
    encoder, engine, indexes = session.encoder, session.engine, session.libraries.indexes()
    keys, to_index = session.apply_settings(replace(session.settings, **{key: str(tmp_path / "nowhere")}))
    assert keys == {key} and to_index == []
    assert session.encoder is encoder and session.libraries.indexes() == indexes
    assert session.engine is not engine and len(session.problems) == 1
    # an encoder change, by contrast, drops the indexes to build them again
    _, to_index = session.apply_settings(replace(session.settings, encoder="/another/encoder"))
    assert to_index == [str(EXAMPLES)] and session.libraries.indexes() == []


def test_the_session_passes_the_setting_to_the_engine(tiny_cross_encoder):
    session = _indexed_session()
    assert session.engine.retriever.reranker is None
    session.apply_settings(replace(session.settings, api_reranker=str(tiny_cross_encoder), device="cpu"))
    assert session.problems == []
    assert isinstance(session.engine.retriever.reranker, CrossEncoderReranker)
    session.apply_settings(replace(session.settings, api_reranker=None))
    assert session.engine.retriever.reranker is None


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_search_reranks_with_a_cross_encoder_and_goes_on_without_a_missing_one(capsys, tiny_cross_encoder, tmp_path):
    assert _run(capsys, "index", str(EXAMPLES), "--encoder", "hashing")[0] == 0
    search = ("search", "--lib", "honeycomb", "--encoder", "hashing", "--json", "median of the values")
    code, out, err = _run(capsys, *search, "--api-reranker", str(tiny_cross_encoder))
    assert code == 0 and len(json.loads(out)) == 5 and "API reranker" not in err
    code, out, err = _run(capsys, *search, "--api-reranker", str(tmp_path / "nowhere"))
    assert code == 0 and json.loads(out)[0]["name"] == "median"
    assert f"apiary search: cannot load the API reranker at {tmp_path / 'nowhere'}: " in err
    assert err.splitlines()[0].endswith("; APIs are ranked without it")


def test_complete_reports_a_missing_api_reranker_without_blaming_the_generator(capsys, tmp_path):
    assert _run(capsys, "index", str(EXAMPLES), "--encoder", "hashing")[0] == 0
    source = tmp_path / "use.py"
    source.write_text("import honeycomb\n\n# median of the values\n")
    code, _, err = _run(capsys, "complete", str(source), "--lib", "honeycomb", "--encoder", "hashing",
                        "--api-reranker", str(tmp_path / "nowhere"))
    problem = next(line for line in err.splitlines() if "API reranker" in line)
    assert problem.startswith("apiary complete: cannot load the API reranker at ")
    assert problem.endswith("; APIs are ranked without it")
