from pathlib import Path

import pytest

from apiary.docs.apidoc_file import read_apidoc_file
from apiary.docs.entry import ApiKind, Param
from apiary.docs.report import IngestError
from apiary.docs.signatures import parse_signature

FIXTURE = Path(__file__).parent.parent / "fixtures" / "docs" / "apidoc" / "honeycomb.jsonl"


@pytest.fixture(scope="module")
def report():
    return read_apidoc_file(FIXTURE, "honeycomb")


@pytest.fixture(scope="module")
def by_qualname(report):
    return {e.qualname: e for e in report.entries}


# --- signatures (shared with the doc folder readers) ----------------------------------------------


def test_parse_signature_reads_defaults_keyword_only_and_return():
    parsed = parse_signature("(path, sep=',', *, header=True) -> Table")
    assert parsed.params == (
        Param("path"),
        Param("sep", default="','"),
        Param("header", kind="keyword_only", default="True"),
    )
    assert parsed.returns == "Table"
    assert parsed.text == "(path, sep=',', *, header=True) -> Table"


def test_parse_signature_keeps_annotations_and_positional_only_and_drops_self_when_bound():
    parsed = parse_signature(
        "(self, pred: Callable[[Row], bool], /, *rest, limit: int | None = None, **kw)", bound=True
    )
    assert [(p.name, p.kind) for p in parsed.params] == [
        ("pred", "positional_only"),
        ("rest", "var_positional"),
        ("limit", "keyword_only"),
        ("kw", "var_keyword"),
    ]
    assert parsed.params[0].annotation == "Callable[[Row], bool]"
    assert parsed.params[2].default == "None"
    assert parsed.text == "(pred: Callable[[Row], bool], /, *rest, limit: int | None = None, **kw)"


def test_parse_signature_normalizes_sphinx_arrow_whitespace_and_missing_parens():
    assert parse_signature("( path ,\n   sep=')' ) \u2192 list[int]").text == "(path, sep=')') -> list[int]"
    assert parse_signature("path, sep").text == "(path, sep)"
    assert parse_signature("") == ("", (), None)


def test_parse_signature_keeps_unparseable_text_as_written():
    parsed = parse_signature("(values, [skipna]) -> float")
    assert parsed.params == ()
    assert parsed.text == "(values, [skipna]) -> float"
    assert parsed.returns == "float"


# --- the JSON Lines file ---------------------------------------------------------------------------


def test_reads_every_good_line_once(report):
    assert report.files_read == 1
    assert [e.qualname for e in report.entries] == [
        "honeycomb.io.read_table",
        "honeycomb.Table",
        "honeycomb.Table.filter",
        "honeycomb.Table.columns",
        "honeycomb.DEFAULT_SEP",
        "honeycomb.io.concat",
        "honeycomb.Hive.open",
        "honeycomb.stats.median",
    ]


def test_full_entry_from_qualname_signature_and_doc(by_qualname):
    entry = by_qualname["honeycomb.io.read_table"]
    assert entry.name == "read_table"
    assert entry.import_path == "honeycomb.read_table"
    assert entry.kind is ApiKind.FUNCTION
    assert entry.library == "honeycomb"
    assert entry.signature == "(path, sep=',', *, header=True) -> Table"
    assert entry.params[1] == Param("sep", default="','")
    assert entry.params[2].kind == "keyword_only"
    assert entry.returns == "Table"
    assert entry.description == "Read a delimited text file into a Table."
    assert entry.examples == ("read_table('bees.csv', sep=';')",)
    assert entry.source == f"{FIXTURE}:2"


def test_class_like_prefix_makes_a_method_owned_by_the_class(by_qualname):
    method = by_qualname["honeycomb.Table.filter"]
    assert (method.name, method.kind, method.owner) == ("filter", ApiKind.METHOD, "honeycomb.Table")
    assert method.signature == "(predicate, /, limit: int | None = None) -> Table"  # self dropped
    assert method.examples == ("adults = table.filter(lambda row: row['age'] >= 18)",)
    assert by_qualname["honeycomb.Table"].kind is ApiKind.CLASS
    assert by_qualname["honeycomb.Table"].signature == "(rows, *, schema=None)"


def test_declared_kinds_and_owners(by_qualname):
    prop = by_qualname["honeycomb.Table.columns"]
    assert (prop.kind, prop.owner, prop.description) == (
        ApiKind.PROPERTY,
        "honeycomb.Table",
        "The column names, in order.",
    )
    constant = by_qualname["honeycomb.DEFAULT_SEP"]
    assert (constant.kind, constant.owner) == (ApiKind.ATTRIBUTE, None)
    assert constant.description == "Separator used when none is given (e.g. by read_table)."


