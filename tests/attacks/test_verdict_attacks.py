"""pass@k against a program that games its test (issue "Security and robustness", item 3): writing
"done" to the runner's channel, swapping ``check`` for a no-op with ``sys.settrace``, an object whose
``__eq__`` is always true, forged records. The verdict comes from the sealed test's checks, compared
outside the program; honest programs of every value kind still pass."""

from __future__ import annotations

import pytest

from apiary_training.eval.passk import build_program, evaluate_samples
from apiary_training.eval.sandbox import run_program
from apiary_training.eval.verdict import judge, seal

TOTAL = {
    "task_id": "Game/0",
    "prompt": "import decimal\n# the total\ntotal =",
    "entry_point": "none",
    "test": "\n\ndef check():\n    assert total == 305\n    assert isinstance(total, (int, float, decimal.Decimal))\n",
}

FORGED_DONE = """ 0
import json, os
for fd in map(int, os.listdir("/proc/self/fd")):
    try:
        os.write(fd, b"done\\n")
    except OSError:
        pass
os._exit(0)
"""
TRACE_SWAP = """ 0
import sys
def noop(*args):
    return None
def swap(frame, event, arg):  # before each line of the module: whatever "check" is, make it a no-op
    if event == "line" and frame.f_globals.get("check") not in (None, noop):
        frame.f_globals["check"] = noop
    return swap
sys.settrace(lambda frame, event, arg: None)
sys._getframe().f_trace = swap
"""
ALWAYS_EQUAL = """ 0
class Anything(int):
    __hash__ = int.__hash__
    def __eq__(self, other):
        return True
total = Anything(0)
"""
FORGED_RECORDS = """ 0
import builtins, os, re
found = [int(n) for root, _, files in os.walk(".") for name in files
         for n in re.findall(r"== *(\\d+)", open(os.path.join(root, name), errors="replace").read())]
real = builtins.__apiary_check__
def forge(check_id, value, truth=False):  # the expected value, were it anywhere in the sandbox
    return real(check_id, found[0] if found and not truth else value, truth)
builtins.__apiary_check__ = forge
total = decimal.Decimal(1)
"""
HONEST = [
    " 305",
    " 305.0",
    " decimal.Decimal('305.00')",
    " type('Amount', (int,), {})(305)",
]


def _statuses(completions: list[str]) -> list[str]:
    samples = [{"task_id": "Game/0", "completion": c} for c in completions]
    report = evaluate_samples([TOTAL], samples, timeout_s=10, allow_weak_sandbox=True)
    return [s.status for s in sorted(report.samples, key=lambda s: s.index)]


def test_the_attacks_pass_where_the_program_has_the_last_word():
    for attack in (FORGED_DONE, TRACE_SWAP, ALWAYS_EQUAL):
        assert run_program(build_program(TOTAL, attack)).passed


def test_gaming_the_test_fails_and_honest_programs_pass():
    gamed = [FORGED_DONE, TRACE_SWAP, ALWAYS_EQUAL, FORGED_RECORDS]
    assert _statuses(gamed + HONEST) == ["failed"] * 4 + ["passed"] * 4


@pytest.mark.parametrize(
    ("test", "records", "passed", "failure"),
    [
        (
            "assert x == [1, (2, 'a')]",
            ['["check", 0, ["list", [["int", "1"], ["tuple", [["int", "2"], ["str", "a"]]]]]]'],
            True,
            "",
        ),
        (
            "assert x == [1, 2]",
            ['["check", 0, ["tuple", [["int", "1"], ["int", "2"]]]]'],
            False,
            "AssertionError (test line 1)",
        ),  # a tuple is not a list, as in Python
        ("assert 'a' in x", ['["check", 0, ["list", [["str", "a"]]]]'], True, ""),
        ("assert x is None", ['["check", 0, ["none"]]'], True, ""),
        ("assert x < 3", ['["check", 0, ["object", ["m.Anything", 1, null]]]'], False, "AssertionError (test line 1)"),
        ("assert x == 305", [], False, "the test's check on line 1 never ran"),
        (
            "assert x == 305",
            ['["check", 0, ["int", "305"]]', '["check", 0, ["int", "304"]]'],
            False,
            "AssertionError (test line 1)",
        ),
        ("for v in x:\n    assert v == 1", [], True, ""),  # a loop may run no time
        (
            "assert x == y",
            ['["check", 0, ["tuple", [["unwritable", "too large"], ["unwritable", "too large"]]]]'],
            False,
            "AssertionError (test line 1)",
        ),  # two values the sandbox could not write are equal to nothing
        (
            "assert x == 1",
            ['["check", 0, ["int", "1"]', "done", '["check", 7, ["int", "2"]]'],
            False,
            "the test's check on line 1 never ran",
        ),  # malformed and unknown records are ignored
        (
            "assert x == 1 and y.startswith('3.14')",
            ['["check", 0, ["int", "1"]]', '["check", 1, ["str", "3.1"]]'],
            False,
            "AssertionError (test line 1)",
        ),  # each conjunct its own check, the prefix kept here
        (
            "assert x == 1 and y.startswith('3.14')",
            ['["check", 0, ["int", "1"]]', '["check", 1, ["str", "3.142"]]'],
            True,
            "",
        ),
        ("assert d == datetime.date(2024, 1, 31)", ['["check", 0, ["date", "2024-01-31"]]'], True, ""),
    ],
)
def test_the_judge_decides_on_the_values_written_out(test, records, passed, failure):
    verdict = judge(seal(test), records)
    assert (verdict.passed, verdict.failure) == (passed, failure)


def test_sealing_keeps_the_literal_out_of_the_sandbox():
    sealed = seal("def check(candidate):\n    assert candidate(2) == 'secret-4'\n    assert candidate\n")
    assert "secret-4" not in sealed.source
    assert sealed.source == (
        "def check(candidate):\n    __apiary_check__(0, candidate(2))\n    __apiary_check__(1, candidate, True)\n")
    assert [(c.kind, c.op, c.expected, c.required) for c in sealed.checks] == [
        ("sealed", "==", "secret-4", True), ("truth", "", None, True)]
    assert sealed.sealed
    assert not seal("def check():\n    assert x\n").sealed
    assert "2024" not in seal("assert d == datetime.date(2024, 1, 31)").source
