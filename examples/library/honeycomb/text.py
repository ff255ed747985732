"""Cleaning free text: names typed by hand, product titles, notes fields.

``slug`` and ``squash_spaces`` are also available as ``honeycomb.slug`` and
``honeycomb.squash_spaces``.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# Letters that have no accent to strip but still need an ASCII spelling in a slug.
_ASCII_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "þ": "th"})


def strip_accents(text: str) -> str:
    """Remove accents and other diacritics from letters, keeping the base letters.

    Args:
        text: Any text.

    Returns:
        The text with ``é`` turned into ``e``, ``ø`` kept as is (it is a letter of its own).

    Example:
        >>> strip_accents("Crème brûlée, Zürich")
        'Creme brulee, Zurich'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def squash_spaces(text: str) -> str:
    """Collapse every run of whitespace (tabs and newlines too) into one space and trim the ends.

    Args:
        text: Any text.

    Returns:
        The tidied text.

    Example:
        >>> squash_spaces("  Acme\\t  Corp \\n")
        'Acme Corp'
    """
    return _SPACES.sub(" ", text).strip()


def slug(text: str, sep: str = "-") -> str:
    """Turn a title into a lowercase, URL- and filename-safe identifier.

    Accents are removed (and letters such as ``ø`` or ``ß`` spelled in ASCII), apostrophes
    are dropped, every run of other characters than letters and digits becomes one separator,
    and separators at the ends are dropped.

    Args:
        text: A title or name.
        sep: The separator between words.

    Returns:
        The identifier; empty when the text has no letters or digits.

    Example:
        >>> slug("  Crème Brûlée (Large) ")
        'creme-brulee-large'
        >>> slug("Q3 Report: Europe", sep="_")
        'q3_report_europe'
        >>> slug("Søren's Bakery")
        'sorens-bakery'
    """
    ascii_text = strip_accents(text.lower().translate(_ASCII_LETTERS)).replace("'", "")
    words = re.findall(r"[a-z0-9]+", ascii_text)
    return sep.join(words)


def tokens(text: str, lower: bool = True, min_length: int = 1) -> list[str]:
    """Split text into words, dropping punctuation; apostrophes inside a word are kept.

    Args:
        text: Any text.
        lower: Lowercase the words.
        min_length: Leave out words shorter than this.

    Returns:
        The words, in order.

    Example:
        >>> tokens("Don't ship: box #12 is DAMAGED!")
        ["don't", 'ship', 'box', '12', 'is', 'damaged']
        >>> tokens("a bb ccc", min_length=2)
        ['bb', 'ccc']
    """
    words = _WORD.findall(text.lower() if lower else text)
    return [w for w in words if len(w) >= min_length]


def clip_text(text: str, width: int, marker: str = "...") -> str:
    """Shorten text to at most ``width`` characters, ending with a marker when it was cut.

    Args:
        text: Any text.
        width: The maximum length of the result, marker included.
        marker: What to put at the end of cut text.

    Returns:
        The text itself when it fits, else its beginning followed by ``marker``.

    Example:
        >>> clip_text("Delivered to the back door", 12)
        'Delivered...'
        >>> clip_text("Short", 12)
        'Short'
    """
    if len(text) <= width:
        return text
    return text[: max(width - len(marker), 0)].rstrip() + marker
