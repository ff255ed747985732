"""Switches a comment asks for in everyday words."""

from __future__ import annotations

import pytest

from apiary.docs.entry import Param
from apiary.generation.offline.flags import stated_flags


def flag(name: str, default: str = "False", annotation: str | None = None) -> Param:
    return Param(name, kind="keyword_only", default=default, annotation=annotation)


@pytest.mark.parametrize("comment, params, expected", [
    ("one json line, keys sorted", [flag("sort_keys"), flag("ensure_ascii", "True")], {"sort_keys": True}),
    ("whatever html people type must be escaped", [flag("autoescape")], {"autoescape": True}),
    ("floats must come back as Decimal", [flag("use_decimal")], {"use_decimal": True}),
    ("make it bold red", [flag("bold", "None", "bool | None")], {"bold": True}),
    ("read it without the header", [flag("header", "True"), flag("strict")], {"header": False}),
    ("a header row please", [flag("header", "True")], {}),  # already on
    ("newest release first", [flag("reverse")], {"reverse": True}),
    ("scores from high to low", [flag("descending")], {"descending": True}),
    ("sort by name", [flag("reverse")], {}),
    ("NaN is not allowed", [flag("allow_nan"), flag("ignore_nan")], {}),  # two switches, same words
    ("sum the amounts", [flag("strict"), Param("amount")], {}),  # not a flag
])
def test_a_flag_the_comment_says(comment, params, expected):
    assert stated_flags(comment, params, set()) == expected


def test_flags_already_passed_or_named_by_the_api_itself_are_left_alone():
    assert stated_flags("keys sorted", [flag("sort_keys")], {"sort_keys"}) == {}
    assert stated_flags("json for the browser", [flag("for_json")], set(), "simplejson.dumps") == {}
    assert stated_flags("json for the browser", [flag("for_json")], set()) == {"for_json": True}
