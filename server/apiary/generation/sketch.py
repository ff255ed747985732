"""CERT sketching: anonymize user-defined constants and/or names with CERT's pre-defined symbols.

One function serves inference (the sketcher's prompt and answers) and training (the sketch corpus), so
both see the same symbols (CERT, Zan et al. 2022, §3.2 and Figures 4-5)::

    df = pd.read_csv('anonyijcai22.csv', names=['user_1', 'user_2'])
    df = pd.read_csv(string, names=[string, string])

Decisions:

* One parser, tree-sitter, for every mode: it tolerates broken code (a half-written prompt, a truncated
  sample), so :func:`sketch` never raises on ``str`` input and sketches whatever parsed. Edits are byte
  ranges on the UTF-8 source, so everything not replaced stays byte-for-byte (non-ASCII included).
* Docstrings are natural language, not constants: :func:`sketch` keeps them, and comments, unchanged;
  ``strip_comments=True`` (the generator corpus, where CERT §3.2 removes comments from the sketch file)
  drops both — a docstring that is a body's only statement becomes ``pass``.
* ``-1`` becomes ``-number``: only the literal is a constant, the operator is code. ``None`` is kept.
* Names mode replaces only bare names the code itself binds (def -> ``func``, class -> ``AnClass``,
  assignment/loop/with/except targets, parameters, walrus -> ``variable``); a name is treated the same in
  every scope. Names after a ``.`` (library API, including ``self.x``), imported names, builtins,
  keyword-argument names, ``self``/``cls``, dunders and ``keep_names`` are never replaced.
"""

from __future__ import annotations

import builtins
import io
import threading
import tokenize
from collections.abc import Callable, Iterable, Iterator
from enum import Enum

import tree_sitter
import tree_sitter_python

Node = tree_sitter.Node
Edit = tuple[int, int, bytes]  # replace source bytes [start, end) with the text


class SketchMode(str, Enum):
    CONSTANTS = "constants"  # default CERT
    NAMES = "names"  # CERT-N
    BOTH = "both"  # CERT-NC


CONSTANT_SYMBOLS = frozenset(
    {
        "number", "string", "float", "bool", "complex", "binarystring", "interstring",
        "interrawstring", "floatexponant", "rawstring", "unicodestring",
    }
)  # fmt: skip
NAME_SYMBOLS = frozenset({"func", "AnClass", "variable"})
SYMBOLS = CONSTANT_SYMBOLS | NAME_SYMBOLS

_CONSTANTS = frozenset({"integer", "float", "true", "false", "string", "concatenated_string"})
_IMPORTS = frozenset({"import_statement", "import_from_statement", "future_import_statement"})
_TARGETS = frozenset(
    {
        "pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "list_splat_pattern",
        "list_splat", "parenthesized_expression", "as_pattern_target",
    }
)  # fmt: skip
_NEVER_REPLACED = frozenset(dir(builtins)) | {"self", "cls"}
_BUILTIN_SYMBOLS = frozenset({"float", "bool", "complex"})
_STR_METHODS = frozenset(dir(str))
_ENCODING = "surrogatepass"  # any str round-trips through UTF-8 bytes


def sketch(
    code: str,
    mode: SketchMode | str = SketchMode.CONSTANTS,
    keep_names: Iterable[str] = (),
    *,
    strip_comments: bool = False,
) -> str:
    """The CERT sketch of ``code``; layout, comments and docstrings kept unless ``strip_comments``."""
    mode = SketchMode(mode)
    source = code.encode("utf-8", _ENCODING)
    root = _parse(source)
    docstrings = _docstrings(root)
    edits: list[Edit] = []
    if mode is not SketchMode.NAMES:
        edits += _constant_edits(root, {node.start_byte for node in docstrings})
    if mode is not SketchMode.CONSTANTS:
        edits += _name_edits(root, frozenset(keep_names))
    if strip_comments:
        edits += _comment_edits(root, source) + _docstring_edits(docstrings, source)
    return _apply(source, edits).decode("utf-8", _ENCODING)


