"""The APICoder prompt: the API information block before the context, exactly as When Language Model
Meets Private Library §3.3 builds it, fitted into the model's token budget.

    # [start]
    # name(signature): description
    # [end]
    <the code before the cursor>

When the context is too long, the API block is kept whole and the lines nearest the cursor are
kept; older lines are dropped from the top.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from apiary.docs.entry import ApiEntry

BLOCK_START = "# [start]"
BLOCK_END = "# [end]"
#: an API line longer than this is cut: one very long signature must not crowd out the code
MAX_API_LINE = 300


@dataclass(frozen=True)
class Prompt:
    text: str
    api_block: str
    #: the part of the context that fitted
    context: str
    dropped_lines: int


def api_block(apis: Sequence[ApiEntry]) -> str:
    """``# [start]``, one ``# name(signature): description`` line per API, ``# [end]``; "" for none."""
    if not apis:
        return ""
    lines = [BLOCK_START, *(f"# {_one_line(a.api_info)[:MAX_API_LINE]}" for a in apis), BLOCK_END]
    return "\n".join(lines) + "\n"


def build_prompt(context: str, apis: Sequence[ApiEntry], count_tokens: Callable[[str], int], budget: int) -> Prompt:
    """The API block then as much of ``context`` as fits in ``budget`` tokens, nearest lines first."""
    block = api_block(apis)
    while apis and count_tokens(block) > budget // 2:  # the code must keep at least half the budget
        apis = apis[:-1]
        block = api_block(apis)
    remaining = budget - count_tokens(block)
    lines = context.split("\n")
    kept = _tail_that_fits(lines, count_tokens, remaining)
    kept_text = "\n".join(kept)
    return Prompt(block + kept_text, block, kept_text, len(lines) - len(kept))


def _tail_that_fits(lines: list[str], count_tokens: Callable[[str], int], budget: int) -> list[str]:
    kept: list[str] = []
    used = 0
    for line in reversed(lines):
        cost = count_tokens(line + "\n")
        if used + cost > budget:
            if not kept:  # the cursor's own line must stay: keep its end
                kept.insert(0, _tail_characters(line, count_tokens, budget))
            break
        kept.insert(0, line)
        used += cost
    return kept


def _tail_characters(line: str, count_tokens: Callable[[str], int], budget: int) -> str:
    low, high = 0, len(line)
    while low < high:
        middle = (low + high) // 2
        if count_tokens(line[middle:]) <= budget:
            high = middle
        else:
            low = middle + 1
    return line[low:]


def _one_line(text: str) -> str:
    return " ".join(text.split())
