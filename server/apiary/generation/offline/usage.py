"""Usage examples of a library's APIs, mined from its own code: docstring examples, its tests, and
files of the workspace that use it.

Each call into the library becomes a `Usage`: the call expression as written, which names in it the
example itself bound (they will be replaced by names of the user's context), and the comment that
introduced it. These are the sketches of the offline generator: learned from the library, not from
a model's weights.
"""

from __future__ import annotations

import ast
import logging
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from apiary.comments import comments_above
from apiary.docs.catalogue import Catalogue
from apiary.docs.dotted import dotted_name
from apiary.docs.entry import ApiKind
from apiary.docs.files import read_bounded

log = logging.getLogger(__name__)

_MAX_FILE_BYTES = 300_000


@dataclass(frozen=True)
class Usage:
    #: import paths of every library API the expression calls, outermost last
    apis: tuple[str, ...]
    #: the call expression, as ``ast.unparse`` writes it
    call: str
    #: names the example bound to functions (``def f``, ``f = lambda``)
    functions: frozenset[str]
    #: names the example bound to values
    variables: frozenset[str]
    #: names the example imported, local name -> dotted target
    imports: tuple[tuple[str, str], ...]
    #: how many names the statement assigns (``a, b = ...`` -> 2), 0 if it is not an assignment
    targets: int
    #: the assignment's target as written (``dp1, dp2``), for completions on an empty line
    assigned: str | None
    #: the comment lines right above the statement in the example
    comment: str
    #: where it was found: "doc:<import path>", "file:<path>:<line>"
    origin: str

    @property
    def api(self) -> str:
        return self.apis[-1]


class UsageCorpus:
    """Usages of one library, looked up by the API they end with."""

    def __init__(self, usages: Iterable[Usage] = ()):
        self._by_api: dict[str, list[Usage]] = defaultdict(list)
        calls: dict[str, set[str]] = defaultdict(set)  # each API's calls so far: one usage per call
        for usage in usages:
            if usage.call not in calls[usage.api]:
                calls[usage.api].add(usage.call)
                self._by_api[usage.api].append(usage)

    def for_api(self, import_path: str) -> list[Usage]:
        return self._by_api.get(import_path, [])

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_api.values())

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue, extra_files: Iterable[Path] = ()) -> UsageCorpus:
        """Mine the docstring examples of every entry, then ``extra_files`` (tests, workspace code)
        (`kept_usages.KeptUsages` gives the same, kept between processes)."""
        callees = CatalogueLookups(catalogue)
        usages = docstring_usages(catalogue, callees)
        for path in extra_files:
            usages.extend(_mine_file(path, catalogue, callees))
        return cls(usages)


def docstring_usages(catalogue: Catalogue, callees: CatalogueLookups | None = None) -> list[Usage]:
    """The usages in the docstring examples of every entry of ``catalogue``."""
    callees = callees or CatalogueLookups(catalogue)
    return [u for example, origin in docstring_examples(catalogue) for u in mine(example, catalogue, origin, callees)]


def docstring_examples(catalogue: Catalogue) -> Iterator[tuple[str, str]]:
    """Each distinct docstring example of the catalogue's entries, with the origin its usages get
    (the first entry that shows it), in entry order."""
    seen: set[str] = set()
    for entry in catalogue.entries:
        for example in entry.examples:
            if example not in seen:
                seen.add(example)
                yield example, f"doc:{entry.import_path}"


def _mine_file(path: Path, catalogue: Catalogue, callees: CatalogueLookups) -> list[Usage]:
    code = code_file(path)
    return [] if code is None else mine(code, catalogue, file_origin(path), callees)


