"""The (description, API sequence) extractor of Deep API Learning Revisited §3.1, rule by rule, on hand-written
files."""

from __future__ import annotations

import textwrap

import pytest

from apiary.sequences.describe import describe, name_description
from apiary.sequences.extract import ApiSeqPair, extract_pairs, filter_reason, split_train_test


def pairs_of(source: str, **options) -> dict[str, ApiSeqPair]:
    return {p.function: p for p in extract_pairs(textwrap.dedent(source), "mod.py", **options)}


def test_seed_figure_1():
    pairs = pairs_of('''
        import sys
        from os.path import dirname, join as join_path

        def sys_path():
            """ Add `./third_party` to `sys.path`.
            """
            dir = join_path(dirname(__file__), 'third_party')
            if not dir in sys.path:
                sys.path.insert(1, dir)
    ''')
    assert pairs["sys_path"].desc == "Add `./third_party` to `sys.path`."
    assert pairs["sys_path"].apiseq == ("os.path.dirname", "os.path.join", "sys.path.insert")


def test_closing_parenthesis_order_chains_and_keyword_arguments():
    pairs = pairs_of('''
        import m
        def f():
            m.f(m.g(), m.h())
            m.a(key=m.b(m.c()))
            {m.k1(): m.v1(), m.k2(): m.v2()}
    ''')
    assert pairs["f"].apiseq == ("m.g", "m.h", "m.f", "m.c", "m.b", "m.a", "m.k1", "m.v1", "m.k2", "m.v2")


def test_import_forms():
    pairs = pairs_of('''
        import os.path
        import numpy as np
        import xml.etree.ElementTree as ET
        from json import dumps as to_json
        def f(x):
            os.path.exists(x)
            np.zeros(3)
            ET.parse(x)
            to_json(x)
            os.getcwd()
    ''')
    assert pairs["f"].apiseq == (
        "os.path.exists",
        "numpy.zeros",
        "xml.etree.ElementTree.parse",
        "json.dumps",
        "os.getcwd",
    )


def test_relative_wildcard_project_and_unimported_calls_are_not_apis():
    pairs = pairs_of('''
        from . import sibling
        from ..pkg import helper
        from os.path import *
        import myproject.util
        from myproject import tools
        import json
        def f(x):
            sibling.go(); helper(); join(x); myproject.util.run(); tools.run(); len(x); print(x)
            return json.loads(x)
    ''', project_modules={"myproject"})
    assert pairs["f"].apiseq == ("json.loads",)


def test_earlier_functions_are_inlined_later_ones_are_not():
    pairs = pairs_of('''
        import os, shutil
        def later_caller():
            helper()
        def helper():
            os.makedirs("d")
        def caller(src):
            def local():
                shutil.copy(src, "d")
            helper()
            local()
            os.remove(src)
    ''')
    assert pairs["later_caller"].apiseq == ()
    assert pairs["caller"].apiseq == ("os.makedirs", "shutil.copy", "os.remove")


def test_local_names_shadow_imports():
    pairs = pairs_of('''
        import path
        def f(path):
            return path.join("a")
        def g():
            return path.join("a")
    ''')
    assert pairs["f"].apiseq == ()
    assert pairs["g"].apiseq == ("path.join",)


def test_methods_on_values_of_known_type():
    pairs = pairs_of('''
        import hashlib, socket
        from pathlib import Path
        import zipfile
        class Hasher:
            def digest(self, data: bytes, where: Path) -> str:
                h = hashlib.md5()
                h.update(data)
                where.write_text(h.hexdigest())
                with zipfile.ZipFile(where) as archive:
                    archive.extractall()
                s = socket.socket()
                s.connect(("h", 1))
                return Path("x").read_text()
    ''', return_types={"hashlib.md5": "hashlib.HASH", "socket.socket": "socket.socket"})
    assert pairs["Hasher.digest"].apiseq == (
        "hashlib.md5", "hashlib.HASH::update", "hashlib.HASH::hexdigest", "pathlib.Path::write_text",
        "zipfile.ZipFile", "zipfile.ZipFile::extractall", "socket.socket", "socket.socket::connect",
        "pathlib.Path", "pathlib.Path::read_text",
    )


