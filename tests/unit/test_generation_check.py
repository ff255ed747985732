"""Calls into an indexed library are checked against the index: hallucinated APIs and keywords are
repaired to the nearest real one or the candidate is dropped; calls the index cannot judge pass."""

from __future__ import annotations

import pytest
from tests.unit.generation_fixtures import example_index, package_index

from apiary.context import extract_context_from_prefix
from apiary.generation.check import check_candidate

PREFIX = "import honeycomb as hc\norders = hc.read_delimited('orders.csv')\n# keep the big orders\nbig ="


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return example_index(tmp_path_factory.mktemp("cache"))


def check(index, completion: str, prefix: str = PREFIX):
    return check_candidate(completion, extract_context_from_prefix(prefix), [index.catalogue])


def test_a_correct_call_passes_unchanged_and_names_its_api(index):
    result = check(index, " orders.keep_where(lambda r: r['total'] > 100)")
    assert result.ok and result.text == " orders.keep_where(lambda r: r['total'] > 100)"
    assert result.apis == ["honeycomb.Table.keep_where"] and result.notes == []


def test_a_misspelt_method_is_renamed_to_the_nearest_real_one(index):
    result = check(index, " orders.keep_wher(lambda r: True)")
    assert result.ok and result.text == " orders.keep_where(lambda r: True)"
    assert result.notes == ["renamed keep_wher to keep_where"]


def test_a_method_with_no_near_neighbour_drops_the_candidate(index):
    result = check(index, " orders.launch_rockets()")
    assert not result.ok and "no API 'launch_rockets'" in result.notes[0]


def test_a_module_function_that_does_not_exist(index):
    assert check(index, " hc.slugg('A b')").text == " hc.slug('A b')"
    assert not check(index, " hc.quantum_sort([3, 1])").ok


def test_a_misspelt_keyword_is_renamed_and_an_unknown_one_drops(index):
    result = check(index, " orders.arrange('total', descendng=True)")
    assert result.ok and result.text == " orders.arrange('total', descending=True)"
    assert result.notes == ["renamed keyword descendng= to descending="]
    assert not check(index, " hc.slug('x', colour='red')").ok


def test_too_many_positional_arguments_drop(index):
    prefix = "from honeycomb.text import slug\n# a slug\ns ="
    assert check(index, " slug('a')", prefix).ok
    result = check(index, " slug('a', 'b', 'c', 'd')", prefix)
    assert not result.ok and "positional" in result.notes[0]


def test_calls_the_index_cannot_judge_pass(index):
    # a value of unknown type, a builtin, another library, and broken syntax (left to the syntax check)
    assert check(index, " something.whatever(1)", "import honeycomb as hc\nsomething = load()\nx =").ok
    assert check(index, " len(orders)").ok
    assert check(index, " json.dumps({})", "import json\nx =").ok
    assert check(index, " orders.keep_where(", PREFIX).ok


def test_calls_written_before_the_cursor_are_not_checked(index):
    prefix = "import honeycomb as hc\nx = hc.not_a_real_api(1)\ny ="
    assert check(index, " 2", prefix).ok


def test_repairs_keep_non_ascii_text_intact(index):
    result = check(index, " hc.slugg('Crème brûlée 🍮')")
    assert result.text == " hc.slug('Crème brûlée 🍮')"


def test_a_name_defined_nowhere_drops_the_candidate(index):
    result = check(index, " orders.keep_where(predicate)")
    assert not result.ok and result.notes == ["dropped: 'predicate' defined nowhere"]


def test_a_name_left_to_the_user_as_a_tab_stop_is_no_undefined_name(index):
    context = extract_context_from_prefix(PREFIX)
    result = check_candidate(" orders.keep_where(predicate)", context, [index.catalogue], frozenset({"predicate"}))
    assert (result.ok, result.text, result.notes) == (True, " orders.keep_where(predicate)", [])
    # nor is it "repaired" into the nearest name in scope: the user has yet to write it
    result = check_candidate(" hc.slug(order)", context, [index.catalogue], frozenset({"order"}))
    assert (result.ok, result.text, result.notes) == (True, " hc.slug(order)", [])


def test_a_near_miss_of_a_name_in_scope_is_repaired(index):
    result = check(index, " order.keep_where(lambda r: r['total'] > 100)")
    assert result.ok and result.text == " orders.keep_where(lambda r: r['total'] > 100)"
    assert result.notes == ["renamed order to orders"]


def test_names_the_candidate_or_the_file_defines_are_found(index):
    assert check(index, " [hc.slug(t) for t in orders.column('name')]").ok  # comprehension variable
    assert check(index, " orders.keep_where(lambda row: row['total'] > limit)", "limit = 3\n" + PREFIX).ok
    after = "\n\ndef is_big(row):\n    return row['total'] > 100\n"
    context = extract_context_from_prefix(PREFIX)
    from dataclasses import replace
    assert check_candidate(" orders.keep_where(is_big)", replace(context, text_after=after), [index.catalogue]).ok
    assert check(index, " len(sorted(orders))").ok  # builtins
    assert check(index, " whatever(1)", "from honeycomb import *\nx =").ok  # a star import may define anything


def test_a_value_of_a_builtin_type_is_not_called_and_has_only_its_methods(index):
    prefix = "import honeycomb as hc\ncolumns = ['a', 'b']\nuser = {'email': 'x'}\ntitle = 'A b'\n# keys\nkeys ="
    result = check(index, " hc.slug(columns('IOError'))", prefix)
    assert not result.ok and result.notes == ["dropped: 'columns' is a list, not something to call"]
    assert not check(index, " user('email')", prefix).ok
    result = check(index, " hc.slug(title).pick(title)", prefix)  # slug returns a str
    assert not result.ok and result.notes == ["dropped: a str has no method 'pick'"]
    assert check(index, " title.uper()", prefix).text == " title.upper()"
    assert check(index, " [c.upper() for c in columns]", prefix).ok
    assert check(index, " [columns(title) for columns in [str]]", prefix).ok  # the candidate's own binding shadows


def test_names_on_the_users_part_of_the_line_are_theirs(index):
    prefix = "import honeycomb as hc\n# keep the big ones\nbig = not_yet_defined +"
    assert check(index, " hc.slug('a')", prefix).ok


def test_a_keyword_for_a_positional_only_parameter_drops_the_candidate(tmp_path):
    units = package_index(tmp_path, "units", (
        'def scale(value: float, factor: float = 2.0, /, *, rounded: bool = False) -> float:\n'
        '    """Scale a value."""\n'))
    context = extract_context_from_prefix("import units\nx = 4.0\n# triple it\ny =")
    assert check_candidate(" units.scale(x, 3, rounded=True)", context, [units.catalogue]).ok
    result = check_candidate(" units.scale(x, factor=3)", context, [units.catalogue])  # a TypeError when run
    assert not result.ok and result.notes == ["dropped: scale() takes 'factor' by position only"]
