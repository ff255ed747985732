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
import time
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


#: a file changed this recently may change again within the clock's resolution without its times
#: showing it, so its digest is not remembered (git's "racy" entries)
RACY_NS = 2_000_000_000


class FileDigests:
    """SHA-256 of files, remembered by what ``stat`` says of them (inode, size, modification and
    change times), as git's index does: checking a library of 3,000 files for changes hashes only
    the files that changed. ``known`` is what an earlier run remembered (``path -> [inode, size,
    mtime_ns, ctime_ns, hex digest]``); ``remembered`` is what this run would keep."""

    def __init__(self, known: dict | None = None, clock_ns=time.time_ns):
        self._known = known if isinstance(known, dict) else {}
        self._clock_ns = clock_ns
        self.remembered: dict[str, list] = {}
        #: this run's digests, racy files' too: the parse cache asks again for each file just hashed
        self._seen: dict[str, tuple[list[int], bytes]] = {}

    @property
    def changed(self) -> bool:
        return self.remembered != self._known

    def sha256(self, path: Path, max_bytes: int) -> bytes:
        status = os.stat(path)
        key = [status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]
        seen = self._seen.get(str(path))
        if seen is not None and seen[0] == key:
            return seen[1]
        remembered = _remembered(self._known.get(str(path)), key)
        if stat.S_ISREG(status.st_mode) and status.st_size <= max_bytes and remembered is not None:
            digest = remembered
        else:
            digest = file_sha256(path, max_bytes)
        self._seen[str(path)] = (key, digest)
        if self._clock_ns() - max(status.st_mtime_ns, status.st_ctime_ns) > RACY_NS:
            self.remembered[str(path)] = [*key, digest.hex()]
        return digest


def _remembered(entry: object, key: list[int]) -> bytes | None:
    """The digest ``entry`` remembers for a file whose ``stat`` gives ``key``, if it is one."""
    if not (isinstance(entry, list) and len(entry) == 5 and entry[:4] == key and isinstance(entry[4], str)):
        return None
    try:
        digest = bytes.fromhex(entry[4])
    except ValueError:
        return None
    return digest if len(digest) == 32 else None
