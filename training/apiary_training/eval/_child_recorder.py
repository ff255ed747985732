"""The sandbox side of a sealed test: what a check saw, written out as plain, tagged JSON.

Never imported by Apiary: ``sandbox.py`` copies it into the sandbox and the runner installs
``record`` as the builtin ``__apiary_check__`` before the program runs (standard library only,
Python 3.8 syntax). ``verdict.py`` rewrites a test so that ``assert X == 305`` becomes
``__apiary_check__(7, X)``: the expected 305 never enters the sandbox, and the comparison is made
outside, on the value written here. So the program cannot pass a check by hooking the test, by an
object whose ``__eq__`` is always true, or by writing to this channel: it would have to know 305.

Values are written by their data: subclasses of the built-in types by the base type's slots;
mappings and sets of other kinds by their items; arrays and numbers of other kinds (numpy, tensors)
by their values; any other object by its identity and, when its class defines ``__eq__`` (dataclasses,
attrs), by its type and fields. What cannot be written (too big, too deep) equals nothing.
"""

from __future__ import annotations

import builtins
import collections.abc
import datetime
import decimal
import fractions
import json
import operator
import os

MAX_DEPTH = 40
MAX_ITEMS = 200_000  # per record
MAX_RECORD_BYTES = 4 * 1024 * 1024
MAX_TOTAL_BYTES = 32 * 1024 * 1024
DATE_TYPES = (datetime.datetime, datetime.date, datetime.time)  # a datetime is a date: in this order


class _TooBig(Exception):
    pass


class _Encoder:
    def __init__(self) -> None:
        self.items = 0
        self.open = set()  # ids of the objects being written: a cycle is written as identity alone

    def encode(self, value, depth: int = 0):
        self.items += 1
        if self.items > MAX_ITEMS or depth > MAX_DEPTH:
            raise _TooBig()
        kind = type(value)
        if value is None:
            return ["none"]
        if kind is bool:
            return ["bool", value]
        if kind is int:
            return ["int", str(value)]
        if kind is float:
            return ["float", float.__repr__(value)]
        if kind is str:
            return ["str", value]
        if kind in (bytes, bytearray):
            return ["bytes", bytes(value).hex()]
        if kind is complex:
            return ["complex", [float.__repr__(value.real), float.__repr__(value.imag)]]
        if kind is decimal.Decimal:
            return ["decimal", decimal.Decimal.__str__(value)]
        if kind is fractions.Fraction:
            return ["fraction", [str(value.numerator), str(value.denominator)]]
        return self._by_base(value, kind, depth)

    def _by_base(self, value, kind, depth: int):
        """Containers and subclasses of the built-in types, read through the base type's own slots."""
        if issubclass(kind, bool):
            return ["bool", bool(int.__int__(value))]
        if issubclass(kind, int):
            return ["int", str(int.__int__(value))]
        if issubclass(kind, float):
            return ["float", float.__repr__(float.__float__(value))]
        if issubclass(kind, str):
            return ["str", str.__str__(value)]
        if issubclass(kind, dict):
            return ["dict", [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in dict.items(value)]]
        for base, tag in ((list, "list"), (tuple, "tuple"), (frozenset, "frozenset"), (set, "set")):
            if issubclass(kind, base):
                return [tag, [self.encode(item, depth + 1) for item in base.__iter__(value)]]
        for base in DATE_TYPES:  # freezegun's FakeDatetime, pendulum's DateTime
            if issubclass(kind, base):
                return [base.__name__, base.isoformat(value)]
        if issubclass(kind, datetime.timedelta):
            return ["timedelta", [value.days, value.seconds, value.microseconds]]
        if isinstance(value, collections.abc.Mapping):  # bidict, MappingProxy, a dict's keys() are a Set
            return ["dict", [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()]]
        if isinstance(value, collections.abc.Set):
            return ["frozenset", [self.encode(item, depth + 1) for item in value]]
        return self._array_number_or_object(value, kind, depth)

    def _array_number_or_object(self, value, kind, depth: int):
        """Arrays and numbers of other libraries (numpy, tensors) by their values; anything else as an
        object. An array is written as its list of values, which is looser than ``==`` on arrays
        (whose truth Python refuses to take) and never stricter."""
        if hasattr(kind, "tolist"):
            try:
                return self.encode(value.tolist(), depth + 1)
            except _TooBig:
                raise
            except Exception:
                pass
        for method, convert, tag in (("__index__", operator.index, "int"), ("__float__", float, "float")):
            if hasattr(kind, method):
                try:
                    number = convert(value)
                except Exception:
                    continue
                return [tag, str(int.__int__(number)) if tag == "int" else float.__repr__(float.__float__(number))]
        return self._object(value, kind, depth)

    def _object(self, value, kind, depth: int):
        """Identity, and for a class with an ``__eq__`` of its own, its type and fields: two objects
        are then equal outside as a dataclass or an attrs class compares them."""
        name = (getattr(kind, "__module__", "?") + "." + getattr(kind, "__qualname__", "?"))[:200]
        custom_eq = getattr(kind, "__eq__", object.__eq__) is not object.__eq__
        fields = None
        if custom_eq and id(value) not in self.open:
            self.open.add(id(value))
            try:
                fields = [[k, self.encode(v, depth + 1)] for k, v in sorted(_fields(value).items())]
            finally:
                self.open.discard(id(value))
        return ["object", [name, id(value), fields]]


def _fields(value) -> dict:
    fields = dict(getattr(value, "__dict__", None) or {})
    for klass in type(value).__mro__:
        slots = klass.__dict__.get("__slots__", ())
        for slot in (slots,) if isinstance(slots, str) else slots:
            if slot not in ("__dict__", "__weakref__") and hasattr(value, slot):
                fields[slot] = getattr(value, slot)
    return {str(k): v for k, v in fields.items()}


class Recorder:
    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.written = 0

    def write(self, line: str) -> None:
        data = (line + "\n").encode("utf-8", "replace")
        if self.written + len(data) > MAX_TOTAL_BYTES:
            return
        self.written += len(data)
        while data:
            data = data[os.write(self.fd, data):]

    def check(self, check_id, value, truth: bool = False):
        """Record what check ``check_id`` saw: the value itself (a sealed comparison), or for a
        ``truth`` check (an assert with no literal to hide) whether it held, raising as assert would."""
        if truth:
            held = bool(value)
            self.write(json.dumps(["check", int(check_id), ["bool", held]]))
            if not held:
                raise AssertionError()
            return None
        try:
            encoded = json.dumps(["check", int(check_id), _Encoder().encode(value)])
        except (_TooBig, RecursionError, ValueError):
            encoded = json.dumps(["check", int(check_id), ["unwritable", "too large"]])
        if len(encoded) > MAX_RECORD_BYTES:
            encoded = json.dumps(["check", int(check_id), ["unwritable", "too large"]])
        self.write(encoded)
        return None


def install(fd: int) -> Recorder:
    """Make ``__apiary_check__`` a builtin that records to ``fd``."""
    recorder = Recorder(fd)
    builtins.__apiary_check__ = recorder.check
    return recorder
