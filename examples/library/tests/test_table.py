import pytest

import honeycomb as hc
from honeycomb import Lookup, Table

ORDERS = [
    {"id": 1, "customer": "ada", "country": "NO", "amount": 120.0},
    {"id": 2, "customer": "bo", "country": "SE", "amount": 40.0},
    {"id": 3, "customer": "ada", "country": "NO", "amount": None},
    {"id": 4, "customer": "cy", "country": "DK", "amount": 300.0},
]


@pytest.fixture
def orders():
    return Table(ORDERS)


def test_keep_where_with_predicate_and_equals(orders):
    big = orders.keep_where(lambda r: (r["amount"] or 0) > 100)
    assert big.column("id") == [1, 4]
    assert orders.keep_where(country="NO").row_count == 2


def test_methods_return_new_tables(orders):
    orders.drop_where(country="SE")
    assert orders.row_count == 4


def test_pick_and_relabel(orders):
    slim = orders.pick("id", "amount").relabel({"amount": "total_eur"})
    assert slim.columns == ["id", "total_eur"]
    with pytest.raises(KeyError):
        orders.pick("nope")


def test_arrange_puts_missing_last(orders):
    assert orders.arrange("amount", descending=True).column("id") == [4, 1, 2, 3]
    assert orders.arrange("customer", "id").column("id") == [1, 3, 2, 4]


def test_tally_counts_most_frequent_first(orders):
    assert orders.tally("customer").to_records()[0] == {"customer": "ada", "count": 2}


def test_rollup_sums_per_country(orders):
    per_country = orders.rollup("country", total=("amount", "sum"), orders=("id", "count"))
    assert per_country.index_by("country")["NO"] == {"country": "NO", "total": 120.0, "orders": 2}


def test_stitch_left_keeps_unmatched_rows(orders):
    countries = Table([{"country": "NO", "name": "Norway"}, {"country": "SE", "name": "Sweden"}])
    joined = orders.stitch(countries, on="country", how="left")
    assert joined.column("name") == ["Norway", "Sweden", "Norway", None]


def test_dedupe_fill_gaps_and_derive(orders):
    cleaned = orders.dedupe("customer").fill_gaps(amount=0.0).derive("vat", lambda r: r["amount"] * 0.25)
    assert cleaned.column("vat") == [30.0, 10.0, 75.0]


def test_recast_first_last_and_stack(orders):
    upper = orders.recast("customer", str.upper)
    assert upper.first(1).column("customer") == ["ADA"]
    assert upper.last(1).column("customer") == ["CY"]
    assert len(upper.stack(upper)) == 8


def test_from_columns_and_render():
    t = Table.from_columns({"sku": ["A", "B"], "qty": [1, None]})
    assert t.render().splitlines()[0] == "sku | qty"
    with pytest.raises(ValueError):
        Table.from_columns({"a": [1], "b": [1, 2]})


def test_lookup_by_key(orders):
    by_customer = Lookup(orders, "customer")
    assert [r["id"] for r in by_customer.matches("ada")] == [1, 3]
    assert by_customer.one("zed") is None
    assert hc.Lookup(orders, ["customer", "country"]).keys()[0] == ("ada", "NO")