def code_file(path: Path) -> str | None:
    """The text of a code file to mine; None for one too big, not a regular file (a FIFO is not
    waited on) or unreadable."""
    try:
        text = read_bounded(path, _MAX_FILE_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:  # `NotAFile` is an OSError
        log.debug("not mining %s: %s", path, error)
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")  # lines as a text-mode read gives them


def file_origin(path: Path) -> str:
    return f"file:{path}"


def mine(code: str, catalogue: Catalogue, origin: str, callees: Lookups | None = None) -> list[Usage]:
    """Every statement of ``code`` that calls into ``catalogue``'s library, as usages (``callees``:
    its lookups, shared by the examples of one corpus, and all that mining asks of the catalogue)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError):
        return []
    nodes = list(ast.walk(tree))  # walked once for the bindings and the statements
    functions, variables, imports = _bindings(nodes)
    comments = comments_above(code)
    resolver = _CallResolver(callees if callees is not None else CatalogueLookups(catalogue), imports)
    usages: list[Usage] = []
    for statement in _statements(nodes):
        for call in _outermost_library_calls(statement, resolver):
            apis = tuple(resolver.resolve(c) for c in _calls_in(call) if resolver.resolve(c))
            usages.append(Usage(
                apis=apis,
                call=ast.unparse(call),
                functions=functions,
                variables=variables,
                imports=tuple(sorted(imports.items())),
                targets=_target_count(statement, call),
                assigned=_assigned(statement, call),
                comment=comments.get(statement.lineno, ""),
                origin=origin if origin.startswith("doc:") else f"{origin}:{statement.lineno}",
            ))
    return usages


def _statements(nodes: Iterable[ast.AST]) -> Iterator[ast.stmt]:
    for node in nodes:
        if isinstance(node, ast.stmt) and not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            if not isinstance(node, ast.If | ast.For | ast.While | ast.With | ast.Try):
                yield node


def _bindings(nodes: Iterable[ast.AST]) -> tuple[frozenset[str], frozenset[str], dict[str, str]]:
    functions: set[str] = set()
    variables: set[str] = set()
    imports: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions.add(node.name)
            variables.update(a.arg for a in node.args.args)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            (functions if isinstance(node.value, ast.Lambda) else variables).update(bound)
        elif isinstance(node, ast.For | ast.comprehension):
            variables.update(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imports[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return frozenset(functions), frozenset(variables - functions), imports


class Lookups(Protocol):
    """What mining asks of a catalogue: an API by dotted path (its import path, and whether it is a
    module), the first callable and the first method of a short name."""

    def find(self, path: str) -> tuple[str, bool] | None: ...

    def callable_named(self, name: str) -> str | None: ...

    def method_named(self, name: str) -> str | None: ...


class CatalogueLookups:
    """A catalogue's `Lookups`, each answered once for a whole corpus (a method name such as
    ``forward`` has thousands of entries, and examples call it over and over)."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self._callables: dict[str, str | None] = {}
        self._methods: dict[str, str | None] = {}
        self._paths: dict[str, tuple[str, bool] | None] = {}

    def find(self, path: str) -> tuple[str, bool] | None:
        if path not in self._paths:
            entry = self.catalogue.find(path)
            self._paths[path] = (entry.import_path, entry.kind == ApiKind.MODULE) if entry is not None else None
        return self._paths[path]

    def callable_named(self, name: str) -> str | None:
        """The first class or function (not a member) of that name."""
        return self._first(self._callables, name, _CALLABLE_KINDS, owned=False)

    def method_named(self, name: str) -> str | None:
        """The first method (or alias of one) of that name."""
        return self._first(self._methods, name, _METHOD_KINDS, owned=True)

    def _first(self, known: dict[str, str | None], name: str, kinds: tuple[ApiKind, ...], owned: bool) -> str | None:
        if name not in known:
            found = (self.catalogue.entries[i] for i in self.catalogue.by_name.get(name, []))
            first = next((e for e in found if e.kind in kinds and bool(e.owner) == owned), None)
            known[name] = first.import_path if first is not None else None
        return known[name]


_CALLABLE_KINDS = (ApiKind.CLASS, ApiKind.FUNCTION, ApiKind.EXTERNAL)
_METHOD_KINDS = (ApiKind.METHOD, ApiKind.ALIAS)


