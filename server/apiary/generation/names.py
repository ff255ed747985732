"""Names a candidate uses that nothing defines: not bound before the cursor, not imported, not a
builtin, not bound by the candidate itself. Such code fails with a NameError the moment it runs
(``keyfilter(predicate, env)`` where no ``predicate`` exists), so it is never shown as it is.
"""

from __future__ import annotations

import ast
import builtins
import re
import textwrap

from apiary.context import EditorContext

#: what every module can read without defining it
BUILTINS = frozenset(dir(builtins)) | {"__name__", "__file__", "__doc__", "__builtins__", "__spec__"}
#: functions and classes the file defines at any depth, after the cursor too (a helper written
#: below the code that calls it is found when that code runs)
_DEFINITION = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


def undefined_names(completion: str, context: EditorContext) -> set[str]:
    """Free names of ``completion`` (inserted at the cursor of ``context``) defined nowhere; empty
    when the text does not parse (the syntax check judges that)."""
    tree = _parse(textwrap.dedent(context.line_prefix + completion))
    return free_names(tree, context) if tree is not None else set()


def free_names(tree: ast.AST, context: EditorContext, defined: set[str] | None = None) -> set[str]:
    """Names ``tree`` reads that neither it nor the code at the cursor defines (``defined``, when
    the caller has it already); none when a star import may define anything."""
    if any(b.local == "*" for b in context.imports):
        return set()
    return used_names(tree) - bound_names(tree) - (defined if defined is not None else defined_names(context))


def defined_names(context: EditorContext) -> set[str]:
    """Every name the code at the cursor can see without the candidate."""
    names = {o.name for o in context.scope} | {b.local for b in context.imports}
    names |= set(_DEFINITION.findall(context.text_before)) | set(_DEFINITION.findall(context.text_after))
    return names | BUILTINS


def used_names(tree: ast.AST) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def bound_names(tree: ast.AST) -> set[str]:
    """Names the candidate binds anywhere in itself (targets, loop and comprehension variables,
    lambda and function parameters, definitions, imports, ``except ... as``)."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
    return bound


def _parse(source: str) -> ast.Module | None:
    """The candidate as a module; a candidate that opens a block (``for x in xs:``) parses with a body."""
    text = source.rstrip()
    for attempt in (text, text + "\n    pass"):
        try:
            return ast.parse(attempt or "pass")
        except SyntaxError:
            continue
    return None
