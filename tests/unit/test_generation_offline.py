"""The offline default: sketches mined from the library's own usage, filled from the context."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.unit.generation_fixtures import example_index, package_index

from apiary.docs.entry import Param
from apiary.generation.offline.constants import (
    bind_to_parameters,
    comment_constants,
    data_key_constants,
    takes_number,
)
from apiary.generation.offline.corpus import CorpusStore
from apiary.generation.offline.generator import OfflineGenerator
from apiary.generation.offline.usage import UsageCorpus, mine
from apiary.generation.types import CodeContext, GenerationSettings


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return example_index(tmp_path_factory.mktemp("cache"))


def generate(index, prefix: str, apis: list[str], corpus: UsageCorpus | None = None, n: int = 3):
    corpus = corpus or UsageCorpus.from_catalogue(index.catalogue)
    generator = OfflineGenerator(lambda: [index], lambda _: corpus)
    return generator.generate(CodeContext(prefix), [index.catalogue.find(a) for a in apis], n, GenerationSettings())


def test_constants_in_the_comment_numbers_words_percentages_and_strings():
    found = [(c.value, c.kind) for c in comment_constants("repeat it six times, then 2.5 and 'abc' or \"x y\" for 95%")]
    assert found == [(6, "number"), (2.5, "number"), ("abc", "string"), ("x y", "string"), (0.95, "number")]


def test_an_apostrophe_in_a_word_quotes_nothing():
    assert comment_constants("what's wrong with the form, field by field (don't raise)") == []
    found = [(c.value, c.kind) for c in comment_constants("the user's 'name' field, don't touch 'id'")]
    assert found == [("name", "string"), ("id", "string")]


@pytest.mark.parametrize(("comment", "parameters", "expected"), [
    ("trial ends 3 months after signup", ["months", "hours"], {"months": 3}),  # the number before the word
    ("wait 10 seconds, then retry 3 times", ["seconds", "retries"], {"seconds": 10, "retries": 3}),
    ("ten retries, with a timeout of 5", ["retries", "timeout"], {"retries": 10, "timeout": 5}),
    ("a batch size of 3", ["batch_size"], {"batch_size": 3}),  # or the first one after it
])
def test_a_number_binds_to_the_parameter_the_comment_writes_it_with(comment, parameters, expected):
    bound = bind_to_parameters(comment, [Param(p) for p in parameters], comment_constants(comment), max_distance=40)
    assert {name: constant.value for name, constant in bound.items()} == expected


def test_a_quoted_string_binds_to_the_parameter_mentioned_before_it():
    params = [Param("accept_encoding", annotation="bool | str | None", default="None"),
              Param("user_agent", annotation="str | None", default="None"), Param("retries", annotation="int")]
    comment = 'headers with a user agent "deploybot/1.0", retries 3'
    bound = bind_to_parameters(comment, params, comment_constants(comment), max_distance=40)
    assert {name: c.value for name, c in bound.items()} == {"user_agent": "deploybot/1.0", "retries": 3}
    # a field of the user's data the comment names is no quoted string: it binds to nothing
    comment = "orders bucketed by status"
    keys = data_key_constants(comment, ["status"])
    assert bind_to_parameters(comment, [Param("orders")], keys, max_distance=40) == {}


def test_only_a_parameter_that_can_be_a_number_takes_one():
    assert [takes_number(p) for p in (
        Param("url", annotation="str"), Param("size", annotation="int | None"), Param("n"),
        Param("sep", default="','"), Param("strict", default="False"), Param("limit", default="10"),
    )] == [False, True, True, False, False, True]


def test_usage_is_mined_from_the_docs_examples(index):
    corpus = UsageCorpus.from_catalogue(index.catalogue)
    examples = corpus.for_api("honeycomb.Table.keep_where")
    assert examples and all("keep_where" in u.call for u in examples)


def test_fills_the_variable_in_scope_and_the_comments_number(index):
    prefix = (
        "from honeycomb.stats import percentile\nresponse_ms = [120, 95, 310]\n"
        "# the time that 95% of requests stay under\np95 ="
    )
    best = generate(index, prefix, ["honeycomb.stats.percentile"])[0]
    assert best.text == " percentile(response_ms, 0.95)"
    assert best.apis == ("honeycomb.stats.percentile",) and best.generator == "offline"


def test_a_number_written_as_a_word(index):
    prefix = "from honeycomb import Batcher\nids = list(range(1, 8))\n# chop the ids into threes\ncalls ="
    assert generate(index, prefix, ["honeycomb.Batcher"])[0].text == " Batcher(ids, 3)"


def test_a_method_is_called_on_the_value_of_its_class(index):
    prefix = "import honeycomb as hc\norders = hc.read_delimited('orders.csv')\n# sort them\nt ="
    texts = [c.text for c in generate(index, prefix, ["honeycomb.Table.arrange"])]
    assert texts and all(t.startswith(" orders.arrange(") for t in texts)


def test_the_import_alias_of_the_context_is_used(index):
    prefix = "import honeycomb as hc\ntitle = 'Quarterly Revenue'\n# a file name from the title\nstem ="
    assert generate(index, prefix, ["honeycomb.slug"])[0].text == " hc.slug(title)"


def test_signature_template_with_tab_stops_is_the_last_resort(index):
    empty = UsageCorpus([])
    best = generate(index, "import honeycomb as hc\n# read the orders\norders =", ["honeycomb.read_delimited"], empty)[
        0
    ]
    assert best.text.startswith(" hc.read_delimited(")
    assert best.snippet is not None and "${1:" in best.snippet


def test_workspace_code_is_a_source_of_usage(index, tmp_path):
    script = tmp_path / "job.py"
    script.write_text(
        "import honeycomb as hc\nrows = hc.read_delimited('x.csv')\nby_day = rows.rollup('day', total='sum')\n"
    )
    usages = mine(script.read_text(), index.catalogue, str(script))
    assert any("rollup" in u.call and u.origin == f"{script}:3" for u in usages)
    store = CorpusStore(lambda: [script])
    assert any("rollup('day'" in u.call for u in store.for_index(index).for_api("honeycomb.Table.rollup"))


def test_requests_arriving_together_mine_the_corpus_once(index, monkeypatch):
    import threading
    import time

    built = []
    real = UsageCorpus.from_catalogue

    def slow_from_catalogue(*args, **kwargs):
        built.append(1)
        time.sleep(0.2)
        return real(*args, **kwargs)

    monkeypatch.setattr(UsageCorpus, "from_catalogue", staticmethod(slow_from_catalogue))
    store = CorpusStore()
    corpora = []
    threads = [threading.Thread(target=lambda: corpora.append(store.for_index(index))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and len(corpora) == 3 and all(c is corpora[0] for c in corpora)


def test_a_request_takes_the_last_builds_examples_until_the_new_builds_are_mined(index, monkeypatch):
    """After a saved edit, a request does not mine the rebuilt index's examples (0.28 s at 36,000
    APIs) or wait for them: it takes the last build's, until the server has mined the new ones."""
    mined = []
    real = UsageCorpus.from_catalogue

    def counted(*args, **kwargs):
        mined.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(UsageCorpus, "from_catalogue", staticmethod(counted))
    store = CorpusStore()
    first = store.for_index(index)
    rebuilt = _Rebuilt(index, content_hash="edited")
    assert store.for_index(rebuilt) is first and len(mined) == 1
    second = store.for_index(rebuilt, anew=True)  # the server, after the build
    assert second is not first and len(mined) == 2
    assert store.for_index(rebuilt) is second and store.for_index(index) is second  # the last build's are gone
    other_library = _Rebuilt(index, identity="another")
    assert store.for_index(other_library) is not second and len(mined) == 3


