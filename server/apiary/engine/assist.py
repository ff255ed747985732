"""The operations an editor asks for, on plain text and offsets: read the code at a cursor, complete,
suggest APIs, describe one.

Blocking and LSP-free (the server runs these in workers and converts the results). The fast path
(automatic triggers) makes one pass of the configured generator within ``maxLatencyMs``; the slow
path (manual triggers, code actions) may use CERT and samples more candidates.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

from apiary.budget import RequestKind
from apiary.context import EditorContext, ParsedDocument, extract_context
from apiary.docs.catalogue import Catalogue
from apiary.docs.docstring_markdown import docstring_markdown
from apiary.docs.entry import ApiEntry, ApiKind
from apiary.engine.assemble import GENERATOR_ALIASES
from apiary.engine.records import CompletionRecord
from apiary.engine.session import Session
from apiary.generation.placement import Placement, placement, repeats_previous
from apiary.generation.site import code_site
from apiary.generation.types import CodeContext, GenerationSettings
from apiary.retrieval.hybrid import ScoredApi
from apiary.retrieval.query import query_from_context
from apiary.snippet import escape

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CALLABLE = (ApiKind.FUNCTION, ApiKind.METHOD, ApiKind.CLASS, ApiKind.ALIAS)


def editor_context(text: str, offset: int, document: ParsedDocument | None = None) -> EditorContext:
    """What the code at ``offset`` says: the intent, the imports, the names in scope, the receiver.
    ``document`` is the kept parse tree of ``text``, if there is one (else the text is parsed)."""
    return extract_context(text, offset, document)


def imported_libraries(text: str, document: ParsedDocument | None = None) -> tuple[str, ...]:
    """The top-level packages the document imports, in order (no standard library, no relative imports)."""
    return editor_context(text, len(text), document).libraries


def comment_intent(text: str, offset: int) -> str:
    """What the comment above (or on) the cursor's line asks for, markers stripped; "" if none."""
    return editor_context(text, offset).intent


def comment_context(text: str, starts: Sequence[int], line: int, offset: int) -> EditorContext:
    """What "Suggest API sequence…" reads at the comment on ``line`` (0-based; ``starts``: the text's
    line starts, ``offset``: the cursor's): the comment with the code above it, read where the code
    written for it goes (`generation.site.code_site`)."""
    site = code_site(text, starts, line, offset)
    return editor_context(site.text, site.cursor)


def code_context(text: str, offset: int, document: ParsedDocument | None = None) -> CodeContext:
    """The pipeline's context, with the editor context read from the document's kept parse tree."""
    context = CodeContext(text[:offset], text[offset:])
    # CodeContext.editor is a cached_property: fill it from the incremental tree instead of re-parsing.
    context.__dict__["editor"] = editor_context(text, offset, document)
    return context


def complete(session: Session, context: CodeContext, *, manual: bool, cancel: threading.Event,
             apis: Sequence[ApiEntry] | None = None) -> list[CompletionRecord]:
    """Candidates for the cursor, best first, each recorded for `apiary.explain`."""
    engine = session.engine
    if engine is None or placement(context.editor) is Placement.NOTHING:
        return []  # inside a comment or string, after a complete statement, before text on the line
    s = session.settings
    generator = GENERATOR_ALIASES.get(s.generator, s.generator)
    n = 1
    if manual:
        generator = "cert" if "cert" in engine.generators else generator
        n = 3
    budget = session.budget.ms(RequestKind.MANUAL if manual else RequestKind.AUTOMATIC)
    settings = GenerationSettings(top_apis=s.top_apis, time_budget_ms=budget)
    result = engine.pipeline.complete(context, generator=generator, apis=apis, n=n, settings=settings, cancel=cancel)
    records = []
    for candidate in result.candidates:
        if not candidate.text.strip() or repeats_previous(context.editor, candidate.text):
            continue
        record = CompletionRecord(
            candidate, list(result.apis), result.generator, result.timings_ms, result.fallback_reason
        )
        session.record(record)
        records.append(record)
    return records


