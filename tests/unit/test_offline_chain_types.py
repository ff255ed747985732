"""A chain wraps the previous result only in an API whose first parameter can take it."""

from __future__ import annotations

import pytest

from apiary.docs.entry import ApiEntry, ApiKind, Param
from apiary.generation.offline.generator import accepts


def _taking(annotation: str | None) -> ApiEntry:
    return ApiEntry("Table", "lib.Table", "lib.Table", ApiKind.CLASS, "lib", params=(Param("records", annotation=annotation),))


@pytest.mark.parametrize("annotation, returns, expected", [
    ("Iterable[Mapping[str, Any]]", "str", False),  # a slug is no list of records
    ("int", "str", False),
    ("str | None", "str", True),
    ("Iterable[str]", "str", True),
    ("Sequence[Any]", "str", True),
    ("Any", "int", True),
    ("T", "float", True),
    (None, "str", True),  # unannotated: anything
    ("Iterable[Mapping[str, Any]]", "Table", True),  # not a scalar: not ruled out
    ("Iterable[Mapping[str, Any]]", None, True),  # the previous API's result is unknown
])
def test_a_scalar_is_refused_only_where_the_annotation_rules_it_out(annotation, returns, expected):
    assert accepts(_taking(annotation), returns) is expected
