"""CERT's two corpora (CERT §3.2 and Figure 5).

* Sketcher corpus: each file after sketching (user-defined constants and/or names replaced by the
  pre-defined symbols), comments kept as the sketcher's context.
* Generator corpus: the file d and its sketch d̄ split into the same K blocks, comments removed from the
  sketch, cross-merged as (d̄1, d1, d̄2, d2, ..., d̄K, dK).

The sketch is made once over the whole file (so a name bound in one block is the same symbol in
every block, as in the sketcher corpus) and then cut at marker comments placed between the blocks.
"""

from __future__ import annotations

import re

from apiary.generation.sketch import SketchMode, sketch
from apiary_training.corpus.blocks import Block, split_blocks
from apiary_training.corpus.pipeline import CleanFile

_MARKER = "# apiary-training-block-boundary-5b1e9c"
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def sketcher_text(file: CleanFile, mode: SketchMode | str) -> str:
    return sketch(file.text, mode)


def generator_text(file: CleanFile, mode: SketchMode | str) -> str:
    blocks = split_blocks(file.text, file.tree)
    parts: list[str] = []
    for block, sketched in zip(blocks, sketch_blocks(blocks, mode), strict=True):
        if sketched.strip():
            parts.append(sketched.strip("\n") + "\n")
        parts.append(block.text)
    return "\n".join(parts)


def sketch_blocks(blocks: list[Block], mode: SketchMode | str) -> list[str]:
    """The comment-free sketch of each block, sketched as one file."""
    joined = f"\n{_MARKER}\n".join(block.text for block in blocks)
    pieces = re.split(rf"^{re.escape(_MARKER)}\n", sketch(joined, mode), flags=re.MULTILINE)
    if len(pieces) != len(blocks):  # a marker went missing: fall back to sketching blocks one by one
        pieces = [sketch(block.text, mode) for block in blocks]
    return [strip_comments(piece) for piece in pieces]


def strip_comments(code: str) -> str:
    """Comments and docstrings removed, nothing else: names mode with every name kept changes no name."""
    keep = set(_IDENTIFIER.findall(code))
    return sketch(code, SketchMode.NAMES, keep_names=keep, strip_comments=True)
