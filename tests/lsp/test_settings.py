"""The typed settings tree: camelCase keys, layered sources, invalid values fall back with a warning."""

from __future__ import annotations

from apiary.settings import Settings, changed, layered, parse_overrides, read_config_file, to_wire


def test_camel_case_keys_map_to_typed_fields():
    values, warnings = parse_overrides({"topApis": 3, "maxLatencyMs": 250, "libraries": ["/src/lib"],
                                        "inlineCompletion": False, "generator": "cert"}, "init")
    assert warnings == []
    assert values == {"top_apis": 3, "max_latency_ms": 250, "libraries": ("/src/lib",),
                      "inline_completion": False, "generator": "cert"}


def test_invalid_values_fall_back_to_the_weaker_source_with_a_warning():
    settings, warnings = layered([("config.toml", {"topApis": 4, "device": "cpu"}),
                                  ("init", {"topApis": "five", "device": "tpu", "colour": "blue", "autoDiscover": 1})])
    assert settings.top_apis == 4 and settings.device == "cpu" and settings.auto_discover is True
    assert len(warnings) == 4
    assert any("'topApis' = 'five' is invalid" in w for w in warnings)
    assert any("unknown setting 'colour'" in w for w in warnings)


def test_sources_layer_toml_then_workspace_then_initialization_options():
    settings, _ = layered([("toml", {"model": "a", "endpoint": "http://x"}), ("workspace", {"model": "b"}),
                           ("init", {"endpoint": None})])
    assert settings.model == "b" and settings.endpoint is None


def test_not_an_object_is_ignored():
    settings, warnings = layered([("init", ["libraries"])])
    assert settings == Settings() and "must be an object" in warnings[0]


def test_toml_file_flat_or_table_and_broken(tmp_path):
    flat = tmp_path / "flat.toml"
    flat.write_text('topApis = 3\nlibraries = ["/a"]\n')
    assert read_config_file(flat) == ({"topApis": 3, "libraries": ["/a"]}, [])
    table = tmp_path / "table.toml"
    table.write_text('[apiary]\ngenerator = "apicoder"\n')
    assert read_config_file(table)[0] == {"generator": "apicoder"}
    broken = tmp_path / "broken.toml"
    broken.write_text("topApis = = 3")
    values, problems = read_config_file(broken)
    assert values == {} and "cannot read settings" in problems[0]
    assert read_config_file(tmp_path / "absent.toml") == ({}, [])


def test_changed_names_what_differs_and_wire_form_is_camel_case():
    old = Settings()
    new = Settings(encoder="/enc", top_apis=5)
    assert changed(old, new) == {"encoder", "top_apis"}
    wire = to_wire(new)
    assert wire["topApis"] == 5 and wire["libraries"] == [] and "maxLatencyMs" in wire


def test_api_reranker_parses_from_camel_case_and_a_number_falls_back_with_a_warning():
    values, warnings = parse_overrides({"apiReranker": "/models/api-reranker"}, "init")
    assert (values, warnings) == ({"api_reranker": "/models/api-reranker"}, [])
    settings, warnings = layered([("config.toml", {"apiReranker": "/models/a"}), ("init", {"apiReranker": 3})])
    assert settings.api_reranker == "/models/a"
    assert warnings == ["init: 'apiReranker' = 3 is invalid (expected a string or null); using the default"]
    assert layered([("init", {"apiReranker": " "})])[0].api_reranker is None
    assert Settings().api_reranker is None and to_wire(Settings())["apiReranker"] is None
