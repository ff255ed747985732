"""From the editor context to what the retriever searches with.

The query is never a hand-cleaned description: it is the nearest comment (the intent), split into
clauses for multi-step requests, plus what the code says — which libraries are imported and under
which names, which imported names are still unused, and what objects are in scope.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from apiary.context import EditorContext, ValueOrigin, extract_context_from_prefix
from apiary.words import humanize, lexical_tokens

# Words that start a new step in a multi-step request ("zip them, then cycle three times").
_CLAUSE_BREAK = re.compile(
    r"(?:[.;!?](?:\s+|$))|\b(?:and\s+then|then|after\s+that|afterwards|finally|also|furthermore|moreover|"
    r"whatsmore|what's\s+more|second(?:ly)?|third(?:ly)?|next|besides)\b[,:]?",
    re.IGNORECASE,
)
_BACKTICKED = re.compile(r"`([A-Za-z_][\w.]*)(?:\(\))?`")
# snake_case, camelCase and dotted identifiers written in prose are names, not words
_CODE_LIKE = re.compile(r"\b([A-Za-z]\w*(?:_\w+)+|[a-z]+[A-Z]\w*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\b")
_CALL_MENTION = re.compile(r"\b([A-Za-z_][\w.]*)\(\)")


@dataclass(frozen=True)
class ImportedName:
    local: str
    target: str
    #: the name appears in the code after its import: imported names not used yet are what the user
    #: imported *for* the code about to be written
    used: bool


@dataclass(frozen=True)
class ApiQuery:
    intent: str
    clauses: tuple[str, ...] = ()
    libraries: tuple[str, ...] = ()
    imported: tuple[ImportedName, ...] = ()
    scope: tuple[ValueOrigin, ...] = ()
    receiver: str | None = None
    receiver_origin: str | None = None
    #: identifiers the intent names explicitly ("use `collate_fn`", "call unravel_index()")
    mentioned: tuple[str, ...] = ()
    code_words: tuple[str, ...] = ()
    #: names called in the code just before the cursor: what was just used is often used again
    recent_calls: tuple[str, ...] = ()
    #: how many names the cursor line assigns (``a, b = ``): an API returning that many values fits
    assign_count: int = 0
    #: how often the file calls each name before the cursor: what a file calls, it calls again
    call_counts: tuple[tuple[str, int], ...] = ()
    #: the intent with what the code around it says (the enclosing function, the name being
    #: assigned): a second text to compare with the APIs', for comments that lean on their code
    context_text: str = ""
    #: few lines of code before the cursor: what a short file has called is its setup (the data the
    #: comment talks about), where a long one calls the same APIs again and again
    short_context: bool = False
    #: classes the file defines, with their bases resolved through its imports
    local_classes: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.intent or self.receiver or any(not i.used for i in self.imported))


def split_clauses(intent: str) -> tuple[str, ...]:
    """The steps of a multi-step request; a single-step intent gives no clauses."""
    parts = [p.strip(" ,") for p in _CLAUSE_BREAK.split(intent) if p and p.strip(" ,")]
    parts = [p for p in parts if len(lexical_tokens(p)) >= 2]
    return tuple(parts) if len(parts) > 1 else ()


def mentioned_names(intent: str) -> tuple[str, ...]:
    found = [m.group(1) for pattern in (_BACKTICKED, _CALL_MENTION, _CODE_LIKE) for m in pattern.finditer(intent)]
    return tuple(dict.fromkeys(n.rsplit(".", 1)[-1] for n in found))


def query_from_context(context: EditorContext) -> ApiQuery:
    code_after_imports = _code_without_imports(context.text_before)
    imported = tuple(
        ImportedName(b.local, b.target, used=bool(re.search(rf"\b{re.escape(b.local)}\b", code_after_imports)))
        for b in context.imports
    )
    return ApiQuery(
        intent=context.intent,
        clauses=split_clauses(context.intent),
        libraries=context.libraries,
        imported=imported,
        scope=context.scope,
        receiver=context.receiver,
        receiver_origin=context.receiver_origin,
        mentioned=mentioned_names(context.intent),
        code_words=context.code_identifiers[:30],
        recent_calls=recent_calls(code_after_imports),
        assign_count=len([t for t in (context.assign_target or "").split(",") if t.strip()]),
        call_counts=tuple(Counter(m.group(1) for m in _CALL.finditer(code_after_imports)).items()),
        context_text=context_text(context),
        short_context=sum(1 for line in code_after_imports.splitlines() if line.strip()) < SHORT_CONTEXT_LINES,
        local_classes=local_classes(context.text_before, {b.local: b.target for b in context.imports}),
    )


_CLASS = re.compile(r"^[ \t]*class[ \t]+([A-Za-z_]\w*)[ \t]*\(([^)]*)\)[ \t]*:", re.MULTILINE)


def local_classes(text_before: str, imports: dict[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``class UserSchema(ma.Schema):`` -> ("UserSchema", ("marshmallow.Schema",)): each base's head
    resolved through the file's imports (keyword arguments such as ``metaclass=`` left out)."""
    found = []
    for match in _CLASS.finditer(text_before):
        bases = []
        for base in (b.strip() for b in match.group(2).split(",")):
            if re.fullmatch(r"[A-Za-z_][\w.]*", base):
                head, _, rest = base.partition(".")
                bases.append(".".join(p for p in (imports.get(head, head), rest) if p))
        found.append((match.group(1), tuple(bases)))
    return tuple(found)


