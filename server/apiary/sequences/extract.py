"""(description, API sequence) pairs from Python source, after Deep API Learning Revisited §3.1.2-3.1.4.

Every top-level function and every class method becomes one pair; `filter_reason` applies the
filters of Deep API Learning Revisited §3.1.4 and `split_train_test` its de-duplicated train/test
split. Sources are parsed with ``ast``, never imported; a file that does not parse gives no pairs. On
request the same parse also gives the ``comment`` and ``doc`` pairs of `apiary.sequences.usage`.
"""

from __future__ import annotations

import ast
import random
import warnings
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import orjson

from apiary.docs.files import read_bounded
from apiary.sequences.calls import Scope, call_sites
from apiary.sequences.describe import describe
from apiary.sequences.imports import all_import_statements, import_bindings
from apiary.sequences.usage import CommentedSource, comment_sequences, documented_apis

#: Deep API Learning Revisited §3.1.4 drops sequences of more than 14 calls (Deep API truncates at 28
#: tokens, 2+ per call).
MAX_CALLS = 14
#: And descriptions of fewer than 3 words.
MIN_DESCRIPTION_WORDS = 3
#: The kinds of pair: Deep API Learning Revisited's one per function, a comment and the calls under it,
#: an API's docstring.
FUNCTION, COMMENT, DOC = "function", "comment", "doc"


@dataclass(frozen=True)
class ApiSeqPair:
    #: The docstring's primary (+ returns) description, or the function name in words.
    desc: str
    #: Dotted API names in the order of their closing parentheses; ``Class::method`` for methods.
    apiseq: tuple[str, ...]
    path: str
    #: Qualified name in the file: ``function`` or ``Class.method`` (for a comment: the function it is in).
    function: str
    kind: str = FUNCTION

    def to_json(self) -> dict:
        record = {"desc": self.desc, "apiseq": list(self.apiseq), "path": self.path, "function": self.function}
        return record if self.kind == FUNCTION else {**record, "kind": self.kind}

    @classmethod
    def from_json(cls, data: Mapping) -> ApiSeqPair:
        return cls(str(data["desc"]), tuple(str(a) for a in data["apiseq"]), str(data.get("path", "")),
                   str(data.get("function", "")), str(data.get("kind", FUNCTION)))

    def to_line(self) -> bytes:
        """One line of the JSON Lines files pairs are kept in."""
        return orjson.dumps(self.to_json()) + b"\n"

    @classmethod
    def from_line(cls, line: bytes | str) -> ApiSeqPair:
        return cls.from_json(orjson.loads(line))


def extract_pairs(source: str, path: str = "<string>", *, project_modules: Collection[str] = (),
                  return_types: Mapping[str, str] | None = None, kinds: Collection[str] = (FUNCTION,),
                  module: str | None = None) -> list[ApiSeqPair]:
    """All pairs of one file, unfiltered; ``[]`` for a file that does not parse.

    ``project_modules``: top-level module names of the file's own project (their calls are not API
    calls). ``return_types``: known return classes of APIs (``{"hashlib.md5": "hashlib.HASH"}``).
    ``kinds``: which pairs (`FUNCTION`, `COMMENT`, `DOC`); ``module``: the file's dotted module
    name, which ``doc`` pairs need (none without it).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc. in old code are not our concern
            tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    modules = frozenset(project_modules)
    scope = Scope(import_bindings(all_import_statements(tree.body), modules), {}, return_types or {}, modules)
    commented = CommentedSource.of(source) if COMMENT in kinds else None
    try:
        found = [pair for pair in _module_pairs(tree, scope, path, commented) if pair.kind in kinds]
    except RecursionError:  # pathologically deep expressions
        return []
    if DOC in kinds and module:
        found.extend(ApiSeqPair(desc, (api,), path, name, DOC) for desc, api, name in documented_apis(tree, module))
    return found


def extract_file(path: Path, max_bytes: int, **options) -> list[ApiSeqPair]:
    """`extract_pairs` of a file on disk; ``[]`` when it cannot be read as text, is over ``max_bytes``
    or is not a regular file (a FIFO is not waited on)."""
    try:
        source = read_bounded(path, max_bytes).decode("utf-8")
    except (OSError, UnicodeDecodeError):  # `NotAFile` is an OSError
        return []
    return extract_pairs(source, str(path), **options)


def _module_pairs(tree: ast.Module, scope: Scope, path: str,
                  commented: CommentedSource | None) -> Iterable[ApiSeqPair]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            sites = call_sites(node, scope)
            scope.earlier[node.name] = _sequence(sites)  # later functions inline it
            yield ApiSeqPair(describe(ast.get_docstring(node), node.name), _sequence(sites), path, node.name)
            yield from _comment_pairs(commented, sites, node, path, node.name)
        elif isinstance(node, ast.ClassDef):
            yield from _class_pairs(node, scope, path, node.name, commented)
    if commented:  # a script's comments above its top-level statements
        statements = [n for n in tree.body if not isinstance(n, _DEFINITIONS)]
        if statements:
            script = _as_function(statements)
            yield from _comment_pairs(commented, call_sites(script, scope), script, path, "<module>")


def _class_pairs(node: ast.ClassDef, scope: Scope, path: str, prefix: str,
                 commented: CommentedSource | None) -> Iterable[ApiSeqPair]:
    for member in node.body:
        if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
            sites = call_sites(member, scope)
            name = f"{prefix}.{member.name}"
            yield ApiSeqPair(describe(ast.get_docstring(member), member.name), _sequence(sites), path, name)
            yield from _comment_pairs(commented, sites, member, path, name)
        elif isinstance(member, ast.ClassDef):
            yield from _class_pairs(member, scope, path, f"{prefix}.{member.name}", commented)


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


def _sequence(sites: list[tuple[int, tuple[str, ...]]]) -> tuple[str, ...]:
    return tuple(api for _, apis in sites for api in apis)


def _comment_pairs(commented: CommentedSource | None, sites, node: ast.AST, path: str,
                   function: str) -> Iterable[ApiSeqPair]:
    if not commented or not sites:
        return
    span = (node.lineno, node.end_lineno or node.lineno)
    for desc, apis, _ in comment_sequences(commented, sites, span):
        yield ApiSeqPair(desc, apis, path, function, COMMENT)


def _as_function(statements: list[ast.stmt]) -> ast.FunctionDef:
    """A module's top-level statements as the body of a function, so that their calls resolve the
    way a function's do (names they assign are variables, with types where known)."""
    arguments = ast.arguments(
        posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]
    )
    script = ast.FunctionDef(name="<module>", args=arguments, body=statements, decorator_list=[], returns=None,
                             type_params=[])
    script.lineno, script.end_lineno = 1, statements[-1].end_lineno  # comments above the first statement too
    return script


