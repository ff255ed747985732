"""The usages of a library's docstring examples are kept between processes and builds: read back
equal to a fresh mining; after an edit, only the examples whose text or catalogue answers changed
are mined again, and the result still equals a fresh mining; a damaged file is never a failure."""

from __future__ import annotations

import dataclasses

import orjson
import pytest
from tests.unit.generation_fixtures import example_index

from apiary.docs.entry import ApiEntry, ApiKind
from apiary.generation.offline import kept_usages
from apiary.generation.offline.corpus import CorpusStore
from apiary.generation.offline.usage import UsageCorpus, docstring_usages, mine
from apiary.retrieval.index import LibraryIndex


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> LibraryIndex:
    return example_index(tmp_path_factory.mktemp("cache"))


def _counting(monkeypatch) -> list[str]:
    """The origins of the examples mined (each still mined)."""
    mined: list[str] = []

    def counted(code, catalogue, origin, callees=None):
        mined.append(origin)
        return mine(code, catalogue, origin, callees)

    monkeypatch.setattr(kept_usages, "mine", counted)
    return mined


def _with(index: LibraryIndex, entries: list[ApiEntry]) -> LibraryIndex:
    return LibraryIndex(index.info, entries, index.vectors[: len(entries)] if len(entries) <= len(index.entries)
                        else _padded(index, len(entries)))


def _padded(index: LibraryIndex, size: int):
    import numpy as np

    return np.vstack([index.vectors, np.zeros((size - len(index.entries), index.dim), dtype=np.float32)])


def test_kept_usages_are_read_back_as_mined(index, tmp_path, monkeypatch):
    mined = _counting(monkeypatch)
    first = kept_usages.KeptUsages(tmp_path).docs(index)
    examples = len(mined)
    again = kept_usages.KeptUsages(tmp_path).docs(index)
    assert examples > 10 and len(mined) == examples  # nothing mined the second time
    assert again == first == docstring_usages(index.catalogue)
    assert [p.suffix for p in tmp_path.iterdir()] == [".json"]


def test_an_edit_mines_only_the_examples_it_touches_and_equals_a_fresh_mining(index, tmp_path, monkeypatch):
    mined = _counting(monkeypatch)
    kept_usages.KeptUsages(tmp_path).docs(index)
    before = len(mined)
    entries = list(index.entries)
    # an edit of one docstring's example
    shown = next(i for i, e in enumerate(entries) if e.examples)
    rewritten = "import honeycomb as hc\nt = hc.Table([])\nt = t.dedupe()\n"
    entries[shown] = dataclasses.replace(entries[shown], examples=(rewritten, *entries[shown].examples[1:]))
    edited = _with(index, entries)
    mined_now = kept_usages.KeptUsages(tmp_path).docs(edited)
    assert mined_now == docstring_usages(edited.catalogue)
    assert mined[before:] == [f"doc:{entries[shown].import_path}"]

    # a new top-level function of the same short name elsewhere changes no answer: nothing is mined
    twin = ApiEntry(name="zzz_unrelated", qualname="honeycomb.extra.zzz_unrelated",
                    import_path="honeycomb.extra.zzz_unrelated", kind=ApiKind.FUNCTION, library="honeycomb")
    grown = _with(edited, [*edited.entries, twin])
    count = len(mined)
    assert kept_usages.KeptUsages(tmp_path).docs(grown) == docstring_usages(grown.catalogue)
    assert len(mined) == count


def test_an_answer_that_changes_mines_that_example_again(index, tmp_path, monkeypatch):
    mined = _counting(monkeypatch)
    kept_usages.KeptUsages(tmp_path).docs(index)
    [kept] = tmp_path.iterdir()
    data = orjson.loads(kept.read_bytes())
    asking = [d for d, record in data["examples"].items() if record["asked"]]
    for digest in asking:  # as if the catalogue had answered otherwise when they were mined
        data["examples"][digest]["asked"] = {q: "somewhere.else" for q in data["examples"][digest]["asked"]}
    kept.write_bytes(orjson.dumps(data))
    before = len(mined)
    assert kept_usages.KeptUsages(tmp_path).docs(index) == docstring_usages(index.catalogue)
    assert len(mined) - before == len(asking) > 0


@pytest.mark.parametrize("damage", [b"\x00garbage", b"[1, 2]", b'{"code": 1}', b"{}", "wrong rows", "other code"])
def test_a_damaged_file_is_mined_again_and_replaced(index, tmp_path, monkeypatch, damage):
    mined = _counting(monkeypatch)
    expected = kept_usages.KeptUsages(tmp_path).docs(index)
    examples = len(mined)
    [kept] = tmp_path.iterdir()
    data = orjson.loads(kept.read_bytes())
    if damage == "wrong rows":  # each record of another shape
        damage = orjson.dumps({**data, "examples": {d: {"usages": [[1, 2, 3]], "asked": {}} for d in data["examples"]}})
    elif damage == "other code":
        damage = orjson.dumps({**data, "code": "older"})
    kept.write_bytes(damage)
    assert kept_usages.KeptUsages(tmp_path).docs(index) == expected
    assert kept_usages.KeptUsages(tmp_path).docs(index) == expected
    assert len(mined) == 2 * examples  # once at first, once for the damage, then read


