"""Large orders of the quarter, for the finance team's credit check."""

from pathlib import Path

import honeycomb as hc

DATA = Path(__file__).parent / "data" / "orders.csv"

orders = hc.read_delimited(DATA).dedupe("order_id").fill_gaps(qty=0)
orders = orders.derive("amount", lambda r: r["qty"] * r["unit_price"])
# keep only the orders above 100 euros
