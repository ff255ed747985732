"""LSP snippets (``${1:placeholder}``): the one escape every writer of snippets shares."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([$}\\])")


def escape(text: str) -> str:
    """``text`` as a snippet inserts it: ``$``, ``}`` and ``\\`` are snippet syntax."""
    return _SPECIAL.sub(r"\\\1", text)
