"""Rendering a chosen API sequence as a commented plan or as call skeletons with snippet tab stops."""

from __future__ import annotations

from apiary.sequences.render import as_plan, as_skeleton, imports_for

MD5 = ["hashlib.md5", "hashlib.HASH::update", "hashlib.HASH::hexdigest"]


def test_plan_lists_each_call_as_a_comment():
    plan = as_plan(MD5, "generate md5 hash code", indent="    ")
    assert plan.splitlines() == [
        "    # To generate md5 hash code:",
        "    # 1. call hashlib.md5()",
        "    # 2. call .update() on the hashlib.HASH object",
        "    # 3. call .hexdigest() on the hashlib.HASH object",
    ]
    assert all(line.lstrip().startswith("#") for line in plan.splitlines())


def test_skeleton_binds_the_receiver_of_method_calls():
    assert as_skeleton(MD5) == "${2:hash} = hashlib.md5($1)\n$2.update($3)\n$2.hexdigest($4)\n$0"


def test_skeleton_uses_the_constructor_of_the_class():
    text = as_skeleton(["zipfile.ZipFile", "os.getcwd", "zipfile.ZipFile::extractall"], indent="  ")
    assert text.splitlines() == [
        "  ${3:zip_file} = zipfile.ZipFile($1)",
        "  os.getcwd($2)",
        "  $3.extractall($4)",
        "  $0",
    ]


def test_skeleton_without_a_producer_leaves_the_receiver_to_fill_in():
    assert as_skeleton(["pathlib.Path::exists"]) == "${1:path}.exists($2)\n$0"


def test_imports_for_dotted_calls():
    assert imports_for(
        ["os.path.join", "hashlib.md5", "hashlib.HASH::update", "zipfile.ZipFile", "os.path.exists"]
    ) == ["import os.path", "import hashlib", "import zipfile"]
