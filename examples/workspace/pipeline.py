"""Nightly job: send the day's orders to the warehouse system, a few per request."""

from cleaning import load_orders
from honeycomb import Lookup, Table
from honeycomb.io import write_jsonl
from honeycomb.stream import Stream
from honeycomb.timeutil import bucket_of, format_duration

# The warehouse API rejects requests with more than four lines.
BATCH_SIZE = 4

ACCOUNTS = Table(
    [
        {"customer": "Fjord Foods AS", "account": "C-0117"},
        {"customer": "Nordlys Café", "account": "C-0342"},
        {"customer": "Baltic Bakers", "account": "C-0409"},
        {"customer": "Kastrup Kitchen", "account": "C-0415"},
        {"customer": "Helsinki Hotel Group", "account": "C-0502"},
    ]
)


def warehouse_lines(orders: Table) -> Stream:
    """The orders the warehouse must pick, in its own field names."""
    accounts = Lookup(ACCOUNTS, "customer")
    return (
        Stream(orders)
        .where(lambda r: r["qty"] > 0)
        .apply(
            lambda r: {
                "ref": r["order_id"],
                "account": accounts.one(r["customer"], default={}).get("account"),
                "sku": r["product_code"],
                "qty": r["qty"],
                "week": bucket_of(r["ordered_on"], "week"),
            }
        )
    )


def request_bodies(orders: Table) -> list[str]:
    """One JSON Lines body per request."""
    return [write_jsonl(Table(chunk)) for chunk in warehouse_lines(orders).batch(BATCH_SIZE)]


def delivery_trend(orders: Table) -> list[str]:
    """Average delivery time over each three consecutive orders, to spot a slowing carrier."""
    hours = Stream(orders).apply(lambda r: r["delivery_hours"]).where(lambda h: h is not None)
    return [format_duration(sum(w) / len(w) * 3600) for w in hours.window(3)]


def main() -> None:
    orders = load_orders()
    for number, body in enumerate(request_bodies(orders), start=1):
        print(f"request {number}: {body.count(chr(10))} lines")
    print("delivery trend:", ", ".join(delivery_trend(orders)))


if __name__ == "__main__":
    main()
