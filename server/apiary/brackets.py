"""Bracket matching in Python text, quoted strings skipped: one scanner for the signatures read from
docs and the receivers read at the cursor."""

from __future__ import annotations

OPENING, CLOSING = "([{", ")]}"


def matching_close(text: str, opened: int) -> int | None:
    """The index of the bracket that closes ``text[opened]``, skipping quoted strings (and the
    escapes in them); None when it is never closed."""
    depth, quote, index = 0, "", opened
    while index < len(text):
        ch = text[index]
        if quote:
            if ch == "\\":
                index += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None
