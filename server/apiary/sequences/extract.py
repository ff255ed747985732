"""(description, API sequence) pairs from Python source, after seed 000 §3.1.2-3.1.4.

Every top-level function and every class method becomes one pair; `filter_reason` applies the
seed's filters and `split_train_test` its de-duplicated train/test split. Sources are parsed with
``ast``, never imported; a file that does not parse gives no pairs.
"""

from __future__ import annotations

import ast
import random
import warnings
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from apiary.sequences.calls import Scope, function_calls
from apiary.sequences.describe import describe
from apiary.sequences.imports import all_import_statements, import_bindings

#: The seed drops sequences of more than 14 calls (Deep API truncates at 28 tokens, 2+ per call).
MAX_CALLS = 14
#: And descriptions of fewer than 3 words.
MIN_DESCRIPTION_WORDS = 3


@dataclass(frozen=True)
class ApiSeqPair:
    #: The docstring's primary (+ returns) description, or the function name in words.
    desc: str
    #: Dotted API names in the order of their closing parentheses; ``Class::method`` for methods.
    apiseq: tuple[str, ...]
    path: str
    #: Qualified name in the file: ``function`` or ``Class.method``.
    function: str

    def to_json(self) -> dict:
        return {"desc": self.desc, "apiseq": list(self.apiseq), "path": self.path, "function": self.function}

    @classmethod
    def from_json(cls, data: Mapping) -> ApiSeqPair:
        return cls(str(data["desc"]), tuple(str(a) for a in data["apiseq"]), str(data.get("path", "")),
                   str(data.get("function", "")))


def extract_pairs(source: str, path: str = "<string>", *, project_modules: Collection[str] = (),
                  return_types: Mapping[str, str] | None = None) -> list[ApiSeqPair]:
    """All pairs of one file, unfiltered; ``[]`` for a file that does not parse.

    ``project_modules``: top-level module names of the file's own project (their calls are not API
    calls). ``return_types``: known return classes of APIs (``{"hashlib.md5": "hashlib.HASH"}``).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc. in old code are not our concern
            tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    scope = Scope(import_bindings(all_import_statements(tree.body), project_modules), {}, return_types or {})
    try:
        return list(_module_pairs(tree.body, scope, path))
    except RecursionError:  # pathologically deep expressions
        return []


def extract_file(path: Path, **options) -> list[ApiSeqPair]:
    """`extract_pairs` of a file on disk; ``[]`` when it cannot be read as text."""
    try:
        source = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return extract_pairs(source, str(path), **options)


def _module_pairs(body: list[ast.stmt], scope: Scope, path: str) -> Iterable[ApiSeqPair]:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            apiseq = function_calls(node, scope)
            scope.earlier[node.name] = apiseq  # later functions inline it
            yield ApiSeqPair(describe(ast.get_docstring(node), node.name), apiseq, path, node.name)
        elif isinstance(node, ast.ClassDef):
            yield from _class_pairs(node, scope, path, node.name)


def _class_pairs(node: ast.ClassDef, scope: Scope, path: str, prefix: str) -> Iterable[ApiSeqPair]:
    for member in node.body:
        if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
            apiseq = function_calls(member, scope)
            yield ApiSeqPair(describe(ast.get_docstring(member), member.name), apiseq, path, f"{prefix}.{member.name}")
        elif isinstance(member, ast.ClassDef):
            yield from _class_pairs(member, scope, path, f"{prefix}.{member.name}")


def filter_reason(pair: ApiSeqPair) -> str | None:
    """Why the seed's filters drop ``pair`` ("no calls", "too many calls", "short description",
    "test"), or None to keep it."""
    if not pair.apiseq:
        return "no calls"
    if len(pair.apiseq) > MAX_CALLS:
        return "too many calls"
    if len(pair.desc.split()) < MIN_DESCRIPTION_WORDS:
        return "short description"
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


def split_train_test(pairs: Iterable[ApiSeqPair], test_fraction: float, seed: int) -> tuple[list[ApiSeqPair], list[ApiSeqPair]]:
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
