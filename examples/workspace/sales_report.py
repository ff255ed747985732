"""Sales per country and per month, printed for the Monday meeting."""

import honeycomb as hc
from cleaning import load_orders
from honeycomb.stats import percentile

COUNTRIES = hc.Table.from_columns(
    {
        "country": ["NO", "SE", "DK", "FI"],
        "country_name": ["Norway", "Sweden", "Denmark", "Finland"],
    }
)


def revenue_by_country(orders: hc.Table) -> hc.Table:
    """Revenue, order count and distinct customers per country, best first."""
    per_country = orders.rollup(
        "country",
        revenue=("amount", "sum"),
        orders=("order_id", "count"),
        customers=("customer", "distinct"),
    )
    return per_country.stitch(COUNTRIES, on="country", how="left").arrange("revenue", descending=True)


def monthly_revenue(orders: hc.Table) -> hc.Table:
    """Revenue per calendar month, oldest first."""
    with_month = orders.derive("month", lambda r: hc.bucket_of(r["ordered_on"], "month"))
    return with_month.rollup("month", revenue=("amount", "sum")).arrange("month")


def order_size_summary(orders: hc.Table) -> dict[str, float]:
    """Typical and large order sizes, ignoring orders that have not shipped."""
    amounts = [amount for amount in orders.column("amount") if amount > 0]
    return {
        "mean": round(hc.mean(amounts), 2),
        "median": round(hc.median(amounts), 2),
        "p90": round(percentile(amounts, 90), 2),
    }


def main() -> None:
    orders = load_orders()
    print("Revenue by country")
    print(revenue_by_country(orders).render())
    print("\nRevenue by month")
    print(monthly_revenue(orders).render())
    print("\nOrder size (EUR):", order_size_summary(orders))
    print("Most ordered products:", orders.tally("product").first(3).column("product"))


if __name__ == "__main__":
    main()