class _Rebuilt:
    """``index`` as another build of its library (or another library): what the corpus reads of it."""

    def __init__(self, index, **info) -> None:
        self._index, self.info = index, replace(index.info, **info)

    def __getattr__(self, name: str):
        return getattr(self._index, name)


def test_no_apis_no_candidates(index):
    assert generate(index, "x =", []) == []


def test_code_that_does_not_parse_still_gets_a_candidate(index):
    prefix = "import honeycomb as hc\ndef broken(:\n    pass\ntitle = 'A b'\n# slug of the title\ns ="
    assert generate(index, prefix, ["honeycomb.slug"])[0].text.startswith(" hc.slug(")


def test_an_examples_condition_takes_the_comments_number_and_mentioned_field(index):
    prefix = ("import honeycomb as hc\norders = hc.read_delimited('orders.csv')\n"
              "orders = orders.derive('amount', lambda r: r['qty'] * r['price'])\n"
              "# keep the orders whose qty is above 100\nbig =")
    best = generate(index, prefix, ["honeycomb.Table.keep_where"])[0]
    assert best.text.startswith(" orders.keep_where(lambda r: r['qty'] > 100")


def test_computed_fields_are_read_in_file_order():
    from apiary.generation.offline.fillers import computed_keys

    code = 'row["total"] = 3\nok = r["a"] == 2\nt = t.derive("amount", lambda r: r["qty"] * 2)\nt.assign("z", fn)\n'
    assert computed_keys(code) == ("total", "amount", "z")
    assert computed_keys('print(d["a"])\nt.dedupe("order_id")\n') == ()


