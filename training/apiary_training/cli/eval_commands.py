"""``apiary-train eval ...`` subcommands."""

from __future__ import annotations


def register(commands) -> None:
    """Add this module's subcommands to the ``apiary-train`` parser."""
