"""An `encoder` setting that names no model (issue "Security and robustness", item 14): a file,
`/etc`, `/dev/zero`, the file system's root. The server says so and becomes ready with the
bundled encoder, never walking what it was pointed at."""

from __future__ import annotations

import time

import pytest
from tests.e2e.lsp_helpers import LIBRARY, frame, request

from apiary.retrieval.encoder import EncoderError, deferred_encoder


@pytest.mark.parametrize("spec", ["/etc", "/", "/dev/zero", __file__])
def test_a_path_that_is_no_model_is_refused_at_once(spec):
    with pytest.raises(EncoderError):
        deferred_encoder(spec)


@pytest.mark.parametrize("spec", ["/etc", "/dev/zero"])
def test_the_server_reports_the_setting_and_becomes_ready(raw, spec):
    options = {"libraries": [str(LIBRARY)], "encoder": spec}
    raw.send(
        request(
            1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": options}
        )
    )
    raw.response(1)
    raw.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    for ident in range(2, 600):  # the bundled encoder loads in seconds
        raw.send(request(ident, "workspace/executeCommand", {"command": "apiary.status"}))
        status = raw.response(ident)["result"]
        if status["ready"]:
            break
        time.sleep(0.1)
    assert status["ready"] and status["encoder"]["id"].startswith("all-MiniLM-L6-v2")
    assert any(spec in problem and "bundled encoder" in problem for problem in status["problems"])
