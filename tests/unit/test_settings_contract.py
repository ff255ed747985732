"""The server's settings and the VS Code extension's are one contract (issue "The house", item 4): every
server setting is contributed by the extension under its camelCase name, with the server's default, and the
enumerations agree."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from apiary.settings import DEVICES, GENERATORS, Settings

MANIFEST = Path(__file__).resolve().parents[2] / "extension-vscode" / "package.json"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def test_every_server_setting_is_contributed_with_the_servers_default():
    properties = json.loads(MANIFEST.read_text())["contributes"]["configuration"]["properties"]
    server = {f"apiary.{_camel(f.name)}": f.default for f in dataclasses.fields(Settings)}
    contributed = {key: spec.get("default") for key, spec in properties.items() if key != "apiary.trace.server"}
    assert contributed.keys() == server.keys()
    assert {key: contributed[key] for key in server} == {
        key: list(value) if isinstance(value, tuple) else value for key, value in server.items()}
    assert tuple(properties["apiary.generator"]["enum"]) == GENERATORS
    assert tuple(properties["apiary.device"]["enum"]) == DEVICES


def test_what_a_change_reloads_is_declared_beside_each_setting():
    from apiary.settings import Reload, reloading

    assert reloading(Reload.ENCODER) == {"encoder"}
    assert reloading(Reload.MODEL) == {
        "generator",
        "model",
        "endpoint",
        "sketcher",
        "device",
        "reranker",
        "api_reranker",
    }
    assert reloading(Reload.LIBRARIES) == {"libraries", "python", "auto_discover"}
    assert reloading(Reload.NOTHING) == {"top_apis", "max_latency_ms", "inline_completion"}


def test_each_setting_is_read_by_its_own_rule():
    from apiary.settings import parse_overrides

    values, warnings = parse_overrides(
        {"topApis": 99, "device": "tpu", "libraries": "honeycomb", "maxLatencyMs": 800}, "test"
    )
    assert values == {"libraries": ("honeycomb",), "max_latency_ms": 800}
    assert len(warnings) == 2 and all(w.startswith("test: ") for w in warnings)
