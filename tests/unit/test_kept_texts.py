"""Docstring memos: computed once per build, seeded from what the last build kept, and kept as JSON."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from apiary.docs.kept_texts import TextMemo, _digest, stored_text, stored_texts
from apiary.docs.locate import locate
from apiary.retrieval.cache import KEPT_TEXTS, derived_code, keep_beside, read_beside
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.store import IndexStore


class Counted:
    def __init__(self, function):
        self.function, self.calls = function, []

    def __call__(self, doc):
        self.calls.append(doc)
        return self.function(doc)


def test_a_docstring_is_read_once_per_build():
    upper = Counted(str.upper)
    memo = TextMemo(upper, stored_text)
    assert [memo("fill"), memo("fill"), memo("count")] == ["FILL", "FILL", "COUNT"]
    assert upper.calls == ["fill", "count"]
    memo.clear()
    assert memo("fill") == "FILL" and upper.calls == ["fill", "count", "fill"]


def test_a_seeded_result_is_used_and_the_others_computed():
    words = Counted(lambda doc: tuple(doc.split()))
    memo = TextMemo(words, stored_texts, list)
    memo.seed({_digest("fill the cells"): ["kept", "words"], _digest("count"): "not a list of texts"})
    assert memo("fill the cells") == ("kept", "words")
    assert memo("count") == ("count",)  # a seed of the wrong shape is computed again
    assert memo("drain it") == ("drain", "it")
    assert words.calls == ["count", "drain it"]
    assert memo.kept() == {_digest("fill the cells"): ["kept", "words"], _digest("count"): ["count"],
                           _digest("drain it"): ["drain", "it"]}


def test_what_no_utf8_file_holds_is_not_kept():
    memo = TextMemo(lambda doc: doc, stored_text)
    memo("Bad \ud800 char.")
    memo("Fine.")
    assert memo.kept() == {_digest("Fine."): "Fine."}


def _library(tmp_path: Path) -> Path:
    root = tmp_path / "src" / "combs"
    root.mkdir(parents=True)
    (root / "__init__.py").write_text(textwrap.dedent('''
        """Combs."""
        from combs.cells import fill
        def count(cells):
            """Count the cells that hold honey."""
    '''))
    (root / "cells.py").write_text('def fill(cells):\n    """Fill every empty cell. Then stop."""\n')
    return root


def _kept(directory: Path) -> dict:
    return read_beside(directory, KEPT_TEXTS)


FILL_DOC = _digest("Fill every empty cell. Then stop.")


def _built(tmp_path: Path, change_kept) -> tuple[Path, IndexStore, object, Path]:
    """The library indexed once, then what its build kept changed by ``change_kept``."""
    library = _library(tmp_path)
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    source = locate(str(library))
    store.get_or_build(source)
    directory = store.directory_for(source)
    kept = _kept(directory)
    change_kept(kept)
    keep_beside(directory, KEPT_TEXTS, kept)
    return library, store, source, directory


def test_a_build_keeps_what_docstrings_gave_and_the_next_build_starts_from_it(tmp_path: Path):
    first: dict = {}

    def mark(kept: dict) -> None:  # what the next build reads is what was kept: marked, it shows
        first.update(json.loads(json.dumps(kept)))
        kept["texts"]["first_sentence"][FILL_DOC] = "Kept from the last build."

    library, store, source, directory = _built(tmp_path, mark)
    assert first["code"] == derived_code()
    assert first["texts"]["first_sentence"][FILL_DOC] == "Fill every empty cell."
    assert first["texts"]["plain_summary"][FILL_DOC] == "Fill every empty cell. Then stop."
    assert first["texts"]["summary_paragraph"][FILL_DOC] == "Fill every empty cell. Then stop."
    init = library / "__init__.py"
    init.write_text(init.read_text() + 'def drain(cells):\n    """Drain the cells."""\n')
    index = store.get_or_build(source).index
    assert index.entries[index.catalogue.by_path["combs.fill"]].description == "Kept from the last build."
    assert _kept(directory)["texts"]["first_sentence"][_digest("Drain the cells.")] == "Drain the cells."


def test_what_other_code_kept_is_not_used(tmp_path: Path):
    def by_other_code(kept: dict) -> None:
        kept["code"] = "another"
        kept["texts"]["first_sentence"][FILL_DOC] = "Kept by other code."

    library, store, source, _ = _built(tmp_path, by_other_code)
    (library / "cells.py").write_text((library / "cells.py").read_text() + "\nLIMIT = 3\n")
    index = store.get_or_build(source).index
    assert index.entries[index.catalogue.by_path["combs.fill"]].description == "Fill every empty cell."
