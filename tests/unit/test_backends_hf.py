"""HFBackend on tiny random models built and saved here, loaded the way a user's model is."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from tiny_models import save_tiny_model  # noqa: E402

from apiary.generation.backends.base import BackendError, GenerationRequest  # noqa: E402
from apiary.generation.backends.factory import load_backend  # noqa: E402
from apiary.generation.backends.hf import HFBackend  # noqa: E402
from apiary.generation.stopping import DEFAULT_STOPS  # noqa: E402

PROMPT = "import os\nimport numpy as np\nfrom pathlib import Path\ndef add(a, b):\n"
#: What the memorizing model writes after PROMPT (greedy).
RECITED = "    return a + b\nclass Point:\n    def __init__(self, x, y):\n"


@pytest.fixture(scope="module")
def model_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    dirs = {family: save_tiny_model(root / family, family) for family in ("starcoder", "qwen")}
    dirs["plain"] = save_tiny_model(root / "plain", "plain", memorize=True)
    return dirs


@pytest.fixture(scope="module")
def backend(model_dirs):
    return HFBackend(str(model_dirs["plain"]))


@pytest.fixture
def forward_calls(backend):
    """Counts the model's forward passes (one per generated token)."""
    calls = []
    handle = backend.model.register_forward_hook(lambda *_: calls.append(1))
    yield calls
    handle.remove()


def _greedy(backend, **fields):
    return backend.complete(GenerationRequest(PROMPT, **fields))


# --------------------------------------------------------------------------------------------
# Loading


def test_loads_from_a_directory_on_the_auto_device(backend, model_dirs):
    assert backend.id == str(model_dirs["plain"])
    if torch.cuda.is_available():
        assert backend.device == "cuda" and backend.dtype in (torch.bfloat16, torch.float16)
    else:
        assert backend.device == "cpu" and backend.dtype == torch.float32
    assert backend.context_window == 256  # n_positions of the tiny config
    assert not backend.supports_fim
    assert backend.count_tokens("def add(a, b):") > 0
    assert backend.count_tokens("") == 0


def test_context_window_override(model_dirs):
    assert HFBackend(str(model_dirs["plain"]), context_window=64).context_window == 64


def test_missing_directory_is_a_backend_error(tmp_path):
    with pytest.raises(BackendError, match="does not exist"):
        HFBackend(str(tmp_path / "no-such-model"))


def test_directory_without_config_is_a_backend_error(tmp_path):
    with pytest.raises(BackendError, match="config.json"):
        HFBackend(str(tmp_path))


def test_corrupt_weights_are_a_backend_error(model_dirs, tmp_path):
    broken = shutil.copytree(model_dirs["plain"], tmp_path / "broken")
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(BackendError, match="cannot load"):
        HFBackend(str(broken))


def test_pickled_weights_are_refused(model_dirs, tmp_path):
    pickled = tmp_path / "pickled"
    pickled.mkdir()
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(model_dirs["plain"] / name, pickled / name)
    (pickled / "pytorch_model.bin").write_bytes(b"not even a pickle")
    with pytest.raises(BackendError, match="safetensors only"):
        HFBackend(str(pickled))