def test_unknown_receivers_give_no_method_calls():
    pairs = pairs_of('''
        import hashlib
        def f(x):
            h = hashlib.md5()
            h.update(x)
            x.update(h)
    ''')
    assert pairs["f"].apiseq == ("hashlib.md5",)  # md5's return type unknown without return_types


def test_functions_methods_and_nested_classes_are_all_extracted():
    pairs = pairs_of('''
        def top(): pass
        class A:
            def m(self): pass
            class B:
                async def n(self): pass
    ''')
    assert set(pairs) == {"top", "A.m", "A.B.n"}


@pytest.mark.parametrize("source", ["def f(:\n", "print 'python 2'\n", "x = '\0'\n", "(" * 1000])
def test_bad_code_gives_no_pairs(source):
    assert extract_pairs(source) == []


def test_docstring_primary_and_returns_descriptions():
    doc = """Compute the checksum of a file.
    Reads it in chunks.

    :param path: the file
    :returns: the hex digest
        of the file

    :raises OSError: never
    """
    assert describe(doc, "f") == "Compute the checksum of a file. Reads it in chunks. return the hex digest of the file"
    google = """Open a connection.

    Args:
        host: where
    Returns:
        A connection.
    """
    assert describe(google, "f") == "Open a connection. return A connection."
    assert describe("Params: x\nReturn the value of x.", "f") == "return the value of x."
    assert describe("Return the thing.\n\nMore.", "f") == "Return the thing."
    assert describe("   ", "get_thing") == "get thing"


@pytest.mark.parametrize(("name", "expected"), [
    ("do_something", "do something"), ("doSomething", "do something"), ("_private_helper", "private helper"),
    ("__init__", "init"), ("parseHTTPResponse2", "parse httpresponse2"), ("read_csvFile", "read csv file"),
])
def test_descriptions_from_function_names(name, expected):
    assert name_description(name) == expected


def test_filters():
    def pair(desc="copy a file here", apiseq=("shutil.copy",), function="copy"):
        return ApiSeqPair(desc, apiseq, "p.py", function)

    assert filter_reason(pair()) is None
    assert filter_reason(pair(apiseq=())) == "no calls"
    assert filter_reason(pair(apiseq=("a.b",) * 15)) == "too many calls"
    assert filter_reason(pair(apiseq=("a.b",) * 14)) is None
    assert filter_reason(pair(desc="copy file")) == "short description"
    assert filter_reason(pair(function="test_copy")) == "test"
    assert filter_reason(pair(desc="copy a test file")) == "test"


def test_split_is_deduplicated_and_reproducible():
    pairs = [ApiSeqPair(f"do thing number {i % 40}", (f"m.f{i % 40}",), f"p{i}.py", "f") for i in range(200)]
    pairs += [ApiSeqPair("Do  Thing number 1", ("m.f1",), "other.py", "g")]  # a duplicate, case and spaces aside
    train, test = split_train_test(pairs, 0.25, seed=3)
    assert len(train) + len(test) == 40 and len(test) == 10
    keys = lambda ps: {(p.desc.lower(), p.apiseq) for p in ps}  # noqa: E731
    assert not keys(train) & keys(test)
    assert split_train_test(pairs, 0.25, seed=3) == (train, test)
    assert split_train_test(pairs, 0.25, seed=4)[1] != test
    with pytest.raises(ValueError):
        split_train_test(pairs, 1.5, seed=0)


def test_json_round_trip():
    pair = ApiSeqPair("d e f", ("a.b", "C::d"), "x.py", "f")
    assert ApiSeqPair.from_json(pair.to_json()) == pair