#: fewer code lines than this (imports and comments aside) before the cursor make a short context
SHORT_CONTEXT_LINES = 15


def context_text(context: EditorContext) -> str:
    """``<intent> (in <enclosing function>) -> <assigned name>``, names read as words; "" when the
    code adds nothing to the intent."""
    parts = [context.intent]
    function = enclosing_function(context.text_before, len(context.indent.expandtabs(4)))
    if function:
        parts.append(f"(in {humanize(function)})")
    if context.assign_target:
        parts.append(f"-> {humanize(context.assign_target)}")
    return " ".join(parts) if context.intent and len(parts) > 1 else ""


_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)


def enclosing_function(text_before: str, indent: int) -> str | None:
    """The name of the innermost ``def`` the cursor's statement (indented ``indent``) is inside."""
    for match in reversed(list(_DEF.finditer(text_before))):
        if len(match.group(1).expandtabs(4)) < indent:
            return match.group(2)
    return None


def recent_calls(code: str, lines: int = 40) -> tuple[str, ...]:
    """Functions and methods called in the last ``lines`` lines of code, most recent first."""
    recent = "\n".join(code.splitlines()[-lines:])
    names = [m.group(1) for m in _CALL.finditer(recent)]
    return tuple(dict.fromkeys(reversed(names)))


_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")


def query_from_text(text: str, libraries: tuple[str, ...] = ()) -> ApiQuery:
    """A CLI/search query: code (several lines or an import) is read as editor context, else as intent."""
    if "\n" in text.strip() or re.search(r"^\s*(?:import|from)\s", text, re.MULTILINE):
        query = query_from_context(extract_context_from_prefix(text))
        return query if query.libraries or not libraries else replace(query, libraries=libraries)
    intent = text.strip()
    return ApiQuery(
        intent=intent, clauses=split_clauses(intent), libraries=libraries, mentioned=mentioned_names(intent)
    )


_PARENTHESIZED_IMPORT = re.compile(r"^\s*from\s+\S+\s+import\s*\([^)]*\)?", re.MULTILINE | re.DOTALL)


def _code_without_imports(text: str) -> str:
    text = _PARENTHESIZED_IMPORT.sub("", text)
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("import ", "from ", "#")):
            continue
        lines.append(line.split("#", 1)[0])
    return "\n".join(lines)
