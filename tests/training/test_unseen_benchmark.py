"""The many-library benchmark: its fixed dev/test split, its metrics, and a whole run on a tiny
fixture library with the hashing encoder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks.unseen.__main__ import main
from benchmarks.unseen.evaluate import metrics

from apiary.docs.entry import ApiEntry, ApiKind
from apiary_training.eval.retrieval import gold_keys, matches
from apiary_training.suite.definition import SuiteError, load_suite

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "unseen" / "suite.json"


def test_the_split_is_fixed_by_library_and_keeps_the_held_out_libraries_out():
    suite = load_suite(SUITE)
    assert load_suite(SUITE) == suite
    dev = {lib.name for lib in suite.select("dev")}
    test = {lib.name for lib in suite.select("test")}
    assert dev.isdisjoint(test) and dev | test == {lib.name for lib in suite.libraries}
    assert len(suite.libraries) >= 30
    assert (
        suite.split_of("requests") == "dev"
        and suite.split_of("httpx") == "test"
        and suite.split_of("Python_Dateutil") == "dev"
    )
    assert set(suite.held_out) == {"toolz", "cytoolz", "more-itertools", "boltons"}
    assert [lib.name for lib in suite.select("all", ["attrs", "click"])] == ["click", "attrs"]
    user = suite.user_problems_of(suite.select(names=["httpx"])[0])
    assert len(user) >= 3 and {p["library"] for p in user} == {"httpx"} and all(p["split"] == "test" for p in user)


@pytest.mark.parametrize(
    "libraries, message",
    [
        (
            [{"name": "a", "version": "1", "split": "dev"}, {"name": "A", "version": "2", "split": "test"}],
            "listed twice: a",
        ),
        ([{"name": "toolz", "version": "1", "split": "dev"}], "held-out libraries may not be in the suite: toolz"),
        ([{"name": "a", "version": "1", "split": "train"}], "split must be one of"),
        ([{"name": "a", "version": "1", "split": "dev", "users": ["b"]}], "users must be pinned"),
    ],
)
def test_a_bad_suite_file_is_refused_with_the_reason(tmp_path, libraries, message):
    path = tmp_path / "suite.json"
    path.write_text(json.dumps({"held_out": ["toolz"], "libraries": libraries}))
    with pytest.raises(SuiteError, match=message):
        load_suite(path)


def _entry(import_path: str, qualname: str | None = None) -> ApiEntry:
    name = import_path.rsplit(".", 1)[-1]
    return ApiEntry(name, qualname or import_path, import_path, ApiKind.FUNCTION, "lib")


def test_gold_apis_match_by_import_path_defining_path_dotted_tail_or_bare_name():
    entry = _entry("lib.Table.keep", "lib.table.Table.keep")
    assert all(matches(g, entry) for g in ("lib.Table.keep", "lib.table.Table.keep", "Table.keep", "keep"))
    assert not any(matches(g, entry) for g in ("able.keep", "lib.keep", "kee"))
    assert gold_keys(["Table.keep"], [_entry("lib.load"), entry]) == ["lib.load", "Table.keep"]


def test_metrics_are_recall_mrr_and_all_at_5():
    pairs = [(["a"], ["a", "b"]), (["a", "b"], ["c", "b", "x", "y", "z", "a"]), (["q"], ["r"])]
    assert metrics(pairs) == {"R@1": 0.3333, "R@3": 0.5, "R@5": 0.5, "MRR": 0.5, "all@5": 0.3333}


LIBRARY = '''
def chunked(items, size):
    """Split an iterable into lists of a given size."""


def flatten(nested):
    """Join lists of lists into one list."""


def unique(items):
    """Drop repeated items, keeping the first of each."""
'''


def test_a_whole_run_on_a_tiny_library_writes_its_figures_and_plot(tmp_path):
    (tmp_path / "tinylib").mkdir()
    (tmp_path / "tinylib" / "__init__.py").write_text(LIBRARY)
    problems = tmp_path / "problems.jsonl"
    rows = [
        {
            "prompt": "from tinylib import chunked\nrows = list(range(100))\n# lists of fifty\nparts = ",
            "gold_apis": ["tinylib.chunked"],
        },
        {
            "prompt": "import tinylib\n# one flat list from the nested ones\nflat = ",
            "gold_apis": ["flatten"],
            "intent": "one flat list",
        },
        {"prompt": "import tinylib\n# nothing to find\n", "gold_apis": []},
    ]
    problems.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out" / "figures.json"
    report = main(["--problems", str(problems), "--library", str(tmp_path / "tinylib"), "--encoder", "hashing",
                   "--cache", str(tmp_path / "cache"), "--json", str(out), "--name", "tiny"])
    assert report["pooled"]["given"]["problems"] == 2 and report["pooled"]["given"]["libraries"] == 1
    assert report["pooled"]["mined"]["problems"] == 0 and report["pooled"]["user"]["problems"] == 0
    row = report["libraries"]["tiny"]
    assert (row["split"], row["apis"], row["given"]["problems"]) == ("given", 4, 2)
    assert row["given"]["apiary"]["R@5"] == 1.0  # three functions and the module: every one is in the top 5
    assert json.loads(out.read_text())["libraries"]["tiny"]["given"]["apiary"] == row["given"]["apiary"]
    assert out.with_suffix(".png").stat().st_size > 1000


def test_gold_resolves_through_inherited_members_and_subpackage_reexports(tmp_path):
    from apiary.docs.catalogue import Catalogue
    from apiary_training.eval.retrieval import canonical_gold, resolve_gold

    def entry(path: str, kind: ApiKind, qualname: str | None = None, owner: str | None = None, bases=()) -> ApiEntry:
        return ApiEntry(path.rsplit(".", 1)[-1], qualname or path, path, kind, "lib", owner=owner, bases=tuple(bases))

    entries = [
        entry("lib.Tag", ApiKind.CLASS), entry("lib.Tag.find", ApiKind.METHOD, owner="lib.Tag"),
        entry("lib.Soup", ApiKind.CLASS, bases=["lib.Tag"]),
        entry("lib.Retry", ApiKind.CLASS, qualname="lib.util.retry.Retry"),
    ]
    catalogue = Catalogue("lib", entries)
    assert resolve_gold(catalogue, "lib.Soup.find") == ["lib.Tag.find"]
    assert resolve_gold(catalogue, "lib.util.Retry") == ["lib.Retry"]
    assert resolve_gold(catalogue, "lib.nowhere") == []
    assert canonical_gold(catalogue, ["lib.Soup.find", "lib.Tag.find", "lib.nowhere"]) == [
        "lib.Tag.find",
        "lib.nowhere",
    ]