def test_a_folder_that_cannot_be_written_still_gives_the_usages(index, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert kept_usages.KeptUsages(blocked / "usages").docs(index) == docstring_usages(index.catalogue)


def test_the_corpus_store_keeps_them_only_where_told(index, tmp_path, monkeypatch):
    mined = _counting(monkeypatch)
    kept = CorpusStore(kept_usages=tmp_path).for_index(index)
    examples = len(mined)
    assert CorpusStore(kept_usages=tmp_path).for_index(index).for_api("honeycomb.read_delimited") == \
        kept.for_api("honeycomb.read_delimited")
    assert len(mined) == examples
    plain = CorpusStore().for_index(index)  # no folder: mined each time, nothing kept
    assert sorted(p.name.partition(".")[0][24:] for p in tmp_path.iterdir()) == ["", "-files"]
    assert len(kept) == len(plain) > len(UsageCorpus(docstring_usages(index.catalogue)))  # the tests' usages too
    assert all(kept.for_api(e.import_path) == plain.for_api(e.import_path) for e in index.entries)


def _code_files(folder) -> list:
    folder.mkdir(exist_ok=True)
    files = []
    for name, body in [("load.py", "t = hc.read_delimited('hives.csv')\n"), ("clean.py", "t = hc.Table([]).dedupe()\n"),
                       ("other.py", "print('no library here')\n")]:
        path = folder / name
        path.write_text(f"import honeycomb as hc\n{body}")
        files.append(path)
    return files


def test_code_files_are_kept_like_examples_and_an_edit_mines_only_its_file(index, tmp_path, monkeypatch):
    files = _code_files(tmp_path / "code")
    mined = _counting(monkeypatch)
    fresh = [u for path in files for u in mine(path.read_text(), index.catalogue, f"file:{path}")]
    first = kept_usages.KeptUsages(tmp_path / "kept").files(index, files)
    assert first == fresh and len(fresh) >= 2 and len(mined) == 3
    assert kept_usages.KeptUsages(tmp_path / "kept").files(index, files) == fresh and len(mined) == 3
    files[1].write_text("import honeycomb as hc\nrows = hc.Table([]).dedupe()\n")
    edited = kept_usages.KeptUsages(tmp_path / "kept").files(index, files)
    assert mined[3:] == [f"file:{files[1]}"]
    assert edited == [u for path in files for u in mine(path.read_text(), index.catalogue, f"file:{path}")]
    assert kept_usages.KeptUsages(tmp_path / "kept").files(index, [tmp_path / "gone.py", files[0]]) == first[:1]


def test_the_usages_of_one_piece_of_code_share_what_it_binds(index):
    """What the kept layout writes once per example or file (`kept_usages._record`)."""
    code = "import honeycomb as hc\ndef f(t):\n    return t.dedupe()\nrows = hc.Table([])\nt = f(rows).dedupe()\n"
    found = mine(code, index.catalogue, "file:x.py")
    assert len(found) >= 2 and len({(u.functions, u.variables, u.imports) for u in found}) == 1
    assert kept_usages._usages(kept_usages._record(found)) == found


def test_one_process_remembers_what_it_mined_and_reads_the_kept_file_once(index, tmp_path, monkeypatch):
    files = _code_files(tmp_path / "code")
    mined = _counting(monkeypatch)
    reads: list = []
    real_read = kept_usages._read
    monkeypatch.setattr(kept_usages, "_read", lambda path: reads.append(path.name) or real_read(path))
    kept_usages.KeptUsages(tmp_path / "kept").files(index, files)  # another process kept them
    kept = kept_usages.KeptUsages(tmp_path / "kept")
    first = kept.files(index, files)
    assert len(reads) == 2 and len(mined) == 3  # read back in this process, nothing mined
    files[2].write_text("import honeycomb as hc\nhc.Table([]).dedupe()\n")
    edited = kept.files(index, files)
    assert len(reads) == 2 and mined[3:] == [f"file:{files[2]}"]  # the rest remembered, not read again
    assert edited[: len(first)] == first
    assert edited == [u for path in files for u in mine(path.read_text(), index.catalogue, f"file:{path}")]
    assert kept_usages.KeptUsages(tmp_path / "kept").files(index, files) == edited and len(mined) == 4