def is_complete_sketch(sketch_text: str, keep_names: Iterable[str] = ()) -> bool:
    """True when ``sketch_text`` is code with no placeholder symbol left (CERT then answers with it).

    A symbol spelling counts as a placeholder only where a literal or a bound name could stand: never in
    strings or comments, after a ``.``, as a keyword-argument name, in an import, or when the text imports
    it or ``keep_names`` holds it. A constant symbol the text binds (``string = ...``, ``def f(number)``)
    is a real name, since literals cannot be bound; ``float``/``bool``/``complex`` called, in annotations
    or in ``isinstance`` are the builtins; ``string.attr`` with a non-``str`` attribute is the ``string``
    module. Doubt counts as a placeholder (the generator then runs, which is the safe side). Blank or
    comment-only text is not a complete sketch.
    """
    root = _parse(sketch_text.encode("utf-8", _ENCODING))
    if not any(child.type != "comment" for child in root.named_children):
        return False
    bound = {name for name in _bound_names(root) if name in CONSTANT_SYMBOLS}
    real = _imported_names(root) | bound | frozenset(keep_names)
    names = (node for node in _walk(root, _is_import) if node.type == "identifier")
    return not any(_is_placeholder(node, real) for node in names)


def normalize_sketch(text: str) -> str:
    """A layout-free key for voting among sampled sketches.

    Comments and blank lines go; each logical line becomes one line indented four spaces per level, its
    tokens joined with no space except a single one between two word tokens (``x=pd.f(a,b)``). Where
    Python's tokenizer gives up (a truncated sample), the rest of the text joins with whitespace collapsed.
    """
    return "\n".join(_token_lines(text))


# --- parsing and editing ---------------------------------------------------------------------------


_LANGUAGE = tree_sitter.Language(tree_sitter_python.language())
_LOCAL = threading.local()  # a tree-sitter parser is not to be shared between threads


def _parse(source: bytes) -> Node:
    if not hasattr(_LOCAL, "parser"):
        _LOCAL.parser = tree_sitter.Parser(_LANGUAGE)
    return _LOCAL.parser.parse(source).root_node


