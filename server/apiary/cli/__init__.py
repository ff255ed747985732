"""The ``apiary`` command: ``index``, ``search``, ``libs`` (more subcommands register themselves here)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from apiary.cli import complete_command, index_commands, serve_command, sketch_command, suggest_command
from apiary.cli.errors import CliError, describe
from apiary.cli.run import command_parser, run_cli

# Each module adds its subcommands to the parser; keeping the list here makes the CLI's surface visible.
_COMMAND_MODULES = (index_commands, complete_command, sketch_command, serve_command, suggest_command)


def build_parser() -> argparse.ArgumentParser:
    return command_parser("apiary", "Code completion for private libraries.", _COMMAND_MODULES)


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(build_parser(), argv, describe)


__all__ = ["CliError", "build_parser", "describe", "main"]
