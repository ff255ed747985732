"""What a CLI says when a command fails: one line, the user's fix in it where there is one."""

from __future__ import annotations


class CliError(Exception):
    """A failure the user can fix; printed as one line, exit status 2."""


def describe(error: BaseException) -> str:
    """The line `apiary` prints for a failed command: the message of errors that explain themselves,
    else what happened and how to see more."""
    from apiary.docs.report import IngestError
    from apiary.retrieval.encoder import EncoderError
    from apiary.retrieval.store import UnknownLibrary

    if isinstance(error, CliError | IngestError | EncoderError | UnknownLibrary):
        return str(error)
    return f"unexpected {type(error).__name__}: {error} (run with -v for details)"
