"""The API catalogue's lookups: by import path, qualified name, short name, owner and parent; base
classes; the class an annotation names; what a value of an inferred type offers."""

from __future__ import annotations

import numpy as np
import pytest

from apiary.docs.catalogue import Catalogue
from apiary.docs.entry import ApiEntry, ApiKind
from apiary.docs.types import InferredType, members_of
from apiary.retrieval.index import LibraryIndex, LibraryInfo


def entry(path: str, kind: ApiKind, qualname: str | None = None, owner: str | None = None, bases=()) -> ApiEntry:
    return ApiEntry(path.rsplit(".", 1)[-1], qualname or path, path, kind, "pkg", owner=owner, bases=tuple(bases))


ENTRIES = [
    entry("pkg", ApiKind.MODULE),                                                      # 0
    entry("pkg.Table", ApiKind.CLASS, qualname="pkg.table.Table"),                     # 1
    entry("pkg.Table.keep_where", ApiKind.METHOD, owner="pkg.Table"),                  # 2
    entry("pkg.Frame", ApiKind.CLASS, bases=["pkg.Table", "ext.Mixin"]),               # 3
    entry("pkg.Frame.pivot", ApiKind.METHOD, owner="pkg.Frame"),                       # 4
    entry("pkg.read", ApiKind.FUNCTION, qualname="pkg.io.read"),                       # 5
    entry("pkg.io.read", ApiKind.FUNCTION),                                            # 6
    entry("pkg.Loop", ApiKind.CLASS, bases=["pkg.Loop2"]),                             # 7
    entry("pkg.Loop2", ApiKind.CLASS, bases=["pkg.Loop"]),                             # 8
]


def catalogue() -> Catalogue:
    return Catalogue("pkg", list(ENTRIES))


def test_lookup_tables_hold_positions():
    c = catalogue()
    assert c.by_path["pkg.Frame.pivot"] == 4
    assert c.by_name["read"] == [5, 6]
    assert dict(c.members) == {"pkg.Table": [2], "pkg.Frame": [4]}
    assert dict(c.children) == {"": [0], "pkg": [1, 3, 5, 7, 8], "pkg.Table": [2], "pkg.Frame": [4], "pkg.io": [6]}


def test_find_by_import_path_then_qualified_name():
    c = catalogue()
    assert c.find("pkg.Table") is ENTRIES[1]
    assert c.find("pkg.table.Table") is ENTRIES[1]
    assert c.find("pkg.io.read") is ENTRIES[6]  # an import path wins over another entry's qualified name
    assert c.find("pkg.nowhere") is None


def test_ancestors_nearest_first_undocumented_bases_kept_cycles_cut():
    c = catalogue()
    assert c.ancestors("pkg.Frame") == ["pkg.Frame", "pkg.Table", "ext.Mixin"]
    assert c.ancestors("pkg.Loop") == ["pkg.Loop", "pkg.Loop2"]
    assert c.ancestors("ext.Other") == ["ext.Other"]


def test_class_of_annotation():
    c = catalogue()
    assert c.class_of_annotation("Optional[Table]") == "pkg.Table"
    assert c.class_of_annotation("typing.Optional[pkg.table.Table]") == "pkg.Table"
    assert c.class_of_annotation("Frame | None") == "pkg.Frame"
    assert c.class_of_annotation("'Frame'") == "pkg.Frame"
    assert c.class_of_annotation("Frame[int]") == "pkg.Frame"
    assert [c.class_of_annotation(a) for a in ("read", "list[Table]", "", None)] == [None, None, None, None]


def test_members_of_an_inferred_type():
    c = catalogue()
    assert members_of(c, InferredType(classes=("pkg.Frame", "pkg.Table"))) == [4, 2]
    assert members_of(c, InferredType(module="pkg.io")) == [6]
    assert members_of(c, InferredType()) == []


def test_an_index_holds_the_catalogue_of_its_entries():
    info = LibraryInfo("pkg", "1", "tree", "pkg", "pkg", "", "none", 0.0, len(ENTRIES))
    index = LibraryIndex(info, list(ENTRIES), np.zeros((len(ENTRIES), 2), dtype=np.float32))
    assert index.catalogue.entries is index.entries and index.catalogue.name == "pkg"
    assert index.tables.children["pkg"].tolist() == index.catalogue.children["pkg"] == [1, 3, 5, 7, 8]
    assert index.param_classes == [()] * len(ENTRIES)


def test_an_entry_read_back_from_json_is_the_entry_written():
    from apiary.docs.entry import Param

    params = (Param("predicate"), Param("limit", "keyword_only", "int | None", "None"))
    written = ApiEntry("keep_where", "pkg.table.Table.keep_where", "pkg.Table.keep_where", ApiKind.METHOD, "pkg",
                       signature="(predicate, *, limit=None)", params=params, doc="Keep rows.",
                       description="Keep rows.", examples=("t.keep_where(f)",), owner="pkg.Table", bases=(),
                       source="pkg/table.py:3")
    row = written.to_json()
    read = ApiEntry.from_json(row)
    assert read == written and hash(read) == hash(written) and isinstance(read.params[1], Param)
    assert read.kind is ApiKind.METHOD and read.examples == ("t.keep_where(f)",) and read.params[1].required is False
    assert ApiEntry.from_json({**row, "future_field": 1}) == written  # an unknown key: the checked path
    assert ApiEntry.from_json({k: v for k, v in row.items() if k != "source"}) == ApiEntry(
        **{**vars(written), "source": ""})


def test_a_replaced_entry_equals_dataclasses_replace_and_refuses_an_unknown_field():
    import dataclasses

    from apiary.docs.entry import replaced

    entry = ENTRIES[0]
    assert replaced(entry, bases=("a.B",), doc="Other.") == dataclasses.replace(entry, bases=("a.B",), doc="Other.")
    assert entry.bases != ("a.B",)  # the original is untouched
    with pytest.raises(TypeError, match="no field 'colour'"):
        replaced(entry, colour="red")