class RecordedLookups:
    """`Lookups` that note every answer they give: what one example's mining asked, so a later build
    can tell whether the same example would be mined the same (`answers_hold`)."""

    def __init__(self, lookups: Lookups):
        self._lookups = lookups
        #: "<question>:<subject>" (a `Lookups` method and its argument) -> the answer, as JSON holds it
        self.asked: dict[str, list | str | None] = {}

    def find(self, path: str) -> tuple[str, bool] | None:
        return self._noted("find", path)

    def callable_named(self, name: str) -> str | None:
        return self._noted("callable_named", name)

    def method_named(self, name: str) -> str | None:
        return self._noted("method_named", name)

    def _noted(self, question: str, subject: str):
        answer = getattr(self._lookups, question)(subject)
        self.asked[f"{question}:{subject}"] = _as_json(answer)
        return answer


_QUESTIONS = frozenset({"find", "callable_named", "method_named"})


def answers_hold(asked: dict, lookups: Lookups) -> bool:
    """Whether ``lookups`` give every answer a `RecordedLookups` noted."""
    for key, answer in asked.items():
        question, _, subject = key.partition(":")
        if question not in _QUESTIONS or _as_json(getattr(lookups, question)(subject)) != answer:
            return False
    return True


def _as_json(answer: tuple[str, bool] | str | None) -> list | str | None:
    return list(answer) if isinstance(answer, tuple) else answer


class _CallResolver:
    """Which library API a call in an example calls, from the example's imports and the catalogue."""

    def __init__(self, callees: Lookups, imports: dict[str, str]):
        self.callees = callees
        self.imports = imports

    def resolve(self, call: ast.Call) -> str | None:
        func = call.func
        if isinstance(func, ast.Name):
            return self._named(func.id)
        if isinstance(func, ast.Attribute):
            dotted = dotted_name(func)
            if dotted:
                head, _, rest = dotted.partition(".")
                if head in self.imports:
                    found = self.callees.find(f"{self.imports[head]}.{rest}")
                    if found is not None:
                        return found[0]
            return self.callees.method_named(func.attr)
        return None

    def _named(self, name: str) -> str | None:
        target = self.imports.get(name)
        if target:
            found = self.callees.find(target)
            return found[0] if found is not None and not found[1] else None
        return self.callees.callable_named(name)


def _outermost_library_calls(statement: ast.stmt, resolver: _CallResolver) -> list[ast.Call]:
    """Library calls of a statement not nested in another one's arguments, with every prefix of a
    method chain (``t.keep(f).pick("a")`` is a usage of ``pick`` and, shorter, of ``keep``)."""
    found: list[ast.Call] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Call) and resolver.resolve(node):
            found.extend(_chain_prefixes(node, resolver))
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(statement)
    return found


def _chain_prefixes(call: ast.Call, resolver: _CallResolver) -> list[ast.Call]:
    prefixes = [call]
    node = call.func
    while isinstance(node, ast.Attribute):
        node = node.value
        if isinstance(node, ast.Call):
            if resolver.resolve(node):
                prefixes.append(node)
            node = node.func
    return prefixes


def _calls_in(call: ast.Call) -> list[ast.Call]:
    """Every call inside ``call`` (receivers and arguments), innermost first, ``call`` itself last."""
    calls = [n for n in ast.walk(call) if isinstance(n, ast.Call)]
    return sorted(calls, key=lambda c: (c.end_lineno or 0, c.end_col_offset or 0))


def _target_count(statement: ast.stmt, call: ast.Call) -> int:
    if isinstance(statement, ast.Assign) and statement.value is call:
        target = statement.targets[0]
        return len(target.elts) if isinstance(target, ast.Tuple | ast.List) else 1
    return 0


def _assigned(statement: ast.stmt, call: ast.Call) -> str | None:
    if isinstance(statement, ast.Assign) and statement.value is call and len(statement.targets) == 1:
        return ast.unparse(statement.targets[0]).strip("()")
    return None