def test_an_examples_value_kept_for_want_of_a_better_one_is_a_tab_stop(index):
    best = generate(index, "import honeycomb as hc\n# how long is it\nd =", ["honeycomb.parse_duration"])[0]
    assert best.text == " hc.parse_duration('1h30m')" and best.snippet == " hc.parse_duration(${1:'1h30m'})"
    filled = generate(
        index, "import honeycomb as hc\ntitle = 'Q3'\n# a file name from the title\nstem =", ["honeycomb.slug"]
    )[0]
    assert filled.text == " hc.slug(title)" and filled.snippet is None


def test_tab_stops_escape_snippet_syntax():
    import ast

    from apiary.generation.offline.adapt import with_tab_stops

    call = ast.parse("f('${x}', 'a}', n=2)", mode="eval").body
    kept = [call.args[0], call.keywords[0].value]
    assert with_tab_stops(call, kept) == "f(${1:'\\${x\\}'}, 'a\\}', n=${2:2})"
    assert ast.unparse(call) == "f('${x}', 'a}', n=2)"  # the expression is left as it was


def test_examples_mined_with_shared_lookups_give_what_each_gives_alone(index):
    from apiary.generation.offline.usage import CatalogueLookups

    examples = [
        "import honeycomb as hc\nt = hc.read_delimited('a.csv')\nkept = t.keep_where(lambda r: r)\n",
        "from elsewhere import read_delimited\nt = read_delimited('a.csv')\n",  # not the library's
        "from honeycomb import read_delimited\n# read them\nt = read_delimited('a.csv')\nt.keep_where(f)\n",
    ]
    alone = [mine(code, index.catalogue, f"doc:{i}") for i, code in enumerate(examples)]
    callees = CatalogueLookups(index.catalogue)
    shared = [mine(code, index.catalogue, f"doc:{i}", callees) for i, code in enumerate(examples)]
    assert shared == alone
    assert [[u.apis[-1] for u in usages] for usages in shared] == [
        ["honeycomb.read_delimited", "honeycomb.Table.keep_where"],
        [],
        ["honeycomb.read_delimited", "honeycomb.Table.keep_where"],
    ]
    assert shared[2][0].comment == "read them" and shared[0][0].comment == ""


def test_on_an_empty_line_a_call_that_returns_nothing_is_not_assigned(tmp_path):
    notify = package_index(tmp_path, "notify", (
        'def send(message: str) -> None:\n    """Send a message to the team channel."""\n\n\n'
        'def render(message: str) -> str:\n    """Render a message as HTML."""\n'))
    prefix = "import notify\ntext = 'deploy done'\n# tell the team\n"
    texts = [c.text for c in generate(notify, prefix, ["notify.send", "notify.render"], UsageCorpus([]))]
    assert texts == ["notify.send(text)", "result = notify.render(text)"]


def test_a_variable_named_like_a_parameter_fills_it_even_an_optional_one(tmp_path):
    notify = package_index(tmp_path, "notify", (
        'def send(message: str, channel: str = "general") -> None:\n    """Send a message to a channel."""\n'))
    prefix = "import notify\ntext = 'deploy done'\nchannel = 'ops'\n# tell the team\n"
    assert [c.text for c in generate(notify, prefix, ["notify.send"], UsageCorpus([]))] == [
        "notify.send(text, channel=channel)"]


