"""A test's verdict, decided outside the program it judges.

A generated program runs in the same process as its test, so anything that process says can be
forged: it can write "done" to the runner's channel, swap ``check`` for a no-op with
``sys.settrace``, or return an object whose ``__eq__`` is always true. So the test is sealed before
it enters the sandbox: every ``assert X <op> LITERAL`` becomes ``__apiary_check__(id, X)``, the
literal stays here, and the comparison is made here on the value the sandbox wrote out as plain data
(``_child_recorder.py``). A program passes such a check only by computing the expected value, which
it never sees. Comparisons of two computed values (``assert A == B``) are also made here, on both
values as data, so a lying ``__eq__`` does not help; asserts of a truth (``assert isinstance(x, T)``)
can only be taken in the program's process, and a verdict that rests on them alone is reported as
not sealed.

The checks a test makes on its straight-line path must all be seen, so skipping the test, or ending
it early with a forged "done", fails.
"""

from __future__ import annotations

import ast
import datetime
import decimal
import fractions
import json
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass

CHECK_BUILTIN = "__apiary_check__"
MAX_RECORDS = 100_000

OPERATORS: dict[type[ast.cmpop], tuple[str, Callable[[object, object], bool]]] = {
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
    ast.In: ("in", lambda a, b: a in b),  # type: ignore[operator]
    ast.NotIn: ("not in", lambda a, b: a not in b),  # type: ignore[operator]
    ast.Is: ("is", operator.is_),
    ast.IsNot: ("is not", operator.is_not),
}
COMPARE = {name: compare for name, compare in OPERATORS.values()}
STRING_TESTS = ("startswith", "endswith")  # str and bytes methods a test asserts with literal arguments
BRANCHES = (ast.For, ast.AsyncFor, ast.While, ast.If, ast.Try, ast.With, ast.AsyncWith, ast.Match, ast.Lambda)
if hasattr(ast, "TryStar"):
    BRANCHES += (ast.TryStar,)


@dataclass(frozen=True)
class Check:
    """One assert of the test. ``kind``: "sealed" (the literal ``expected`` stays here), "pair" (two
    computed values, compared here) or "truth" (held or not, as the program's process saw it)."""

    check_id: int
    line: int
    kind: str
    op: str = ""
    expected: object = None
    literal_left: bool = False  # ``"a" in X``: the literal is the left operand
    required: bool = False  # on the straight-line path of the test: must be seen

    def holds(self, seen: object) -> bool:
        """Whether the check holds for ``seen``, the decoded value the program recorded."""
        try:
            if self.kind == "truth":
                return seen is True
            if self.op in STRING_TESTS:
                return type(seen) in (str, bytes) and bool(getattr(seen, self.op)(*self.expected))  # type: ignore[misc]
            compare = COMPARE[self.op]
            if self.kind == "pair":
                if not (isinstance(seen, tuple) and len(seen) == 2):
                    return False
                return bool(compare(seen[0], seen[1]))
            left, right = (self.expected, seen) if self.literal_left else (seen, self.expected)
            return bool(compare(left, right))
        except Exception:  # "a" < 1, an unhashable key: the comparison fails as Python's would raise
            return False


@dataclass(frozen=True)
class SealedTest:
    source: str  # what runs in the sandbox: the test with every check routed to the recorder
    checks: tuple[Check, ...]

    @property
    def sealed(self) -> bool:
        """Whether a check the program cannot pass without computing its value is always made."""
        return any(c.kind == "sealed" and c.required for c in self.checks)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    failure: str = ""  # why not, in a report's words


def seal(test: str) -> SealedTest:
    """The test with its asserts routed to the recorder, and what each one checks. A test that does
    not parse is left as it is (the program fails on it as it would have)."""
    try:
        tree = ast.parse(test)
    except (SyntaxError, ValueError, RecursionError):
        return SealedTest(test, ())
    sealer = _Sealer()
    tree = ast.fix_missing_locations(sealer.visit(tree))
    return SealedTest(ast.unparse(tree) + "\n", tuple(sealer.checks))


