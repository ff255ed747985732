"""The Python code a command is given: a file, or stdin for ``-``, read as Python reads source (a
PEP 263 coding line, else UTF-8) and no larger than an editor's document Apiary assists."""

from __future__ import annotations

import io
import sys
import tokenize
from pathlib import Path

from apiary.cli.errors import CliError

#: UTF-8 spends at most this many bytes on a character: the bytes read are bounded by the largest
#: document the editor assists (a path to a huge file or a device costs no more)
_BYTES_PER_CHAR = 4


def read_source(spec: str) -> str:
    """The text of the file ``spec`` (``-``: stdin), line endings as given."""
    from apiary.context.document import MAX_CHARS

    most = MAX_CHARS * _BYTES_PER_CHAR
    if spec != "-":
        return _within(_decode(_file_bytes(Path(spec), most), spec), spec, MAX_CHARS)
    binary = getattr(sys.stdin, "buffer", None)  # bytes keep line endings exactly as given
    if binary is None:  # a text stream put in place of stdin (tests, embedding)
        return _within(sys.stdin.read(MAX_CHARS + 1), "stdin", MAX_CHARS)
    data = binary.read(most + 1)  # a byte more than allowed says it is too large
    if len(data) > most:
        raise _too_large("stdin", most)
    return _within(_decode(data, "stdin"), "stdin", MAX_CHARS)


def _file_bytes(path: Path, most: int) -> bytes:
    """The bytes of the regular file ``path`` (a FIFO or a device is refused, not read)."""
    from apiary.docs.files import NotAFile, read_bounded

    try:
        return read_bounded(path, most)
    except FileNotFoundError:
        raise CliError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise CliError(f"{path} is a folder, not a Python file") from None
    except NotAFile:  # too large, or not a regular file
        raise (_too_large(str(path), most) if path.is_file() else
               CliError(f"{path} is not a regular file (a FIFO, a device or a socket)")) from None
    except OSError as error:
        raise CliError(f"cannot read {path}: {error.strerror or error}") from None


def _too_large(name: str, most: int) -> CliError:
    from apiary.context.document import MAX_CHARS

    return CliError(f"{name} is over {most:,} bytes: too large to assist (the editor's limit is {MAX_CHARS:,} "
                    "characters)")


def _within(text: str, name: str, most: int) -> str:
    if len(text) > most:
        raise CliError(f"{name} has over {most:,} characters: too large to assist (the editor's limit)")
    return text


def _decode(data: bytes, name: str) -> str:
    """Decode as Python does: a PEP 263 coding line, else UTF-8 (a BOM is honoured)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding).removeprefix("\ufeff")
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        reason = error.msg if isinstance(error, SyntaxError) else str(error)
        raise CliError(f"cannot decode {name} (not UTF-8 and no usable coding line): {reason}") from None
