"""Edits that change no API: the files changed since the last build, and where their lines went.

Most edits of a library change code, not what documents its APIs: a function's body, a comment,
lines added above a definition. Every module then reads as it did but for its line numbers, so the
last index holds the same entries but for where they were read from (`LibraryIndex.moved`), and a
saved edit costs no rebuild (issue "Scale and first contact": a one-file edit of a 30k-API library
in seconds). Whatever else an edit changes (a name, a docstring, a signature, an import) is built.
"""

from __future__ import annotations

from collections import Counter

import orjson

from apiary.docs.parsed_modules import ParsedModules, module_json, moved_lines
from apiary.docs.python_package import TIME_BOUND, ModuleFile, read_module_file

#: at most this many changed files are read to find out (more is a checkout or a generator's run,
#: which a build handles as fast)
MAX_CHANGED_FILES = 16


def lines_moved(parsed: ParsedModules, listing: list[ModuleFile]) -> dict[str, dict[int, int]] | None:
    """Where the lines of the files of ``listing`` that changed since the build ``parsed`` holds the
    record of went (path -> old line -> new line), when no more than their lines moved (then
    ``parsed`` keeps what this read would: the last build's modules, the changed files' new ones);
    None where more may have changed."""
    keys = [parsed.key(f.module, f.path, f.is_package) for f in listing]
    changed = parsed.changed_files(keys, MAX_CHANGED_FILES)
    if not changed:
        return None
    if any(TIME_BOUND in reason for _, reason in parsed.last_skipped):
        return None  # a file skipped for its time bound may be read by a build now
    files_of = Counter(f.module for f in listing)
    moves: dict[str, dict[int, int]] = {}
    written: dict[str, bytes] = {}
    for position, last_key in changed:
        module_file, key = listing[position], keys[position]
        before = parsed.last_json(last_key)
        if files_of[module_file.module] > 1 or before is None:
            return None  # a stub and its source are one module read from two files
        found = _moved(module_file, key, before, parsed)
        if found is None:
            return None
        moves[str(module_file.path)], written[key] = found
    parsed.carry_over(keys, written)
    return moves


def _moved(module_file: ModuleFile, key: str, before: dict,
           parsed: ParsedModules) -> tuple[dict[int, int], bytes] | None:
    """Where the lines of ``module_file`` went since it read as ``before``, and its module now, as
    JSON (remembered by ``parsed``, so a build does not parse it again); None where it changed more,
    or cannot be read or kept."""
    doc, _ = read_module_file(module_file)
    if doc is None:
        return None
    try:
        written = module_json(doc)
    except TypeError:  # not writable (a lone surrogate): a build reads it
        return None
    now = orjson.loads(written)
    parsed.remember(key, now)
    moves = moved_lines(before, now)
    return None if moves is None else (moves, written)
