import logging
import random

import pytest

from apiary.context import ParsedDocument, extract_context, extract_context_from_prefix

SAMPLE = (
    "#!/usr/bin/env python\n"
    "import honeycomb as hc\n"
    "from honeycomb.table import (Table,\n    Row)\n"
    "class Loader(hc.Base):\n"
    '    """Loads tables. 😀"""\n'
    "    def load(self, p: str) -> Table:\n"
    "        # read the file\n"
    "        t = hc.read(p)\n"
    "        return t.keep_where(lambda r: r['x'] > 1)\n"
    "s = f'{hc.VERSION!r:>10} é'\r\n"
    "# Load and filter 𝔘 rows\r"
    "t = Loader().load('a.csv')\n"
    "t2 = t.\n"
)


def test_empty_text():
    ctx = extract_context("", 0)
    assert (ctx.text_before, ctx.text_after, ctx.intent, ctx.line_prefix, ctx.indent) == ("", "", "", "", "")
    assert ctx.imports == () and ctx.scope == () and ctx.code_identifiers == ()
    assert ctx.receiver is None and ctx.assign_target is None and ctx.prefix == ""


def test_offsets_at_the_edges_and_out_of_range():
    assert extract_context(SAMPLE, 0).text_after == SAMPLE
    end = extract_context(SAMPLE, len(SAMPLE))
    assert end.text_before == SAMPLE and end.line_prefix == ""
    assert extract_context(SAMPLE, 10**6).text_before == SAMPLE
    assert extract_context(SAMPLE, -5).text_before == ""


def test_binary_and_non_python_text_gives_an_empty_context(caplog):
    garbage = '\x00\x01\xff\ufffd))) ((( ]]] \x7f\x1b[0m 🙃 \\\n\t\t\x0c\u2028 \' """ #'
    with caplog.at_level(logging.ERROR):
        for offset in range(len(garbage) + 1):
            ctx = extract_context(garbage, offset)
            assert ctx.imports == () and ctx.scope == () and ctx.libraries == ()
    assert not caplog.records


@pytest.mark.parametrize("seed", range(4))
def test_every_offset_of_mangled_code_extracts_without_errors(caplog, seed):
    rng = random.Random(seed)
    chars = list(SAMPLE)
    for _ in range(12):  # delete, duplicate and swap characters to break the syntax in places
        i = rng.randrange(len(chars))
        chars.insert(rng.randrange(len(chars)), chars.pop(i))
    text = "".join(chars)
    document = ParsedDocument.parse(text)
    with caplog.at_level(logging.ERROR):
        for offset in range(len(text) + 1):
            ctx = extract_context(text, offset, document)
            assert ctx.text_before + ctx.text_after == text
    assert not caplog.records


def test_a_given_document_is_used_only_when_it_holds_the_text():
    stale = ParsedDocument.parse("import other as hc\n")
    ctx = extract_context("import honeycomb as hc\nhc.", 26, stale)
    assert ctx.receiver_origin == "honeycomb"


def test_sample_context_end_to_end():
    ctx = extract_context_from_prefix(SAMPLE[:-1])
    assert ctx.libraries == ("honeycomb",)
    assert ctx.intent == "Load and filter 𝔘 rows"
    assert ctx.receiver == "t" and ctx.assign_target == "t2"
    assert ctx.receiver_value == "Loader().load()"
    names = [o.name for o in ctx.scope]
    assert names == ["s", "t"] and "p" not in names
