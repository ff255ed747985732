"""Comment and docstring pairs beside the function pairs of Deep API Learning Revisited §3.1, the
split that keeps a test function out of training, and the neighbour search and consensus that use them."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path

import numpy as np

from apiary.sequences.extract import COMMENT, DOC, FUNCTION, ApiSeqPair, extract_pairs, split_by_function
from apiary.sequences.mine import CorpusRoot, mine, module_name
from apiary.sequences.neighbours import Neighbour, PairIndex
from apiary.sequences.recommend import from_neighbours
from apiary.sequences.usage import canonical_names, intent_of_comment

ALL = (FUNCTION, COMMENT, DOC)


def pairs_of(source: str, **options) -> list[ApiSeqPair]:
    return extract_pairs(textwrap.dedent(source), "m.py", kinds=ALL, **options)


def by_kind(pairs: list[ApiSeqPair], kind: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(p.desc, p.apiseq) for p in pairs if p.kind == kind]


def test_a_comment_pairs_with_the_calls_under_it_up_to_a_blank_line_or_another_comment():
    pairs = pairs_of('''
        import os, shutil

        def backup(src, dst):
            """Back up a file."""
            # make sure the backup folder exists
            os.makedirs(os.path.dirname(dst), exist_ok=True)

            # copy the file
            shutil.copyfile(src, dst)
            # noqa: E501
            os.chmod(dst, 0o644)
            # a comment with no call below
            x = 1
    ''')
    assert by_kind(pairs, COMMENT) == [
        ("make sure the backup folder exists", ("os.path.dirname", "os.makedirs")),
        ("copy the file", ("shutil.copyfile",)),
    ]
    assert {p.function for p in pairs if p.kind == COMMENT} == {"backup"}
    # the function's own pair (Deep API Learning Revisited §3.1) is unchanged by the comments
    assert by_kind(pairs, FUNCTION) == [
        ("Back up a file.", ("os.path.dirname", "os.makedirs", "shutil.copyfile", "os.chmod"))
    ]


def test_a_comment_speaks_for_its_block_only_and_scripts_have_comment_pairs_too():
    pairs = pairs_of('''
        import json, os

        # read the settings
        with open("s.json") as f:
            settings = json.load(f)
        os.getcwd()

        def f():
            if True:
                # list the files
                names = os.listdir(".")
            os.getpid()
    ''')
    assert by_kind(pairs, COMMENT) == [
        ("list the files", ("os.listdir",)),
        ("read the settings", ("json.load", "os.getcwd")),
    ]


def test_directives_code_and_long_explanations_are_not_intents():
    assert intent_of_comment("copy the file") == "copy the file"
    for text in ("noqa: E501", "type: ignore", "TODO fix this", "x = f(a, b) + g(c)", "-*- coding: utf-8 -*-",
                 "check the test passes", "word", " ".join(["word"] * 30)):
        assert intent_of_comment(text) is None, text


def test_docstring_pairs_name_public_apis_and_their_methods():
    pairs = pairs_of('''
        def parse_date(text):
            """Parse a date string into a date object."""
        def _private():
            """Not public at all, never indexed."""
        class Image:
            """An image held in memory."""
            def save(self, path):
                """Save this image under the given filename."""
            def _hidden(self):
                """A private helper method here."""
        def tiny():
            """Short."""
    ''', module="pkg.image")
    assert by_kind(pairs, DOC) == [
        ("Parse a date string into a date object.", ("pkg.image.parse_date",)),
        ("An image held in memory.", ("pkg.image.Image",)),
        ("Save this image under the given filename.", ("pkg.image.Image::save",)),
    ]
    assert not by_kind(extract_pairs("def f():\n    '''Parse a date string.'''\n", kinds=ALL), DOC)  # no module name


def test_defined_apis_take_the_name_the_corpus_calls_them_by():
    called = Counter({"pandas.to_datetime": 5, "pandas.core.tools.to_datetime": 1, "numpy.round": 3,
                      "PIL.Image.Image::save": 2, "other.to_datetime": 9})
    names = canonical_names(["pandas.core.tools.datetimes.to_datetime", "numpy.round", "PIL.Image.Image::save",
                             "pandas.core.never_called"], called)
    assert names == {"pandas.core.tools.datetimes.to_datetime": "pandas.to_datetime", "numpy.round": "numpy.round",
                     "PIL.Image.Image::save": "PIL.Image.Image::save"}


def test_mining_a_package_renames_doc_pairs_and_drops_uncalled_apis(tmp_path):
    package = tmp_path / "site" / "lib"
    (package / "core").mkdir(parents=True)
    (package / "__init__.py").write_text("from lib.core.tools import to_table\n")
    (package / "core" / "__init__.py").write_text("")
    (package / "core" / "tools.py").write_text(textwrap.dedent('''
        def to_table(rows):
            """Build a table from a list of rows."""
        def unused_helper(rows):
            """Nobody calls this helper anywhere."""
    '''))
    user = tmp_path / "work" / "report.py"
    user.parent.mkdir()
    user.write_text(textwrap.dedent('''
        import lib
        def report(rows):
            """Write a report of the rows."""
            # make a table
            return lib.to_table(rows)
    '''))
    roots = [
        CorpusRoot(package, frozenset({"lib"}), "site-packages"),
        CorpusRoot(user.parent, frozenset(), "workspace"),
    ]
    pairs = mine(roots)
    assert by_kind(pairs, DOC) == [("Build a table from a list of rows.", ("lib.to_table",))]
    assert by_kind(pairs, COMMENT) == [("make a table", ("lib.to_table",))]
    assert module_name(roots[0], package / "core" / "tools.py") == "lib.core.tools"
    assert module_name(roots[1], user) == "report"


def test_the_split_keeps_everything_of_a_test_function_out_of_training():
    pairs = []
    for i in range(50):
        pairs.append(ApiSeqPair(f"do thing number {i}", (f"m.f{i}", "m.g"), "p.py", f"f{i}"))
        pairs.append(ApiSeqPair(f"step {i}", (f"m.f{i}",), "p.py", f"f{i}", COMMENT))
    train, test = split_by_function(pairs, 0.2, seed=1)
    assert len(test) == 10 and all(p.kind == FUNCTION for p in test)
    held = {p.function for p in test}
    assert not [p for p in train if p.function in held]
    assert len(train) == 80


class ConstantEncoder:
    """Every text the same vector: only the lexical part of the search can tell pairs apart."""

    dim, id = 4, "constant"

    def encode(self, texts):
        return np.tile(np.array([[1.0, 0.0, 0.0, 0.0]], dtype=np.float32), (len(texts), 1))


def test_a_rare_shared_word_lifts_a_pair_the_encoder_cannot_tell_apart():
    pairs = [ApiSeqPair(f"do the usual thing {i}", ("m.other",), "p.py", f"f{i}") for i in range(30)]
    pairs.append(ApiSeqPair("compute the md5 digest", ("hashlib.md5",), "p.py", "digest"))
    index = PairIndex(pairs, ConstantEncoder())
    assert index.search("an md5 of the bytes", k=5)[0].pair.apiseq == ("hashlib.md5",)
    assert index.search("", k=5) == []


def test_the_sequence_the_neighbourhood_shares_beats_one_odd_closest_match():
    def neighbour(similarity, apis):
        return Neighbour(ApiSeqPair("d e f", apis, "p.py", "f"), similarity)

    odd = neighbour(0.80, ("x.odd", "x.other"))
    shared = [neighbour(0.78 - 0.01 * i, ("os.path.exists",)) for i in range(4)]
    ranked = sorted(from_neighbours([odd, *shared]), key=lambda s: -s.score)
    assert ranked[0].apis == ("os.path.exists",)
    assert ranked[0].score == 0.80  # the best carries the nearest neighbour's similarity
    assert from_neighbours([]) == []


def test_files_that_do_not_decode_or_parse_give_no_pairs(tmp_path: Path):
    (tmp_path / "b.py").write_bytes(b"\xff\xfe not text")
    (tmp_path / "c.py").write_text("# copy the file\ndef f(:\n")
    assert mine([CorpusRoot(tmp_path)]) == []


def test_a_query_that_names_an_api_lifts_the_sequence_that_calls_it():
    from apiary.sequences.recommend import Suggestion, with_mentions

    hashing = [Suggestion(("hashlib.sha256",), 0.60, "mined"), Suggestion(("hashlib.md5",), 0.58, "mined")]
    assert [s.apis for s in with_mentions(hashing, "generate md5 hash code")][0] == ("hashlib.md5",)
    assert with_mentions(hashing, "") == hashing  # nothing to match: order unchanged


def test_a_rare_word_of_api_names_weighs_more_than_a_common_one():
    from apiary.sequences.compose import SequenceStats
    from apiary.sequences.recommend import Suggestion, with_mentions

    pairs = [ApiSeqPair("d e f", (f"os.path.is{kind}_file", "hashlib.md5"), "p.py", f"f{kind}") for kind in "abcdefgh"]
    stats = SequenceStats(pairs)
    from apiary.words import lexical_tokens

    (md5,), (file,), (never,) = (lexical_tokens(w) for w in ("md5", "file", "never"))
    assert stats.name_word_weight(md5) > stats.name_word_weight(file) > 0
    assert stats.name_word_weight(never) > stats.name_word_weight(md5)
    generic = Suggestion(("os.path.isa_file",), 0.60, "mined")  # spells "file" and "path"
    specific = Suggestion(("hashlib.md5",), 0.595, "mined")  # spells "md5"
    ranked = with_mentions([generic, specific], "md5 of a file path", stats.name_word_weight)
    assert ranked[0].apis == ("hashlib.md5",)
