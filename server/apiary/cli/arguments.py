"""Argument types that refuse what makes no sense, with a sentence argparse prints before exiting 2:
a count below one, a negative column, a port outside 1–65535, a log file in a folder that is not there."""

from __future__ import annotations

import argparse
from pathlib import Path


def at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below {minimum}")
        return value

    parse.__name__ = f"an integer of at least {minimum}"
    return parse


positive = at_least(1)
non_negative = at_least(0)


def seconds(text: str) -> float:
    """A duration of zero or more seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} is not 0 seconds or more")
    return value


def port(text: str) -> int:
    value = positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a TCP port (1-65535)")
    return value


def log_file(text: str) -> str:
    folder = Path(text).expanduser().parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"the folder {folder} does not exist")
    return text
