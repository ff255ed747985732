"""What the servers of every end-to-end module share: an environment of their own."""

from __future__ import annotations

import pytest
from tests.e2e.lsp_helpers import private_environment


@pytest.fixture(scope="module", autouse=True)
def _private_environment(tmp_path_factory, request):
    """pytest-lsp starts each server with this process's environment: a module's servers get caches and
    a configuration folder of their own, never the user's."""
    with private_environment(tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])):
        yield
