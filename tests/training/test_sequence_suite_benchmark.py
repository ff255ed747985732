"""The many-library API-sequence benchmark's judging and its guard against answers looked up in the
files the problems were mined from."""

from __future__ import annotations

from benchmarks.sequence_suite import judge, problem_files, summary, without_files

from apiary.docs.catalogue import Catalogue
from apiary.docs.entry import ApiEntry, ApiKind
from apiary.retrieval.encoder import HashingEncoder
from apiary.sequences.extract import ApiSeqPair
from apiary.sequences.neighbours import PairIndex
from apiary.sequences.recommend import Recommender


def _entry(path: str, qualname: str, kind: ApiKind, owner: str | None = None) -> ApiEntry:
    return ApiEntry(name=path.rsplit(".", 1)[-1], qualname=qualname, import_path=path, kind=kind, library="agate",
                    owner=owner)


CATALOGUE = Catalogue("agate", [
    _entry("agate.Table", "agate.table.Table", ApiKind.CLASS),
    _entry("agate.Table.aggregate", "agate.table.Table.aggregate", ApiKind.METHOD, owner="agate.Table"),
    _entry("agate.Sum", "agate.aggregations.sum.Sum", ApiKind.CLASS),
])


def test_a_suggestion_is_judged_by_the_names_the_index_resolves():
    gold = ["agate.Table.aggregate", "agate.Sum"]
    # a method as sequences write it, a class by its defining path
    verdict = judge(CATALOGUE, [("agate.Table::aggregate", "agate.aggregations.sum.Sum")], gold)
    assert (verdict["right"], verdict["all"], verdict["right_in_top5"]) == (True, True, True)
    assert verdict["top"] == ["agate.Table.aggregate", "agate.Sum"] and verdict["bleu"] == 1.0
    partly = judge(CATALOGUE, [("decimal.Decimal",), ("agate.Sum", "os.path.join")], gold)
    assert (partly["right"], partly["all"], partly["right_in_top5"]) == (False, False, True)
    nothing = judge(CATALOGUE, [], gold)
    assert (nothing["right"], nothing["top"], nothing["bleu"]) == (False, [], 0.0)
    assert 0 < partly["bleu"] < 0.2  # only the "." tokens are shared
    assert summary([verdict, partly, nothing]) == {"problems": 3, "right": 0.3333, "all": 0.3333,
                                                   "right_in_top5": 0.6667,
                                                   "bleu": round(100 * (1 + partly["bleu"]) / 3, 2)}


def test_pairs_from_the_files_problems_were_mined_from_are_left_out():
    problems = [{"source": "sdist:tests/test_table.py:120"}, {"source": "user:csvkit:csvkit/cli.py:88"},
                {"source": "doc:docs/cookbook.rst:4"}]
    assert problem_files(problems) == {"tests/test_table.py", "csvkit/cli.py", "docs/cookbook.rst"}
    pairs = [ApiSeqPair("Sum a column of the table.", ("agate.Sum",), "/w/agate/tests/test_table.py", "test_sum"),
             ApiSeqPair("Aggregate the rows of a table.", ("agate.Table::aggregate",), "/w/agate/table.py", "agg")]
    recommender = Recommender(PairIndex(pairs, HashingEncoder()), libraries={"agate"})
    kept, left_out = without_files(recommender, problem_files(problems))
    assert left_out == 1 and [p.function for p in kept.index.pairs] == ["agg"]
    assert kept.libraries == {"agate"}
    assert without_files(recommender, {"other/file.py"}) == (recommender, 0)