def _walk(root: Node, prune: Callable[[Node], bool] = lambda node: False) -> Iterator[Node]:
    """Nodes in document order; the children of a node ``prune`` accepts are skipped."""
    cursor = root.walk()
    while True:
        node = cursor.node
        yield node
        if not prune(node) and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def _apply(source: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply edits in order; one overlapping an earlier (or wider, same-start) edit is dropped."""
    parts, cursor = [], 0
    for start, end, text in sorted(edits, key=lambda edit: (edit[0], -edit[1])):
        if start < cursor:
            continue
        parts += [source[cursor:start], text]
        cursor = end
    parts.append(source[cursor:])
    return b"".join(parts)


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", _ENCODING)


def _is_import(node: Node) -> bool:
    return node.type in _IMPORTS


# --- constants ---------------------------------------------------------------------------------------


def _constant_edits(root: Node, docstring_starts: set[int]) -> list[Edit]:
    edits: list[Edit] = []
    for node in _walk(root, lambda node: node.type in _CONSTANTS):
        if node.type not in _CONSTANTS or node.start_byte in docstring_starts:
            continue
        if node.type == "concatenated_string":
            edits += _concatenation_edits(node)
        elif symbol := _constant_symbol(node):
            edits.append((node.start_byte, node.end_byte, symbol.encode()))
    return edits


def _constant_symbol(node: Node) -> str | None:
    text = _text(node).lower()
    if node.type in ("integer", "float") and text.endswith("j"):
        return "complex"
    if node.type == "float":
        return "floatexponant" if "e" in text else "float"
    if node.type == "string":
        return _string_symbol(node)
    return {"integer": "number", "true": "bool", "false": "bool"}.get(node.type)


def _string_symbol(node: Node) -> str | None:
    start = node.child(0)
    if start is None or start.type != "string_start":
        return None
    prefix = _text(start).rstrip("'\"").lower()
    if "b" in prefix:
        return "binarystring"
    if "f" in prefix or "t" in prefix:
        return "interrawstring" if "r" in prefix else "interstring"
    return "rawstring" if "r" in prefix else "unicodestring" if "u" in prefix else "string"


def _concatenation_edits(node: Node) -> list[Edit]:
    """One symbol for ``'a' 'b'``; comments between the parts survive, with the layout around them."""
    parts = [child for child in node.named_children if child.type == "string"]
    if not parts:
        return []
    symbols = [_string_symbol(part) or "string" for part in parts]
    symbol = next((s for s in symbols if s.startswith("inter")), symbols[0]).encode()
    if not any(child.type == "comment" for child in node.named_children):
        return [(parts[0].start_byte, parts[-1].end_byte, symbol)]
    return [(parts[0].start_byte, parts[0].end_byte, symbol)] + [
        (p.start_byte, p.end_byte, b"") for p in parts[1:]
    ]


# --- names -------------------------------------------------------------------------------------------


def _name_edits(root: Node, keep_names: frozenset[str]) -> list[Edit]:
    protected = _NEVER_REPLACED | _imported_names(root) | keep_names
    symbols = {
        name: s for name, s in _bound_names(root).items() if name not in protected and not _is_dunder(name)
    }
    return [
        (node.start_byte, node.end_byte, symbols[_text(node)].encode())
        for node in _walk(root, _is_import)
        if node.type == "identifier" and _text(node) in symbols and _is_bare_name(node)
    ]


def _bound_names(root: Node) -> dict[str, str]:
    """Names the code binds, with their symbol; a def or class outranks a variable of the same name."""
    found: dict[str, str] = {}
    for node in _walk(root, _is_import):
        for name, symbol in _bindings(node):
            if symbol != "variable" or name not in found:
                found[name] = symbol
    return found


def _bindings(node: Node) -> list[tuple[str, str]]:
    kind = node.type
    if kind in ("function_definition", "class_definition"):
        name = node.child_by_field_name("name")
        return [(_text(name), "func" if kind == "function_definition" else "AnClass")] if name else []
    if kind in ("assignment", "augmented_assignment", "for_statement", "for_in_clause"):
        targets = _target_names(node.child_by_field_name("left"))
    elif kind == "as_pattern_target":
        targets = _target_names(node)
    elif kind == "named_expression":
        targets = _target_names(node.child_by_field_name("name"))
    elif kind in ("parameters", "lambda_parameters"):
        targets = [name for child in node.named_children if (name := _parameter_name(child))]
    else:
        return []
    return [(_text(target), "variable") for target in targets]


def _target_names(node: Node | None) -> list[Node]:
    """Identifiers an assignment target binds; ``a.b`` and ``a[i]`` bind none."""
    if node is None:
        return []
    if node.type == "identifier":
        return [node]
    if node.type in _TARGETS:
        return [name for child in node.named_children for name in _target_names(child)]
    return []


def _parameter_name(node: Node) -> Node | None:
    if node.type == "identifier":
        return node
    name = node.child_by_field_name("name")
    if name is not None:
        return name
    first = node.named_children[0] if node.named_children else None
    return _parameter_name(first) if first is not None and first.type != "type" else None


def _imported_names(root: Node) -> frozenset[str]:
    """Every identifier spelled in an import: modules, imported names and aliases."""
    imports = (node for node in _walk(root) if _is_import(node))
    return frozenset(_text(name) for node in imports for name in _walk(node) if name.type == "identifier")


def _is_bare_name(node: Node) -> bool:
    """Not an attribute (after ``.``, even in broken code) nor a keyword-argument or keyword-pattern name."""
    previous = _previous_token(node)
    if previous is not None and previous.type == ".":
        return False
    parent = node.parent
    if parent is None or parent.type not in ("keyword_argument", "keyword_pattern"):
        return True
    return parent.named_children[0].start_byte != node.start_byte


def _previous_token(node: Node) -> Node | None:
    while node.prev_sibling is None:
        if node.parent is None:
            return None
        node = node.parent
    previous = node.prev_sibling
    while previous is not None and previous.child_count:
        previous = previous.child(previous.child_count - 1)
    return previous


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


# --- comments and docstrings -------------------------------------------------------------------------


def _docstrings(root: Node) -> list[Node]:
    """Expression statements in docstring position: first in the module, a class or a function body."""
    bodies = [root] + [
        body
        for node in _walk(root)
        if node.type in ("function_definition", "class_definition")
        and (body := node.child_by_field_name("body")) is not None
    ]
    return [
        first for body in bodies if (first := _first_statement(body)) is not None and _is_docstring(first)
    ]


def _first_statement(body: Node) -> Node | None:
    return next((child for child in body.named_children if child.type != "comment"), None)


def _is_docstring(statement: Node) -> bool:
    children = statement.named_children
    return statement.type == "expression_statement" and len(children) == 1 and children[0].type in (
        "string", "concatenated_string",
    )  # fmt: skip


def _comment_edits(root: Node, source: bytes) -> list[Edit]:
    """Delete comments: a comment-only line goes whole, an inline one with the spaces before it."""
    edits: list[Edit] = []
    for node in _walk(root):
        if node.type != "comment":
            continue
        line_start = source.rfind(b"\n", 0, node.start_byte) + 1
        before = source[line_start : node.start_byte]
        if before.strip():
            edits.append((line_start + len(before.rstrip()), node.end_byte, b""))
        else:
            edits.append((line_start, _next_line(source, node.end_byte), b""))
    return edits


def _docstring_edits(docstrings: list[Node], source: bytes) -> list[Edit]:
    """Delete docstrings on lines of their own; ``pass`` where one is a body's only statement."""
    edits: list[Edit] = []
    for statement in docstrings:
        line_start = source.rfind(b"\n", 0, statement.start_byte) + 1
        line_end = _next_line(source, statement.end_byte)
        after = source[statement.end_byte : line_end].strip()
        own_lines = not source[line_start : statement.start_byte].strip() and (not after or after[:1] == b"#")
        if own_lines and not _only_statement(statement):
            edits.append((line_start, line_end, b""))
        else:
            edits.append((statement.start_byte, statement.end_byte, b"pass"))
    return edits


def _only_statement(statement: Node) -> bool:
    parent = statement.parent
    if parent is None or parent.type != "block":
        return False
    return sum(child.type != "comment" for child in parent.named_children) == 1


def _next_line(source: bytes, offset: int) -> int:
    """The offset just past the line break that ends the line holding ``offset``."""
    newline = source.find(b"\n", offset)
    return len(source) if newline < 0 else newline + 1


# --- completeness ------------------------------------------------------------------------------------


def _is_placeholder(node: Node, real: frozenset[str]) -> bool:
    name = _text(node)
    if name not in SYMBOLS or name in real or not _is_bare_name(node):
        return False
    if name in _BUILTIN_SYMBOLS and _is_builtin_use(node):
        return False
    return not (name == "string" and _attribute_after(node) not in (None, *_STR_METHODS))


def _is_builtin_use(node: Node) -> bool:
    """``float(x)``, ``x: float``, ``-> bool``, ``isinstance(x, complex)``."""
    parent = node.parent
    if parent is not None and parent.type == "call":
        return parent.child_by_field_name("function") == node
    if parent is not None and parent.type == "argument_list" and parent.parent is not None:
        function = parent.parent.child_by_field_name("function")
        if function is not None and _text(function) in ("isinstance", "issubclass"):
            return True
    ancestor = parent
    while ancestor is not None and ancestor.type != "type":
        ancestor = ancestor.parent
    return ancestor is not None


def _attribute_after(node: Node) -> str | None:
    parent = node.parent
    if parent is None or parent.type != "attribute" or parent.child_by_field_name("object") != node:
        return None
    attribute = parent.child_by_field_name("attribute")
    return _text(attribute) if attribute is not None else None


# --- normalization -----------------------------------------------------------------------------------


class _Lines:
    """Canonical logical lines, built token by token."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.depth = 0

    def add(self, token: tokenize.TokenInfo) -> None:
        if token.type in (tokenize.INDENT, tokenize.DEDENT):
            self.depth += 1 if token.type == tokenize.INDENT else -1
        elif token.type == tokenize.NEWLINE:
            self.end_line()
        elif token.type not in _SKIPPED_TOKENS and token.string.strip():
            self.word(token.string)

    def word(self, text: str) -> None:
        if self.current and _is_word_char(self.current[-1][-1]) and _is_word_char(text[0]):
            self.current.append(" ")
        self.current.append(text)

    def end_line(self) -> list[str]:
        if self.current:
            self.lines.append("    " * max(self.depth, 0) + "".join(self.current))
        self.current = []
        return self.lines


_SKIPPED_TOKENS = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER})


def _token_lines(text: str) -> list[str]:
    """Tokens until Python's tokenizer gives up; the rest of the text then joins as one collapsed run."""
    lines, end = _Lines(), (1, 0)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            lines.add(token)
            end = token.end
    except (tokenize.TokenError, SyntaxError):
        rest = " ".join(_text_after(text, end).split())
        if rest:
            lines.word(rest)
    return lines.end_line()


def _text_after(text: str, position: tuple[int, int]) -> str:
    row, column = position
    lines = io.StringIO(text).readlines()  # the lines tokenize numbered
    return text[sum(len(line) for line in lines[: row - 1]) + column :]


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"
