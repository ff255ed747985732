"""Problems mined from code that calls a library, in its programmers' own words.

A problem is a file's text up to a comment (or a function's docstring), the cursor on the next
line; its gold APIs are the library APIs that the next statement (or the function's body) calls,
resolved through the file's imports; its reference is that code. Doc pages count as files whose
examples sit under their prose, the gold being what the example calls. The query is never an API's
own docstring: the library's own modules are not mined, only its tests, examples and docs, and
other packages' code. A test function's docstring states what is checked, not what to write: it is
no query either.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

from apiary.docs.entry import ApiEntry
from apiary_training.suite.comments import comment_blocks, first_sentence, is_intent, is_intent_text
from apiary_training.suite.docpages import Example
from apiary_training.suite.gold import ApiResolver, decorator_apis, header_expressions

#: more APIs than this for one comment is a stretch of glue code, not one thing a comment asks for
MAX_GOLD = 4
MAX_FILE_CHARS = 400_000
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Problem:
    task_id: str
    library: str
    #: "comment" (above a statement), "docstring" (a function's, above its body) or "doc" (a doc page's prose
    #: above its example)
    kind: str
    #: where it was mined: ``sdist:tests/test_parser.py:120``, ``doc:docs/quickstart.rst:3`` or
    #: ``user:csvkit:csvkit/cli.py:88``
    source: str
    prompt: str
    #: the comment or docstring sentence alone: the query of the plain baselines
    intent: str
    gold_apis: tuple[str, ...]
    reference: str

    def to_json(self) -> dict:
        data = asdict(self)
        data["gold_apis"] = list(self.gold_apis)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Problem:
        return cls(**{**data, "gold_apis": tuple(data["gold_apis"])})


def mine_source(source: str, label: str, library: str, resolver: ApiResolver) -> list[Problem]:
    """Every problem one Python file gives; ``label`` names the file in task ids and sources."""
    module = _parse(source) if len(source) <= MAX_FILE_CHARS else None
    if module is None:
        return []
    lines = source.splitlines(keepends=True)
    statements = {_first_line(s): (s, chain) for s, chain in _statements(module, ())}
    problems = list(_comment_problems(source, lines, module, statements, label, library, resolver))
    return problems + list(_docstring_problems(lines, module, statements.values(), label, library, resolver))


def mine_page(
    header: str, examples: Sequence[Example], label: str, library: str, resolver: ApiResolver
) -> list[Problem]:
    """A doc page's problems: each example's prose as a comment above its first call, after the
    page's earlier examples; the gold is what the example calls from there on."""
    problems: list[Problem] = []
    context = header
    for number, example in enumerate(examples, 1):
        problem = _page_problem(context, example, f"{label}:{number}", library, resolver)
        if problem is not None:
            problems.append(problem)
        context += example.code.rstrip() + "\n\n"
    return problems


def _page_problem(context: str, example: Example, source: str, library: str, resolver: ApiResolver) -> Problem | None:
    module = _parse(context + example.code)
    if module is None or not is_intent_text(example.prose):
        return None
    offset = context.count("\n")
    block = [s for s in module.body if s.lineno > offset]
    start = next((i for i, s in enumerate(block) if any(isinstance(n, ast.Call) for n in ast.walk(s))), None)
    if start is None:
        return None
    gold = _gold([e for s in block[start:] for e in statement_apis(resolver, module, (), s, deep=True)])
    if not gold:
        return None
    lines = (context + example.code).splitlines(keepends=True)
    first = _first_line(block[start]) - 1
    prompt = "".join(lines[:first]) + f"# {example.prose}\n"
    reference = "".join(lines[first:]).strip()
    return Problem(f"{library}/{source}", library, "doc", source, prompt, example.prose, gold, reference)