def suggest_apis(session: Session, editor: EditorContext, top_k: int) -> list[ScoredApi]:
    """The library APIs that fit the cursor: the comment's intent, the receiver's type after a dot."""
    engine = session.engine
    if engine is None:
        return []
    return engine.retriever.search(query_from_context(editor), top_k=top_k)


def find_entry(session: Session, import_path: str) -> ApiEntry | None:
    for index in session.libraries.indexes():
        entry = index.catalogue.find(import_path)
        if entry is not None:
            return entry
    return None


def word_at(line: str, column: int) -> tuple[int, int] | None:
    """Start and end columns of the identifier under (or just before) ``column``."""
    for match in _IDENTIFIER.finditer(line):
        if match.start() <= column <= match.end():
            return match.start(), match.end()
    return None


def entry_at(session: Session, text: str, offset: int, word_end: int, word: str,
             document: ParsedDocument | None = None) -> ApiEntry | None:
    """The private API named at the cursor: through the receiver's type, the imports, or the name."""
    editor = editor_context(text, word_end, document)
    catalogues = [index.catalogue for index in session.libraries.indexes()]
    paths: list[str] = []
    if editor.receiver_origin:
        paths.append(f"{editor.receiver_origin}.{word}")
    for binding in editor.imports:
        if binding.local == word:
            paths.append(binding.target)
        elif editor.receiver and editor.receiver.split(".")[0] == binding.local:
            paths.append(binding.target + editor.receiver[len(binding.local):] + "." + word)
    for catalogue in catalogues:
        for path in paths:
            entry = catalogue.find(path) or _inherited(catalogue, path)
            if entry is not None:
                return entry
    named = [catalogue.entries[i] for catalogue in catalogues for i in catalogue.by_name.get(word, [])]
    named.sort(key=lambda e: (e.kind == ApiKind.ALIAS, e.kind == ApiKind.METHOD, len(e.import_path)))
    return named[0] if named else None


def _inherited(catalogue: Catalogue, path: str) -> ApiEntry | None:
    owner, _, name = path.rpartition(".")
    for ancestor in catalogue.ancestors(owner)[1:] if owner else []:
        entry = catalogue.find(f"{ancestor}.{name}")
        if entry is not None:
            return entry
    return None


def reference_name(entry: ApiEntry, editor: EditorContext) -> str:
    """How the code at the cursor refers to ``entry``: just its name after a dot or when imported by
    name, ``alias.path`` under a module import (``hc.read_delimited``), else its name."""
    if editor.receiver or entry.owner:
        return entry.name
    for binding in editor.imports:
        if binding.target == entry.import_path:
            return binding.local
        if binding.is_module and entry.import_path.startswith(binding.target + "."):
            return binding.local + entry.import_path[len(binding.target):]
    return entry.name


def call_snippet(entry: ApiEntry, name: str) -> str | None:
    """``name(${1:a}, ${2:b})`` with the required parameters as tab stops; None for non-callables."""
    if entry.kind not in _CALLABLE:
        return None
    required = [p for p in entry.params if p.required and p.kind != "keyword_only"]
    keyword = [p for p in entry.params if p.required and p.kind == "keyword_only"]
    stops = [f"${{{i}:{escape(p.name)}}}" for i, p in enumerate(required, 1)]
    stops += [f"{p.name}=${{{i}:{escape(p.name)}}}" for i, p in enumerate(keyword, len(stops) + 1)]
    return f"{escape(name)}({', '.join(stops)})$0" if stops else f"{escape(name)}($1)$0"


def entry_markdown(entry: ApiEntry) -> str:
    """Signature, the docstring as written and the first example, as Markdown."""
    head = entry.import_path + (entry.signature if entry.signature.startswith("(") else "")
    parts = [f"```python\n{head}\n```"]
    doc = entry.doc or entry.description
    if doc:
        parts.append(docstring_markdown(doc.split("\nExample", 1)[0].strip() if entry.examples else doc))
    if entry.examples:
        parts.append(f"**Example**\n\n```python\n{entry.examples[0]}\n```")
    parts.append(f"*{entry.library}* · {entry.kind.value}")
    return "\n\n".join(parts)
