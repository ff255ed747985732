"""honeycomb: small in-memory tables of records and the data chores around them.

The main names are available from the package itself::

    import honeycomb as hc

    orders = hc.read_delimited("orders.csv")
    big = orders.keep_where(lambda r: r["amount"] > 100)

Less common helpers are imported from their module: ``honeycomb.stats`` (``percentile``,
``histogram`` ...), ``honeycomb.text`` (``tokens``, ``clip_text`` ...) and ``honeycomb.timeutil``.
"""

from honeycomb import io, stats, text, timeutil
from honeycomb._core import _KeyIndex as Lookup
from honeycomb._core import coerce_cell
from honeycomb.io import (
    parse_delimited,
    parse_jsonl,
    read_delimited,
    read_jsonl,
    write_delimited,
    write_jsonl,
)
from honeycomb.stats import mean, median
from honeycomb.stream import Batcher, Stream, Windower
from honeycomb.table import Table
from honeycomb.text import slug, squash_spaces
from honeycomb.timeutil import bucket_of, parse_day, parse_duration

__version__ = "0.3.1"

__all__ = [
    "Batcher",
    "Lookup",
    "Stream",
    "Table",
    "Windower",
    "bucket_of",
    "coerce_cell",
    "io",
    "mean",
    "median",
    "parse_day",
    "parse_delimited",
    "parse_duration",
    "parse_jsonl",
    "read_delimited",
    "read_jsonl",
    "slug",
    "squash_spaces",
    "stats",
    "text",
    "timeutil",
    "write_delimited",
    "write_jsonl",
]
