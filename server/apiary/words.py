"""Words of code and comments: identifier splitting, stop words, stemming, BM25 tokens. Retrieval,
generation and sequences all read names this way; it sits outside them so none imports another for it.

Identifiers are split the way programmers read them (``drop_duplicates`` -> drop, duplicates;
``readCsv`` -> read, csv; ``HTTPServer2`` -> http, server, 2), so a comment that says "read the
csv" meets ``read_csv`` and ``readCsv`` alike.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")

# English function words plus words that appear in nearly every programming comment.
STOP_WORDS = frozenset(
    """a an the and or but if then else of to in on at by for with from into onto as is are was were be been
    being it its this that these those there here we you i me my our your they them their he she his her
    do does did done how what which who whom why when where can could should would will shall may might must
    not no nor so too very just also only than such some any all each every both few more most other same
    own s t don now via using use used let lets get gets got want wants need needs like please
    """.split()
)

_stemmer = Stemmer.Stemmer("english")


def split_identifier(identifier: str) -> list[str]:
    """``drop_duplicates`` -> [drop, duplicates]; ``readCsv`` -> [read, csv]; lower-cased."""
    words: list[str] = []
    for part in identifier.split("_"):
        words.extend(m.group(0).lower() for m in _CAMEL.finditer(part))
    return words


def words(text: str) -> list[str]:
    """Every word of ``text``, identifiers split into their parts, lower-cased."""
    found: list[str] = []
    for match in _WORD.finditer(text):
        found.extend(split_identifier(match.group(0)))
    return found


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def lexical_tokens(text: str) -> list[str]:
    """Tokens for BM25: split identifiers, drop stop words and one-letter words, stem."""
    return [token for word in _WORD.findall(text) for token in _identifier_tokens(word)]


@lru_cache(maxsize=65536)
def _identifier_tokens(identifier: str) -> tuple[str, ...]:
    # A library's texts repeat a few thousand identifiers hundreds of thousands of times: each is
    # split, filtered and stemmed once.
    return tuple(stem(w) for w in split_identifier(identifier) if w not in STOP_WORDS and len(w) > 1)


_VARIANT = re.compile(r"[a-z]+\d+")


def variant_words(text: str) -> list[str]:
    """Letters run into digits, kept whole and lower-cased: the names of variants (``md5``, ``sha256``,
    ``bz2``, ``base64``), which `lexical_tokens` would cut to ``md`` and ``sha``, so that ``sha1`` and
    ``sha256`` could not be told apart."""
    return _VARIANT.findall(text.lower())


def humanize(name: str) -> str:
    """``zip_with_iter`` -> ``zip with iter``: how a dense encoder best reads a name."""
    return " ".join(split_identifier(name))