def test_a_classmethod_or_staticmethod_is_a_method_called_on_its_class(tmp_path):
    path = tmp_path / "api.jsonl"
    path.write_text(
        '{"name": "open", "qualname": "combs.Hive.open", "kind": "classmethod", "signature": "(cls, path)"}\n'
        '{"name": "is_hive", "qualname": "combs.Hive.is_hive", "kind": "staticmethod", "signature": "(path)"}\n'
        '{"name": "close", "qualname": "combs.Hive.close", "kind": "method", "signature": "(self)"}\n')
    entries = read_apidoc_file(path, "combs").entries
    assert [(e.name, e.kind, e.owner, e.on_class, e.signature) for e in entries] == [
        ("open", ApiKind.METHOD, "combs.Hive", True, "(path)"),
        ("is_hive", ApiKind.METHOD, "combs.Hive", True, "(path)"),
        ("close", ApiKind.METHOD, "combs.Hive", False, "()"),
    ]


def test_signature_without_parentheses_and_given_examples_win_over_doc(by_qualname):
    concat = by_qualname["honeycomb.io.concat"]
    assert concat.signature == "(*tables, axis: int = 0)"
    assert concat.params == (Param("tables", "var_positional"), Param("axis", "keyword_only", "int", "0"))
    assert concat.examples == ("both = concat(bees, wasps)", "concat()")
    assert concat.description == "Concatenate tables."


def test_signature_written_into_the_name_is_accepted(by_qualname):
    entry = by_qualname["honeycomb.Hive.open"]
    assert (entry.name, entry.kind, entry.owner) == ("open", ApiKind.METHOD, "honeycomb.Hive")
    assert [p.name for p in entry.params] == ["name", "mode"]


def test_unparseable_signature_is_kept_raw(by_qualname):
    entry = by_qualname["honeycomb.stats.median"]
    assert (entry.signature, entry.params) == ("(values, [skipna])", ())


def test_bad_lines_are_skipped_with_line_and_reason(report):
    reasons = {int(s.location.rsplit(":", 1)[1]): s.reason for s in report.skipped}
    assert all(s.location.startswith(str(FIXTURE)) for s in report.skipped)
    assert sorted(reasons) == list(range(11, 20))
    assert reasons[11].startswith("invalid JSON: Expecting ',' delimiter")
    assert reasons[12] == "not a JSON object but list"
    assert reasons[13] == "missing 'name'"
    assert reasons[14] == "empty 'name'"
    assert reasons[15] == "field 'examples' must be a string or a list of strings"
    assert reasons[16] == "field 'signature' must be a string, not list"
    assert reasons[17].startswith("unknown kind 'procedure'")
    assert reasons[18] == f"duplicate honeycomb.io.read_table (first at {FIXTURE}:2)"
    assert "expected a dotted Python name" in reasons[19]


def test_undecodable_lines_are_skipped_when_others_read(tmp_path):
    path = tmp_path / "api.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"name": "read_table"}\n'
        + '{"name": "caf\u00e9"}\n'.encode("latin-1")
        + '{"name": "sep", "doc": "A\u2028B."}\r\n'.encode()
    )
    report = read_apidoc_file(path, "honeycomb")
    assert [e.name for e in report.entries] == ["read_table", "sep"]
    assert [(s.location, s.reason) for s in report.skipped] == [(f"{path}:2", "not valid UTF-8")]


def test_utf16_file_is_read(tmp_path):
    path = tmp_path / "api.jsonl"
    path.write_bytes('{"name": "read_table", "signature": "(path)"}\n'.encode("utf-16"))
    assert [e.signature for e in read_apidoc_file(path, "honeycomb").entries] == ["(path)"]


def test_file_with_nothing_readable_raises(tmp_path):
    path = tmp_path / "api.jsonl"
    path.write_bytes(bytes(range(128, 256)) + b"\n\xff\xfe\x00")
    with pytest.raises(IngestError, match="is not UTF-8 text"):
        read_apidoc_file(path, "honeycomb")


def test_missing_file_and_directory_raise_clear_errors(tmp_path):
    with pytest.raises(IngestError, match="API doc file not found: .*nope.jsonl"):
        read_apidoc_file(tmp_path / "nope.jsonl", "honeycomb")
    with pytest.raises(IngestError, match="is a directory"):
        read_apidoc_file(tmp_path, "honeycomb")