def test_a_positional_only_parameter_is_given_by_position_or_not_at_all(tmp_path):
    units = package_index(tmp_path, "units", (
        'def scale(value: float, factor: float = 2.0, /) -> float:\n    """Scale a value."""\n\n\n'
        'def shift(value: float, by: float = 0.0, factor: float = 1.0, /) -> float:\n    """Shift a value."""\n'))
    prefix = "import units\nvalue = 4.0\nfactor = 3.0\n# scale it\ny ="
    texts = [c.text for c in generate(units, prefix, ["units.scale"], UsageCorpus([]))]
    assert texts == [" units.scale(value, factor)"]
    # ``by`` left out: ``factor`` cannot be given past it, by position or by name
    assert [c.text for c in generate(units, prefix, ["units.shift"], UsageCorpus([]))] == [" units.shift(value)"]


SCHEMAS = (
    "from typing import Any, Mapping\n\n\n"
    "class Mapping:\n    \"\"\"A field holding a mapping.\"\"\"\n\n\n"
    "class Schema:\n    \"\"\"Checks data against declared fields.\"\"\"\n\n"
    "    def __init__(self, strict: bool = False):\n        self.strict = strict\n\n"
    "    def load(self, data: Mapping[str, Any]) -> dict:\n        \"\"\"Validate and deserialize data.\"\"\"\n\n\n"
    "class Connection:\n    \"\"\"A database connection.\"\"\"\n\n"
    "    def __init__(self, url: str):\n        self.url = url\n\n"
    "    def tables(self) -> list:\n        \"\"\"The tables of the database.\"\"\"\n")


def test_a_method_with_no_object_in_scope_is_called_on_one_made_for_it(tmp_path):
    """The file's own subclass of the method's class first, else the class itself, when either is
    made without arguments; a ``Mapping[str, Any]`` parameter takes the user's dict (typing's
    Mapping, not the library's class of that name)."""
    schemas = package_index(tmp_path, "schemas", SCHEMAS)
    mine = "from schemas import Schema\n\nclass UserSchema(Schema):\n    pass\n\npayload = {'a': 1}\n# check it\nuser ="
    assert [c.text for c in generate(schemas, mine, ["schemas.Schema.load"], UsageCorpus([]))] == [
        " UserSchema().load(payload)"]
    plain = "import schemas\npayload = {'a': 1}\n# check it\nuser ="
    assert [c.text for c in generate(schemas, plain, ["schemas.Schema.load"], UsageCorpus([]))] == [
        " schemas.Schema().load(payload)"]
    # a connection needs its url: no object is guessed
    assert generate(schemas, "import schemas\n# list the tables\nnames =", ["schemas.Connection.tables"],
                    UsageCorpus([])) == []


def test_a_classmethod_or_staticmethod_is_called_on_its_class(tmp_path):
    tables = package_index(tmp_path, "tables", (
        "class Table:\n    \"\"\"Rows and columns.\"\"\"\n\n"
        "    def __init__(self, rows: list):\n        self.rows = rows\n\n"
        "    @classmethod\n    def from_csv(cls, text: str) -> 'Table':\n"
        "        \"\"\"Read a table from CSV text.\"\"\"\n\n"
        "    @staticmethod\n    def is_valid(text: str) -> bool:\n        \"\"\"Whether the text is CSV.\"\"\"\n\n"
        "    def limit(self, n: int) -> 'Table':\n        \"\"\"The first n rows.\"\"\"\n"))
    on_class = {e.name: e.on_class for e in tables.entries if e.owner}
    assert on_class == {"from_csv": True, "is_valid": True, "limit": False}
    prefix = "from tables import Table\ncsv_text = 'a,b'\n# read it\nt ="
    assert [c.text for c in generate(tables, prefix, ["tables.Table.from_csv"], UsageCorpus([]))] == [
        " Table.from_csv(csv_text)"]
    # on the file's own subclass, the one the comment names
    prefix = ("from tables import Table\nclass Sales(Table):\n    pass\nclass Costs(Table):\n    pass\n"
              "csv_text = 'a,b'\n# the sales from it\nt =")
    assert [c.text for c in generate(tables, prefix, ["tables.Table.from_csv"], UsageCorpus([]))] == [
        " Sales.from_csv(csv_text)"]
    prefix = "import tables\nline = 'a,b'\n# is it any good?\nok ="
    assert [c.text for c in generate(tables, prefix, ["tables.Table.is_valid"], UsageCorpus([]))] == [
        " tables.Table.is_valid(line)"]
