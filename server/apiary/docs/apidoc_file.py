"""API documentation kept outside the code: one JSON object per line.

    {"name": "read_table", "qualname": "honeycomb.io.read_table",
     "signature": "(path, sep=',', *, header=True) -> Table", "description": "Read a table."}
    {"name": "Table.filter", "signature": "(predicate) -> Table", "doc": "Keep matching rows. ..."}

Only ``name`` is required. Blank lines and lines starting with ``//`` or ``#`` are comments. A bad
line is skipped with its reason, never fatal: one typo must not lose a library's other APIs.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from apiary.docs.entry import ApiEntry, ApiKind
from apiary.docs.files import MAX_DOC_FILE_BYTES, read_bounded
from apiary.docs.formats.common import (
    ON_CLASS_WORDS,
    describe,
    is_class_like,
    kind_from_name,
    make_entry,
    parent_of,
    qualify,
)
from apiary.docs.report import IngestError, IngestReport, Skipped
from apiary.docs.signatures import split_name_and_signature

logger = logging.getLogger(__name__)

_DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_STRING_FIELDS = ("name", "qualname", "signature", "description", "doc", "kind", "import_path")
_KINDS = {k.value: k for k in (ApiKind.MODULE, ApiKind.CLASS, ApiKind.FUNCTION, ApiKind.METHOD,
                               ApiKind.PROPERTY, ApiKind.ATTRIBUTE)}
_KINDS |= dict.fromkeys(ON_CLASS_WORDS, ApiKind.METHOD)


class _BadLine(ValueError):
    pass


def read_apidoc_file(path: Path, library: str) -> IngestReport:
    """Read a JSON Lines API doc file; raises `IngestError` only if the file cannot be read at all."""
    lines, undecodable = _read_lines(path)
    report = IngestReport(files_read=1)
    first_seen: dict[str, str] = {}
    for lineno, text in enumerate(lines, start=1):
        location = f"{path}:{lineno}"
        if text is None:
            report.skipped.append(Skipped(location, "not valid UTF-8"))
            continue
        text = text.strip()
        if not text or text.startswith(("//", "#")):
            continue
        try:
            entry = _entry_from_line(text, library, location)
        except _BadLine as exc:
            report.skipped.append(Skipped(location, str(exc)))
            continue
        if entry.qualname in first_seen:
            report.skipped.append(
                Skipped(location, f"duplicate {entry.qualname} (first at {first_seen[entry.qualname]})")
            )
            continue
        first_seen[entry.qualname] = location
        report.entries.append(entry)
    if undecodable and not report.entries:
        raise IngestError(f"{path} is not UTF-8 text: none of its lines could be read")
    logger.info("read %d APIs from %s (%d lines skipped)", len(report.entries), path, len(report.skipped))
    return report


def _read_lines(path: Path) -> tuple[list[str | None], bool]:
    """The file's lines, None for a line that is not UTF-8; and whether any such line was met."""
    try:
        data = read_bounded(path, MAX_DOC_FILE_BYTES)
    except FileNotFoundError:
        raise IngestError(f"API doc file not found: {path}") from None
    except IsADirectoryError:
        raise IngestError(f"API doc file is a directory, not a file: {path}") from None
    except OSError as exc:
        raise IngestError(f"cannot read API doc file {path}: {exc.strerror or exc}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows editors still save UTF-16
        return _split(data.decode("utf-16", errors="replace")), False
    try:
        return _split(data.decode("utf-8-sig")), False
    except UnicodeDecodeError:
        pass
    lines = [_decode_line(raw) for raw in data.removeprefix(b"\xef\xbb\xbf").split(b"\n")]
    return lines, True


def _split(text: str) -> list[str | None]:
    # Not str.splitlines(): JSON strings may hold U+2028, which it would split on.
    return [line.rstrip("\r") for line in text.split("\n")]


def _decode_line(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None


def _entry_from_line(text: str, library: str, location: str) -> ApiEntry:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _BadLine(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise _BadLine("JSON nested too deep to read") from None
    if not isinstance(record, dict):
        raise _BadLine(f"not a JSON object but {type(record).__name__}")
    fields = _checked_fields(record)
    name, signature = _name_and_signature(fields)
    qualname = _dotted(fields, "qualname") or qualify(name, None, library)
    import_path = _dotted(fields, "import_path") or qualname
    kind = _kind(fields.get("kind"), qualname)
    doc = fields.get("doc") or fields.get("description") or ""
    return make_entry(
        qualname=qualname,
        import_path=import_path,
        kind=kind,
        library=library,
        source=location,
        signature=signature,
        doc=doc,
        description=fields.get("description") or describe(doc),
        examples=fields.get("examples"),
        owner=_owner(kind, import_path),
        on_class=(fields.get("kind") or "").strip().lower() in ON_CLASS_WORDS,
    )


def _checked_fields(record: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in record.items() if v is not None}
    for key in _STRING_FIELDS:
        if key in fields and not isinstance(fields[key], str):
            raise _BadLine(f"field {key!r} must be a string, not {type(fields[key]).__name__}")
    examples = fields.get("examples")
    if isinstance(examples, str):
        fields["examples"] = [examples]
    elif examples is not None and not (isinstance(examples, list) and all(isinstance(e, str) for e in examples)):
        raise _BadLine("field 'examples' must be a string or a list of strings")
    if "examples" in fields:
        fields["examples"] = [e.strip("\n") for e in fields["examples"] if e.strip()]
    return fields


def _name_and_signature(fields: dict[str, Any]) -> tuple[str, str]:
    name = fields.get("name", "").strip()
    if not name:
        raise _BadLine("missing 'name'" if "name" not in fields else "empty 'name'")
    signature = fields.get("signature", "")
    if not _DOTTED_NAME.fullmatch(name):
        # Be lenient with "read_table(path)" written as the name.
        split = split_name_and_signature(name)
        if split is None or not split[1].startswith("(") or signature:
            raise _BadLine(f"invalid name {name!r}: expected a dotted Python name")
        name, signature = split
    return name, signature


def _dotted(fields: dict[str, Any], key: str) -> str:
    value = fields.get(key, "").strip()
    if value and not _DOTTED_NAME.fullmatch(value):
        raise _BadLine(f"invalid {key} {value!r}: expected a dotted Python name")
    return value


def _kind(value: str | None, qualname: str) -> ApiKind:
    if value is None:
        return kind_from_name(qualname)
    kind = _KINDS.get(value.strip().lower())
    if kind is None:
        raise _BadLine(f"unknown kind {value!r} (expected one of {', '.join(_KINDS)})")
    return kind


def _owner(kind: ApiKind, import_path: str) -> str | None:
    """Methods and properties belong to their parent; attributes only when the parent is a class."""
    parent = parent_of(import_path)
    if parent is None or kind not in (ApiKind.METHOD, ApiKind.PROPERTY, ApiKind.ATTRIBUTE):
        return None
    if kind is ApiKind.ATTRIBUTE and not is_class_like(parent.rsplit(".", 1)[-1]):
        return None
    return parent


__all__ = ["read_apidoc_file"]
