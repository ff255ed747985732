"""LSP snippets (``${1:placeholder}``): the one escape every writer of snippets shares."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([$}\\])")


def escape(text: str) -> str:
    """``text`` as a snippet inserts it: ``$``, ``}`` and ``\\`` are snippet syntax."""
    return _SPECIAL.sub(r"\\\1", text)


#: a tab stop whose placeholder is a bare name: ``${1:path}``
_NAMED_TAB_STOP = re.compile(r"\$\{\d+:([A-Za-z_]\w*)\}")


def placeholder_names(snippet: str | None) -> frozenset[str]:
    """The names a snippet's tab stops hold (``read(${1:path})`` -> path): the user writes them, so
    the plain text's ``path`` is no name the code reads."""
    return frozenset(tab_stop_names(snippet))


def tab_stop_names(snippet: str | None) -> tuple[str, ...]:
    """Those names in the order the snippet holds them, each once."""
    return tuple(dict.fromkeys(_NAMED_TAB_STOP.findall(snippet))) if snippet else ()