class _Sealer(ast.NodeTransformer):
    def __init__(self) -> None:
        self.checks: list[Check] = []
        self.depth = 0  # branches and functions (other than the test's check) around the node

    def generic_visit(self, node: ast.AST) -> ast.AST:
        nested = isinstance(node, BRANCHES) or (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name != "check")
        self.depth += nested
        try:
            return super().generic_visit(node)
        finally:
            self.depth -= nested

    def visit_Assert(self, node: ast.Assert) -> list[ast.stmt]:
        """One check per conjunct: ``assert A and B`` fails exactly when ``assert A; assert B`` does."""
        return [self._check(node, test) for test in _conjuncts(node.test)]

    def _check(self, node: ast.Assert, test: ast.expr) -> ast.stmt:
        check_id, required = len(self.checks), self.depth == 0
        check = _comparison_check(check_id, node.lineno, test, required=required) or _method_check(
            check_id, node.lineno, test, required=required)
        arguments: list[ast.expr]
        if check is None:
            check = Check(check_id, node.lineno, "truth", required=required)
            arguments = [test, ast.Constant(True)]
        elif check.kind == "pair":
            arguments = [ast.Tuple([test.left, test.comparators[0]], ast.Load())]  # type: ignore[attr-defined]
        elif check.op in STRING_TESTS:
            arguments = [test.func.value]  # type: ignore[attr-defined]
        else:
            arguments = [test.comparators[0] if check.literal_left else test.left]  # type: ignore[attr-defined]
        self.checks.append(check)
        call = ast.Call(ast.Name(CHECK_BUILTIN, ast.Load()), [ast.Constant(check_id), *arguments], [])
        return ast.copy_location(ast.Expr(call), node)


def _conjuncts(test: ast.expr) -> list[ast.expr]:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return [part for value in test.values for part in _conjuncts(value)]
    return [test]


def _method_check(check_id: int, line: int, test: ast.expr, *, required: bool) -> Check | None:
    """``assert text.startswith("3.14")``: the text is recorded, the prefix stays here."""
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr in STRING_TESTS
            and not test.keywords):
        return None
    try:
        arguments = tuple(ast.literal_eval(a) for a in test.args)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return Check(check_id, line, "sealed", test.func.attr, arguments, required=required)


def _comparison_check(check_id: int, line: int, test: ast.expr, *, required: bool) -> Check | None:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in OPERATORS):
        return None
    op = OPERATORS[type(test.ops[0])][0]
    for literal_left, side in ((False, test.comparators[0]), (True, test.left)):
        try:
            expected = expected_value(side)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError, ArithmeticError):
            continue
        return Check(check_id, line, "sealed", op, expected, literal_left, required)
    return Check(check_id, line, "pair", op, required=required)


#: constructors of the standard library's value types a test may spell its expected value with;
#: evaluated here, with this process's own standard library, never the program's names
VALUE_CONSTRUCTORS: dict[str, Callable[..., object]] = {
    "datetime.datetime": datetime.datetime, "datetime": datetime.datetime,
    "datetime.date": datetime.date, "date": datetime.date,
    "datetime.time": datetime.time,
    "datetime.timedelta": datetime.timedelta, "timedelta": datetime.timedelta,
    "decimal.Decimal": decimal.Decimal, "Decimal": decimal.Decimal,
    "fractions.Fraction": fractions.Fraction, "Fraction": fractions.Fraction,
}