def filter_reason(pair: ApiSeqPair) -> str | None:
    """Why the filters of Deep API Learning Revisited §3.1.4 drop ``pair`` ("no calls", "too many calls",
    "short description", "test"), or None to keep it."""
    if not pair.apiseq:
        return "no calls"
    if len(pair.apiseq) > MAX_CALLS:
        return "too many calls"
    if pair.kind == FUNCTION and len(pair.desc.split()) < MIN_DESCRIPTION_WORDS:
        return "short description"  # comments and docstrings have their own rules (apiary.sequences.usage)
    if "test" in pair.function.lower() or "test" in pair.desc.lower():
        return "test"
    return None


def pair_key(pair: ApiSeqPair) -> tuple[str, tuple[str, ...]]:
    """Two pairs are duplicates when description (case and spacing aside) and sequence agree."""
    return " ".join(pair.desc.lower().split()), pair.apiseq


def deduplicate(pairs: Iterable[ApiSeqPair]) -> list[ApiSeqPair]:
    seen: set[tuple[str, tuple[str, ...]]] = set()
    unique = []
    for pair in pairs:
        key = pair_key(pair)
        if key not in seen:
            seen.add(key)
            unique.append(pair)
    return unique


def split_by_function(
    pairs: Iterable[ApiSeqPair], test_fraction: float, seed: int
) -> tuple[list[ApiSeqPair], list[ApiSeqPair]]:
    """Deep API Learning Revisited's split of the function pairs (§3.1.4, `split_train_test`), with the
    other kinds of pair in training except those from a test function (its comments, its own docstring)
    or equal to a test pair: nothing of a test function is learnt from."""
    pairs = list(pairs)
    train, test = split_train_test([p for p in pairs if p.kind == FUNCTION], test_fraction, seed)
    held = {(p.path, p.function) for p in test}
    keys = {pair_key(p) for p in test}
    others = [p for p in deduplicate(p for p in pairs if p.kind != FUNCTION)
              if (p.path, p.function) not in held and pair_key(p) not in keys]
    return train + others, test


def split_train_test(
    pairs: Iterable[ApiSeqPair], test_fraction: float, seed: int
) -> tuple[list[ApiSeqPair], list[ApiSeqPair]]:
    """De-duplicate, shuffle with ``seed`` and hold out ``test_fraction``: no test pair's
    (description, sequence) occurs in train."""
    if not 0.0 <= test_fraction <= 1.0:
        raise ValueError(f"test_fraction must be in [0, 1], not {test_fraction}")
    unique = deduplicate(pairs)
    order = list(range(len(unique)))
    random.Random(seed).shuffle(order)
    cut = round(len(unique) * test_fraction)
    test = [unique[i] for i in sorted(order[:cut])]
    train = [unique[i] for i in sorted(order[cut:])]
    return train, test
