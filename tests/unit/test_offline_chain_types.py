"""A chain wraps the previous result only in an API whose first parameter the docs say takes it."""

from __future__ import annotations

import pytest

from apiary.docs.entry import ApiEntry, ApiKind, Param
from apiary.generation.offline.generator import accepts


def _taking(annotation: str | None) -> ApiEntry:
    return ApiEntry(
        "Table", "lib.Table", "lib.Table", ApiKind.CLASS, "lib", params=(Param("records", annotation=annotation),)
    )


@pytest.mark.parametrize("annotation, returns, expected", [
    ("Iterable[Mapping[str, Any]]", "str", False),  # a slug is no list of records
    ("int", "str", False),
    ("str | None", "str", True),
    ("Iterable[str]", "str", True),
    ("Sequence[Any]", "str", True),
    ("Any", "int", True),
    ("T", "float", True),
    (None, "str", False),  # unannotated: no evidence
    ("Iterable[Mapping[str, Any]]", "Table", False),  # a class the annotation does not name
    ("Iterable[Mapping[str, Any]]", None, False),  # the previous API's result is unknown
    ("Table", "lib.Table", True),
    ("Optional[Table]", "Table", True),
    ("lib.Table | None", "Table[Any]", True),
    ("Union[str, Table]", "Response", False),
])
def test_a_wrap_needs_both_types_known_and_the_annotation_to_admit_the_value(annotation, returns, expected):
    assert accepts(_taking(annotation), returns) is expected