def expected_value(node: ast.expr) -> object:
    """The value an expected side of a comparison spells with literals and the standard library's
    value constructors (``datetime.date(2024, 1, 1)``), or ValueError when it needs the program."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        pass
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [expected_value(item) for item in node.elts]
        return {ast.List: list, ast.Tuple: tuple, ast.Set: set}[type(node)](items)
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {expected_value(k): expected_value(v) for k, v in zip(node.keys, node.values, strict=True)}  # type: ignore[arg-type]
    if isinstance(node, ast.Call) and (constructor := VALUE_CONSTRUCTORS.get(ast.unparse(node.func))):
        arguments = [ast.literal_eval(a) for a in node.args]
        return constructor(*arguments, **{k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg})
    raise ValueError("not a value the test spells out")


def judge(sealed: SealedTest, records: Iterable[str]) -> Verdict:
    """The verdict of a program that ran to its end with exit status 0, from the records it left:
    every check seen holds, and every required check was seen."""
    by_id = {c.check_id: c for c in sealed.checks}
    seen: set[int] = set()
    for count, line in enumerate(records):
        if count >= MAX_RECORDS:
            return Verdict(False, "too many checks recorded")
        parsed = _parse_record(line)
        if parsed is None or parsed[0] not in by_id:
            continue
        check = by_id[parsed[0]]
        if not check.holds(parsed[1]):
            return Verdict(False, f"AssertionError (test line {check.line})")
        seen.add(check.check_id)
    missing = [c for c in sealed.checks if c.required and c.check_id not in seen]
    if missing:
        return Verdict(False, f"the test's check on line {missing[0].line} never ran")
    return Verdict(True)


def _parse_record(line: str) -> tuple[int, object] | None:
    try:
        tag, check_id, encoded = json.loads(line)
        if tag != "check" or type(check_id) is not int:
            return None
        return check_id, decode(encoded)
    except (ValueError, TypeError, RecursionError, OverflowError, decimal.InvalidOperation):
        return None  # a record the recorder cannot have written: ignored


class Unwritable:
    """A value the sandbox could not write out (too big, too deep): equal to nothing."""

    def __repr__(self) -> str:
        return "<unwritable>"


@dataclass(frozen=True, eq=False)
class Object:
    """An object of a class of the program or a library: the same object (by identity in the
    program's process) is equal to itself; objects of a class with an ``__eq__`` of its own are
    equal when their types and fields are, as a dataclass or an attrs class compares them."""

    type_name: str
    identity: int
    fields: dict | None  # None: the class compares by identity

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Object):
            return NotImplemented
        if self.identity == other.identity:
            return True
        return self.fields is not None and (self.type_name, self.fields) == (other.type_name, other.fields)

    def __hash__(self) -> int:
        return hash(self.identity)


def decode(node: object) -> object:
    """A value as ``_child_recorder`` encoded it, rebuilt from plain data; ValueError if malformed."""
    if not isinstance(node, list) or not node or not isinstance(node[0], str):
        raise ValueError("not a tagged value")
    tag, payload = node[0], node[1] if len(node) > 1 else None
    if tag in SCALARS:
        return SCALARS[tag](payload)
    if tag in CONTAINERS:
        if not isinstance(payload, list):
            raise ValueError("a container without items")
        return CONTAINERS[tag](payload)
    raise ValueError(f"unknown tag {tag!r}")


def _typed(kind: type, payload: object) -> object:
    if type(payload) is not kind:
        raise ValueError(f"expected {kind.__name__}")
    return payload


def _pairs(payload: list) -> dict:
    return {decode(k): decode(v) for k, v in payload}  # type: ignore[misc]


def _object(payload: object) -> Object:
    name, identity, fields = payload  # type: ignore[misc]
    return Object(_typed(str, name), _typed(int, identity), None if fields is None else  # type: ignore[arg-type]
                  {_typed(str, k): decode(v) for k, v in fields})


SCALARS: dict[str, Callable[[object], object]] = {
    "none": lambda p: None,
    "bool": lambda p: _typed(bool, p),
    "int": lambda p: int(_typed(str, p)),  # type: ignore[arg-type]
    "float": lambda p: float(_typed(str, p)),  # type: ignore[arg-type]
    "str": lambda p: _typed(str, p),
    "bytes": lambda p: bytes.fromhex(_typed(str, p)),  # type: ignore[arg-type]
    "complex": lambda p: complex(float(p[0]), float(p[1])),  # type: ignore[index]
    "decimal": lambda p: decimal.Decimal(_typed(str, p)),  # type: ignore[arg-type]
    "fraction": lambda p: fractions.Fraction(int(p[0]), int(p[1])),  # type: ignore[index]
    "datetime": lambda p: datetime.datetime.fromisoformat(_typed(str, p)),  # type: ignore[arg-type]
    "date": lambda p: datetime.date.fromisoformat(_typed(str, p)),  # type: ignore[arg-type]
    "time": lambda p: datetime.time.fromisoformat(_typed(str, p)),  # type: ignore[arg-type]
    "timedelta": lambda p: datetime.timedelta(*(_typed(int, x) for x in p)),  # type: ignore[union-attr]
    "unwritable": lambda p: Unwritable(),
    "object": _object,
}
CONTAINERS: dict[str, Callable[[list], object]] = {
    "list": lambda items: [decode(x) for x in items],
    "tuple": lambda items: tuple(decode(x) for x in items),
    "set": lambda items: {decode(x) for x in items},
    "frozenset": lambda items: frozenset(decode(x) for x in items),
    "dict": _pairs,
}
