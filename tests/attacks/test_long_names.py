"""A name of tens of thousands of characters (issue "Security and robustness", item 9) is indexed
like any other: splitting names into words stays linear in their length."""

from __future__ import annotations

from tests.attacks.bounds import within

from apiary.docs.locate import locate
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.index import segment
from apiary.retrieval.store import IndexStore


def test_only_plausible_concatenations_are_split():
    vocabulary = frozenset({"flat", "map", "zip", "with", "iter"})
    assert segment("flatmap", vocabulary) == ["flat", "map"]
    assert segment("zipwithiter", vocabulary) == ["zip", "with", "iter"]
    assert segment("flatmap" * 20, vocabulary) is None  # 140 characters: no word list is that long


def test_a_library_with_a_30000_character_name_indexes_and_reloads(tmp_path):
    package = tmp_path / "longlib"
    package.mkdir()
    long_name = "flatmap" * 4300
    (package / "__init__.py").write_text(f'def {long_name}(a):\n    """Long."""\n\ndef fine(y):\n    """Fine."""\n')
    built = within(60, lambda: IndexStore(tmp_path / "cache", HashingEncoder()).get_or_build(locate(str(package))))
    assert f"longlib.{long_name}" in built.index.catalogue.by_path
    again = within(60, lambda: IndexStore(tmp_path / "cache", HashingEncoder()).get_or_build(locate(str(package))))
    assert len(again.index.entries) == len(built.index.entries)
