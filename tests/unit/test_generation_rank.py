"""Candidates are checked in place with tree-sitter and ranked by intent match, API coverage and
syntax."""

from __future__ import annotations

from apiary.generation.rank import encoder_intent_scorer, rank, snippet_words
from apiary.generation.syntax import fits_in_place
from apiary.generation.types import Candidate
from apiary.retrieval.encoder import HashingEncoder
from apiary.weights import load_weights

SYNTAX_PENALTY = load_weights().generation.syntax_penalty


def test_a_complete_statement_fits():
    assert fits_in_place("import os\nx =", " os.getcwd()")
    assert fits_in_place("def f():\n    y =", " 1\n    return y", "\n\nprint(f())\n")


def test_an_unclosed_call_does_not_fit():
    assert not fits_in_place("x =", " max(1, 2")


def test_a_candidate_that_clashes_with_the_suffix_does_not_fit():
    assert not fits_in_place("x = [", "1, 2]]", "\n")


def test_errors_far_from_the_cursor_are_not_the_candidates_fault():
    broken_earlier = "def broken(:\n    pass\n\nx ="
    assert fits_in_place(broken_earlier, " 1")


def test_non_ascii_before_the_cursor():
    assert fits_in_place("name = 'café 🍮'\nx =", " name.upper()")
    assert not fits_in_place("name = 'café 🍮'\nx =", " name.upper(")


def candidate(text: str, score: float = 0.0, apis: tuple[str, ...] = (), notes: tuple[str, ...] = ()) -> Candidate:
    return Candidate(text=text, score=score, apis=apis, notes=notes)


def test_syntax_errors_sink_below_everything():
    ranked = rank([candidate(" f(", 2.0), candidate(" g()", 0.0)], "", [False, True])
    assert [c.text for c in ranked] == [" g()", " f("]
    assert ranked[1].features["syntax"] == -SYNTAX_PENALTY


def test_calling_a_wanted_api_and_fewer_repairs_rank_higher():
    ranked = rank(
        [
            candidate(" a()", apis=("lib.a",)),
            candidate(" b()", apis=("lib.b",)),
            candidate(" b()", apis=("lib.b",), notes=("renamed",)),
        ],
        "",
        [True, True, True],
        wanted_apis=["lib.b"],
    )
    assert [c.apis for c in ranked][0] == ("lib.b",) and ranked[0].notes == ()
    assert ranked[-1].apis == ("lib.a",)


def test_the_intent_score_prefers_the_snippet_that_says_what_the_comment_asks():
    scorer = encoder_intent_scorer(HashingEncoder())
    ranked = rank([candidate(" t.drop_where(bad)"), candidate(" t.arrange_by_total(desc)")],
                  "arrange by total", [True, True], intent_scorer=scorer)
    assert ranked[0].text == " t.arrange_by_total(desc)"
    assert ranked[0].features["intent"] > ranked[1].features["intent"]


def test_snippet_words_read_code_as_words():
    assert snippet_words("t.keep_where(isOpen)") == "t keep where is open"


def test_rank_of_nothing():
    assert rank([], "x", []) == []
