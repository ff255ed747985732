"""Every hostile case runs under a memory limit, as under ``prlimit``: an attack that makes the code
allocate without bound (a 3.6 TiB matrix, a file of /dev/zero) fails the case with a MemoryError
instead of taking the machine; servers the case starts inherit the limit."""

from __future__ import annotations

import resource

import pytest

#: private memory (heap and anonymous maps) a case and the processes it starts may each use
CASE_DATA_LIMIT = 6 * 1024**3


@pytest.fixture(autouse=True)
def bounded_memory():
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = CASE_DATA_LIMIT if hard == resource.RLIM_INFINITY else min(CASE_DATA_LIMIT, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
