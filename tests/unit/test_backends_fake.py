"""FakeBackend: the scripted backend other parts' tests use."""

from __future__ import annotations

import threading
import time

import pytest

from apiary.generation.backends.base import Backend, BackendError, Completion, GenerationRequest
from apiary.generation.backends.fake import FakeBackend


def test_answers_from_the_script_repeated_to_n():
    fake = FakeBackend(["a", "b"])
    assert [c.text for c in fake.complete(GenerationRequest("p", n=3))] == ["a", "b", "a"]
    assert fake.requests == [GenerationRequest("p", n=3)]


def test_answers_from_a_function_of_the_request():
    fake = FakeBackend(lambda request: [request.prompt.upper()])
    assert fake.complete(GenerationRequest("abc"))[0].text == "ABC"


def test_completions_in_the_script_keep_their_logprob():
    fake = FakeBackend([Completion("x = 1", mean_logprob=-0.25)])
    (completion,) = fake.complete(GenerationRequest("p"))
    assert completion.mean_logprob == -0.25 and completion.finish_reason == "stop"


def test_applies_stops_and_scope_like_a_real_backend():
    fake = FakeBackend(["foo(1)\nprint(2)\n"])
    assert fake.complete(GenerationRequest("x = ", stop=("\nprint",)))[0].text == "foo(1)"
    assert fake.complete(GenerationRequest("x = ", scope="line"))[0].text == "foo(1)"
    assert fake.complete(GenerationRequest("x = "))[0].text == "foo(1)\nprint(2)\n"


def test_fails_when_told():
    fake = FakeBackend(fail_with=BackendError("no model"))
    with pytest.raises(BackendError, match="no model"):
        fake.complete(GenerationRequest("p"))
    assert len(fake.requests) == 1


def test_cancel_during_the_delay():
    fake = FakeBackend(["slow"], delay_s=5)
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    started = time.monotonic()
    result = fake.complete(GenerationRequest("p", n=2), cancel)
    assert [c.finish_reason for c in result] == ["cancelled", "cancelled"]
    assert time.monotonic() - started < 1


def test_is_a_backend():
    fake: Backend = FakeBackend(supports_fim=True, context_window=100)
    assert fake.supports_fim and fake.context_window == 100 and fake.id == "fake"
    assert fake.count_tokens("x = foo(1)") == 8
