"""Reading a library's files without trusting them.

A file of a library is read only if it is a regular file (a name ending in ``.py`` may be a FIFO
that blocks the reader forever, or a link to ``/dev/zero`` that never ends), is opened without
blocking, is checked again after opening (it may have been swapped), and is read up to a bound.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

#: an API doc file (JSON Lines) or a documentation page is read up to this
MAX_DOC_FILE_BYTES = 256_000_000


class NotAFile(OSError):
    """The path is not a regular file (a directory, device, FIFO or socket), or it is too big."""


def is_regular(path: Path) -> bool:
    """Whether ``path`` (links followed) is a regular file; False for what cannot be stat'ed."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``; ``NotAFile`` past ``max_bytes`` or for anything else."""
    with _open_regular(path) as stream:
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise NotAFile(f"{path}: over the {max_bytes:,}-byte read limit")
    return data


def file_sha256(path: Path, max_bytes: int) -> bytes:
    """The SHA-256 of a regular file, read in chunks, never past ``max_bytes``."""
    digest, total = hashlib.sha256(), 0
    with _open_regular(path) as stream:
        while chunk := stream.read(1 << 20):
            total += len(chunk)
            if total > max_bytes:
                raise NotAFile(f"{path}: over the {max_bytes:,}-byte read limit")
            digest.update(chunk)
    return digest.digest()


def _open_regular(path: Path):
    """Opened without blocking (a FIFO with no writer would block ``open``), then checked."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise NotAFile(f"{path}: not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
