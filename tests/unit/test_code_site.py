"""Where the code asked for at a comment goes (`apiary.generation.site.code_site`)."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

from apiary.context.positions import line_starts
from apiary.generation.site import CodeSite, code_site


def _site(text: str, line: int, column: int) -> CodeSite:
    starts = line_starts(text)
    return code_site(text, starts, line, starts[line] + column)


def test_a_comment_above_a_begun_statement_completes_that_statement():
    text = "import pandas as pd\n# keep the big orders\nbig_orders =\n"
    site = _site(text, 1, 3)
    assert site == CodeSite(text, text.index("=") + 1, text.index("=") + 1, "")
    assert site.in_place


def test_a_comment_with_nothing_below_gets_a_new_indented_line():
    text = "def f(orders):\n    # keep the big orders\n"
    site = _site(text, 1, 6)
    end = text.index("orders\n", 20) + len("orders")
    assert site == CodeSite(text[:end] + "\n    " + text[end:], end + 5, end, "    ")
    assert not site.in_place


def test_outside_a_comment_the_code_goes_at_the_cursor():
    text = "x = 1\ny = \n"
    site = _site(text, 1, 4)
    assert site == CodeSite(text, 10, 10, "")


ROOT = Path(__file__).resolve().parents[2]


def _comment_prompts():
    """Prompts that end under a comment, with the comment's line: each comment above a statement in
    the example workspace, as the sequence benchmark makes its prompts (the code up to the comment,
    then the statement's indent), and the bundled problems (the comment, then a begun statement)."""
    for path in sorted((ROOT / "examples" / "workspace").glob("*.py")):
        lines = path.read_text().splitlines(keepends=True)
        for n, (line, below) in enumerate(pairwise(lines)):
            if line.lstrip().startswith("#") and below.strip() and not below.lstrip().startswith("#"):
                yield n, "".join(lines[: n + 1]) + below[: len(below) - len(below.lstrip())]
    for problem in map(json.loads, (ROOT / "examples" / "problems.jsonl").read_text().splitlines()):
        lines = problem["prompt"].split("\n")
        yield max(n for n, line in enumerate(lines) if line.lstrip().startswith("#")), problem["prompt"]


def test_a_comment_is_read_as_the_sequence_benchmark_reads_its_prompt():
    """"Suggest API sequence…" and `apiary suggest --file` read a comment through `comment_context`;
    `benchmarks.sequence_suite --context` reads a problem's prompt whole: the same query, so its
    figures are what they give."""
    from apiary import engine
    from apiary.context.extract import extract_context_from_prefix
    from apiary.retrieval.query import query_from_context

    compared = 0
    for line, prompt in _comment_prompts():
        starts = line_starts(prompt)
        end = starts[line] + len(prompt[starts[line]:].split("\n", 1)[0])
        at_comment = engine.comment_context(prompt, starts, line, end)
        assert query_from_context(at_comment) == query_from_context(extract_context_from_prefix(prompt)), prompt
        compared += 1
    assert compared == 32
