import honeycomb as hc
from honeycomb import Table, coerce_cell, read_delimited

CSV = "sku,qty,price,active\nA-1,3,2.50,true\nB-2,,9.90,false\n"


def test_parse_delimited_infers_types():
    t = hc.parse_delimited(CSV)
    assert t.to_records()[0] == {"sku": "A-1", "qty": 3, "price": 2.5, "active": True}
    assert t.column("qty") == [3, None]


def test_parse_delimited_without_types_keeps_text():
    t = hc.parse_delimited("zip;city\n0150;Oslo\n", sep=";", infer_types=False)
    assert t.column("zip") == ["0150"]


def test_delimited_round_trip_through_a_file(tmp_path):
    path = tmp_path / "stock.csv"
    original = hc.parse_delimited(CSV)
    hc.write_delimited(original, path)
    assert read_delimited(path) == original


def test_jsonl_round_trip(tmp_path):
    t = Table([{"id": 1, "tags": ["a"]}, {"id": 2, "tags": []}])
    text = hc.write_jsonl(t, tmp_path / "t.jsonl")
    assert text.count("\n") == 2
    assert hc.read_jsonl(tmp_path / "t.jsonl") == t
    assert hc.parse_jsonl(text).column("id") == [1, 2]


def test_coerce_cell_keeps_leading_zeros():
    assert coerce_cell("007") == "007"
    assert coerce_cell("-12") == -12
    assert coerce_cell("null") is None
