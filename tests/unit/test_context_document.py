import random

import pytest

from apiary.context.document import ParsedDocument


def _nodes(tree):
    """Every node of a tree as (type, byte range, point range), in document order."""
    found, stack = [], [tree.root_node]
    while stack:
        node = stack.pop()
        found.append((node.type, node.start_byte, node.end_byte, node.start_point, node.end_point))
        stack.extend(reversed(node.children))
    return found


def _assert_same_as_fresh(doc: ParsedDocument) -> None:
    fresh = ParsedDocument.parse(doc.text)
    assert doc.data == fresh.data
    assert doc.line_starts == fresh.line_starts and doc.byte_line_starts == fresh.byte_line_starts
    assert str(doc.tree.root_node) == str(fresh.tree.root_node)
    assert _nodes(doc.tree) == _nodes(fresh.tree)


def test_parse_empty_and_broken_text():
    assert ParsedDocument.parse("").tree.root_node.type == "module"
    broken = ParsedDocument.parse("from x import y\nnew_dp =")
    assert broken.tree.root_node.has_error
    assert broken.tree.root_node.children[0].type == "import_from_statement"


def test_incremental_edits_with_non_ascii_text_match_a_fresh_parse():
    doc = ParsedDocument.parse("# café ☕\nx = 'é'\n")
    edits = [
        (0, 0, "import 😀mod\n"),  # not a valid name, but tree-sitter must cope
        (len("import 😀mod\n# café ☕\n"), len("import 😀mod\n# café ☕\nx"), "ñame"),
        (None, None, "\ndef f(a: 'Ünï'):\n    return a  # 𝔘\n"),
        (3, 9, ""),
        (None, None, "t = tb.Table(rows)\nt."),
    ]
    for start, end, new_text in edits:
        if start is None:
            start = end = len(doc.text)
        doc.apply_change(start, end, new_text)
        _assert_same_as_fresh(doc)
    assert doc.text.endswith("t.")


def test_random_edits_stay_in_step():
    rng = random.Random(7)
    pieces = [
        "é",
        "😀",
        "\n",
        "\r\n",
        "\r",
        "x = 1",
        "def f(",
        "):",
        "    ",
        "'",
        "#",
        "𝔘",
        "(",
        ")",
        "import a",
    ]
    doc = ParsedDocument.parse("def f():\n    return 'ünïcode'\n")
    for _ in range(150):
        start = rng.randint(0, len(doc.text))
        end = min(len(doc.text), start + rng.randint(0, 4))
        doc.apply_change(start, end, "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3))))
        _assert_same_as_fresh(doc)


def test_replace_all_and_line_access():
    doc = ParsedDocument.parse("a = 1\n")
    doc.replace_all("é = 1\r\nb = 2\rc")
    assert doc.line(0) == "é = 1"
    assert doc.line(1) == "b = 2"
    assert doc.line(2) == "c"
    assert doc.byte_line_starts == [0, 8, 14]  # é is two bytes
    assert doc.byte_offset(1) == 2
    _assert_same_as_fresh(doc)


def test_lone_carriage_returns_end_lines_for_the_tree_too():
    doc = ParsedDocument.parse("a = 1\rb = 2\rc = 3")
    assert [n.type for n in doc.tree.root_node.children] == ["expression_statement"] * 3
    assert not doc.tree.root_node.has_error
    doc.apply_change(6, 6, "\n")  # "\r" + "\n": the lone CR becomes half of a CRLF
    _assert_same_as_fresh(doc)
    doc.apply_change(6, 7, "")  # and back
    _assert_same_as_fresh(doc)
    assert doc.text == "a = 1\rb = 2\rc = 3"


def test_bad_ranges_raise():
    doc = ParsedDocument.parse("abc")
    with pytest.raises(ValueError):
        doc.apply_change(2, 1, "")
    with pytest.raises(ValueError):
        doc.apply_change(0, 4, "")