def test_uncached_hub_id_is_a_backend_error_without_network(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.delenv("APIARY_ALLOW_DOWNLOAD", raising=False)
    with pytest.raises(BackendError, match="APIARY_ALLOW_DOWNLOAD"):
        HFBackend("apiary-tests/no-such-model")


def test_factory(model_dirs):
    assert load_backend(None, None) is None
    local = load_backend(str(model_dirs["plain"]), None, max_new_tokens=8, timeout_s=3)
    assert isinstance(local, HFBackend) and local.max_new_tokens == 8
    remote = load_backend("m", "http://127.0.0.1:9", timeout_s=1)
    assert type(remote).__name__ == "OpenAICompatBackend"  # the endpoint wins; nothing contacted yet


# --------------------------------------------------------------------------------------------
# Generation


def test_greedy_respects_the_token_budget(backend, forward_calls):
    (completion,) = _greedy(backend, max_new_tokens=7)
    assert completion.finish_reason in ("length", "stop")
    assert len(forward_calls) <= 7
    assert completion.mean_logprob is not None and completion.mean_logprob <= 0


def test_greedy_is_deterministic_and_n_copies(backend):
    first = _greedy(backend, max_new_tokens=6, n=3)
    assert len(first) == 3 and len({c.text for c in first}) == 1
    assert _greedy(backend, max_new_tokens=6)[0].text == first[0].text


def test_sampling_returns_n_and_is_reproducible_with_a_seed(backend):
    request = GenerationRequest(PROMPT, max_new_tokens=8, n=4, temperature=1.0, seed=7)
    first = backend.complete(request)
    assert len(first) == 4
    assert [c.text for c in backend.complete(request)] == [c.text for c in first]


def test_backend_budget_caps_the_request(model_dirs):
    capped = HFBackend(str(model_dirs["plain"]), max_new_tokens=3)
    calls = []
    capped.model.register_forward_hook(lambda *_: calls.append(1))
    capped.complete(GenerationRequest(PROMPT, max_new_tokens=50))
    assert len(calls) <= 3


def test_the_memorizing_model_recites(backend):
    (free,) = _greedy(backend, max_new_tokens=30)
    assert free.text.startswith(RECITED)
    assert free.finish_reason == "length"


def test_stop_sequence_ends_generation_early(backend, forward_calls):
    (stopped,) = _greedy(backend, max_new_tokens=40, stop=DEFAULT_STOPS)
    assert stopped.text == "    return a + b"
    assert stopped.finish_reason == "stop"
    assert len(forward_calls) < 12  # "\nclass" comes a few tokens after "return a + b", not 40


@pytest.mark.parametrize(
    "scope, prefix, expected",
    [
        ("auto", PROMPT, "    return a + b"),  # the body of `def add`, up to the dedent
        ("line", PROMPT, "    return a + b"),
        ("block", PROMPT, "    return a + b"),
        ("line", "x = 1\n", "    return a + b"),  # from code_prefix: a fresh line
    ],
)
def test_scope_ends_generation_early(backend, forward_calls, scope, prefix, expected):
    (scoped,) = _greedy(backend, max_new_tokens=40, scope=scope, code_prefix=prefix)
    assert scoped.text == expected and scoped.finish_reason == "stop"
    assert len(forward_calls) < 12


def test_prompt_longer_than_the_window_is_cut_from_the_left(backend):
    long_prompt = "x = 1\n" * 400  # far more than 256 tokens
    (completion,) = backend.complete(GenerationRequest(long_prompt, max_new_tokens=4))
    assert completion.finish_reason in ("length", "stop")


# --------------------------------------------------------------------------------------------
# Cancellation


def test_cancel_before_start_returns_at_once(backend, forward_calls):
    cancel = threading.Event()
    cancel.set()
    started = time.monotonic()
    result = backend.complete(GenerationRequest(PROMPT, max_new_tokens=200, n=2), cancel)
    assert time.monotonic() - started < 0.5
    assert [c.finish_reason for c in result] == ["cancelled", "cancelled"]
    assert forward_calls == []


def test_cancel_during_generation_stops_at_the_next_token(backend, forward_calls):
    cancel = threading.Event()

    def cancel_on_third(*_):
        if len(forward_calls) >= 3:
            cancel.set()

    handle = backend.model.register_forward_hook(cancel_on_third)
    try:
        (completion,) = backend.complete(GenerationRequest(PROMPT, max_new_tokens=200), cancel)
    finally:
        handle.remove()
    assert completion.finish_reason == "cancelled"
    assert len(forward_calls) <= 4


def test_cancel_while_waiting_for_the_model(backend):
    """A request queued behind another gives up as soon as it is cancelled."""
    release = threading.Event()

    def hold(*_):
        release.wait(5)

    handle = backend.model.register_forward_hook(hold)
    first = threading.Thread(target=lambda: _greedy(backend, max_new_tokens=2))
    first.start()
    try:
        time.sleep(0.1)
        cancel = threading.Event()
        cancel.set()
        started = time.monotonic()
        (queued,) = backend.complete(GenerationRequest(PROMPT), cancel)
        assert queued.finish_reason == "cancelled" and time.monotonic() - started < 0.5
    finally:
        release.set()
        handle.remove()
        first.join()


def test_concurrent_requests_are_served_one_at_a_time(backend):
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(_greedy(backend, max_new_tokens=4))) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3 and len({r[0].text for r in results}) == 1


# --------------------------------------------------------------------------------------------
# Fill in the middle


@pytest.mark.parametrize("family", ["starcoder", "qwen"])
def test_fim_prompt_is_built_from_the_tokenizers_tokens(model_dirs, family):
    fim_backend = HFBackend(str(model_dirs[family]))
    assert fim_backend.supports_fim and fim_backend.fim.family == family
    seen = {}
    generate = fim_backend.model.generate

    def spy(input_ids, **kwargs):
        seen["ids"], seen["eos"] = input_ids[0].tolist(), kwargs["eos_token_id"]
        return generate(input_ids, **kwargs)

    fim_backend.model.generate = spy
    (completion,) = fim_backend.complete(
        GenerationRequest("x = compute(", suffix=")\nprint(x)\n", max_new_tokens=3)
    )
    tok = fim_backend.tokenizer
    fim = fim_backend.fim
    p, s, m = tok.convert_tokens_to_ids([fim.prefix, fim.suffix, fim.middle])
    ids = seen["ids"]
    assert ids.index(p) < ids.index(s) < ids.index(m) == len(ids) - 1
    assert completion.extra["fim"] is True
    pad = tok.convert_tokens_to_ids("<fim_pad>" if family == "starcoder" else "<|fim_pad|>")
    assert pad in seen["eos"]  # the end-of-middle tokens end generation

    # without a suffix, plain left-to-right
    (plain,) = fim_backend.complete(GenerationRequest("x = compute(", max_new_tokens=2))
    assert plain.extra["fim"] is False
    assert p not in seen["ids"]
