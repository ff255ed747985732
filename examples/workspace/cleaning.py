"""Turn the raw order export from the shop system into a table the reports can trust."""

from pathlib import Path

from honeycomb import Table, read_delimited
from honeycomb.text import slug, squash_spaces
from honeycomb.timeutil import parse_duration

DATA_DIR = Path(__file__).parent / "data"
ORDERS_CSV = DATA_DIR / "orders.csv"


def load_orders(path: Path = ORDERS_CSV) -> Table:
    """Read the export and clean it; see `clean_orders`."""
    return clean_orders(read_delimited(path))


def clean_orders(raw: Table) -> Table:
    """Drop re-sent orders, tidy names, and add the amount and delivery columns."""
    # The shop re-sends an order when the warehouse does not acknowledge it in time.
    orders = raw.dedupe("order_id")
    # Customer names are typed by hand at the counter.
    orders = orders.recast("customer", squash_spaces)
    # No quantity yet means nothing has shipped: count it as zero.
    orders = orders.fill_gaps(qty=0, note="")
    orders = orders.derive("amount", lambda r: round(r["qty"] * r["unit_price"], 2))
    orders = orders.derive("product_code", lambda r: slug(r["product"]))
    return orders.derive("delivery_hours", lambda r: _hours(r["delivery_time"]))


def _hours(duration: str | None) -> float | None:
    return None if duration is None else parse_duration(duration) / 3600


if __name__ == "__main__":
    print(
        load_orders()
        .pick("order_id", "customer", "product_code", "amount", "delivery_hours")
        .render(limit=20)
    )