def statement_apis(resolver: ApiResolver, module: ast.Module, chain: tuple[ast.AST, ...], statement: ast.stmt,
                   deep: bool = False) -> list[ApiEntry]:
    """The APIs a statement calls when the cursor reaches it; ``deep`` adds those of its body
    (a definition's, a loop's), each resolved with the names visible where it stands."""
    names = resolver.names_at(module, chain, statement.lineno)
    found = [*decorator_apis(resolver, statement, names), *resolver.calls(header_expressions(statement), names)]
    if deep:
        inner = (*chain, statement) if isinstance(statement, _DEFINITIONS) else chain
        for child, child_chain in _statements(statement, inner):
            names = resolver.names_at(module, child_chain, child.lineno)
            found += resolver.calls(header_expressions(child), names) + decorator_apis(resolver, child, names)
    return found


def _comment_problems(source, lines, module, statements, label, library, resolver) -> Iterator[Problem]:
    for block in comment_blocks(source):
        found = statements.get(block.last + 1)
        if found is None or not is_intent(block):
            continue
        statement, chain = found
        gold = _gold(statement_apis(resolver, module, chain, statement))
        if gold:
            prompt = "".join(lines[: block.last]) + _indent(lines[block.last])
            yield _problem(
                library, "comment", label, block.last + 1, prompt, block.text, gold, _reference(lines, statement)
            )


def _docstring_problems(lines, module, statements, label, library, resolver) -> Iterator[Problem]:
    for statement, chain in statements:
        if (
            not isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef)
            or len(statement.body) < 2
            or _is_test(statement, chain)
        ):
            continue
        intent = first_sentence(ast.get_docstring(statement) or "")
        if not is_intent_text(intent):
            continue
        inner = (*chain, statement)
        body = statement.body[1:]
        gold = _gold([e for s in body for e in statement_apis(resolver, module, inner, s, deep=True)])
        if gold:
            end = statement.body[0].end_lineno or statement.body[0].lineno
            prompt = "".join(lines[:end]) + _indent(lines[body[0].lineno - 1])
            reference = "".join(lines[body[0].lineno - 1 : statement.end_lineno]).strip()
            yield _problem(library, "docstring", label, body[0].lineno, prompt, intent, gold, reference)


def _gold(apis: list[ApiEntry]) -> tuple[str, ...]:
    """Distinct import paths in call order; none when there are too many to be one request."""
    gold = tuple(dict.fromkeys(e.import_path for e in apis))
    return gold if len(gold) <= MAX_GOLD else ()


def _is_test(function: ast.AST, chain: tuple[ast.AST, ...]) -> bool:
    owner = chain[-1] if chain else None
    return function.name.startswith("test") or (isinstance(owner, ast.ClassDef) and owner.name.startswith("Test"))


def _problem(
    library: str, kind: str, label: str, line: int, prompt: str, intent: str, gold: tuple[str, ...], reference: str
) -> Problem:
    source = f"{label}:{line}"
    return Problem(f"{library}/{source}", library, kind, source, prompt, intent, gold, reference)


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _statements(node: ast.AST, chain: tuple[ast.AST, ...]) -> Iterator[tuple[ast.stmt, tuple[ast.AST, ...]]]:
    """Every statement under ``node`` with the definitions that enclose it, outermost first."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.stmt):
            yield child, chain
        inner = (*chain, child) if isinstance(child, _DEFINITIONS) else chain
        if isinstance(child, ast.stmt | ast.excepthandler | ast.match_case):
            yield from _statements(child, inner)


def _first_line(statement: ast.stmt) -> int:
    """Where a statement starts, its decorators included."""
    return min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", ()))])


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _reference(lines: list[str], statement: ast.stmt) -> str:
    """A simple statement whole; a compound one's header only (what runs when the cursor reaches it)."""
    body = getattr(statement, "body", None)
    last = (
        (body[0].lineno - 1)
        if isinstance(body, list) and body and body[0].lineno > statement.lineno
        else statement.end_lineno
    )
    return "".join(lines[_first_line(statement) - 1 : last or statement.lineno]).strip()


def stable_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
