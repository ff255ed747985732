"""The completion engine: what an editor asks of Apiary, on plain text and offsets, with no editor in it.

`lsp/` and `cli/` use it through the names below, and nothing in it imports pygls, `lsp/` or `cli/`.

- `session.py`: `Session`, the server's state: settings, libraries (`workspace.py`), the assembled
  parts and the completions it showed (`records.py`); loading and indexing block, so run them in a worker.
- `assist.py`: what a handler calls: read the code at a cursor, complete, suggest and describe APIs.
- `assemble.py`: the parts built from plain options (`build_engine`), the same for the server, the
  CLI and the benchmarks; `pipeline.py`: context -> retrieve -> generate -> check -> rank in a budget.

A name loads its module on first use, so importing the package costs nothing (the CLI's help stays fast).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apiary.engine.assemble import (
        GENERATOR_ALIASES,
        WITHOUT_API_RERANKER,
        ModelOptions,
        build_engine,
        load_api_reranker,
    )
    from apiary.engine.assist import (
        call_snippet,
        code_context,
        comment_context,
        comment_intent,
        complete,
        editor_context,
        entry_at,
        entry_markdown,
        find_entry,
        imported_libraries,
        reference_name,
        suggest_apis,
        word_at,
    )
    from apiary.engine.records import CompletionRecord
    from apiary.engine.session import Session

__all__ = [
    # the state a server keeps, and what it remembers of each completion it showed
    "Session",
    "CompletionRecord",
    # the code at a cursor
    "editor_context",
    "imported_libraries",
    "comment_intent",
    "comment_context",
    "code_context",
    # what an editor asks for
    "complete",
    "suggest_apis",
    "find_entry",
    "entry_at",
    "word_at",
    "reference_name",
    "call_snippet",
    "entry_markdown",
    # the parts from plain options, without a session (the CLI, the benchmarks)
    "ModelOptions",
    "build_engine",
    "load_api_reranker",
    "GENERATOR_ALIASES",
    "WITHOUT_API_RERANKER",
]

#: the modules that define the names, cheapest first: a name loads no more than it needs
_HOMES = ("records", "assemble", "session", "assist")


def __getattr__(name: str) -> Any:
    if name in __all__:
        for home in _HOMES:
            module = importlib.import_module(f"{__name__}.{home}")
            if hasattr(module, name):
                value = globals()[name] = getattr(module, name)  # later lookups do not come here
                return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
