"""Editor context: what the user intends, which library they use and what is in scope at the cursor.

Pure and LSP-free: it takes text and offsets. `positions` converts LSP positions to offsets,
`ParsedDocument` keeps a tree-sitter tree in step with edits, `extract_context` reads the context.
"""

from apiary.context.document import ParsedDocument
from apiary.context.extract import extract_context, extract_context_from_prefix
from apiary.context.intent import looks_like_code
from apiary.context.model import EditorContext, ImportBinding, ValueOrigin
from apiary.context.positions import column_index, column_units, offset_at, position_at

__all__ = [
    "EditorContext",
    "ImportBinding",
    "ParsedDocument",
    "ValueOrigin",
    "column_index",
    "column_units",
    "extract_context",
    "extract_context_from_prefix",
    "looks_like_code",
    "offset_at",
    "position_at",
]
