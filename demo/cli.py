"""Argument types shared by the demos: a wrong value is an argparse error (status 2)."""

from __future__ import annotations

import argparse
from pathlib import Path


def positive_int(text: str) -> int:
    """An integer of at least 1 (a count of events, customers, partitions or a batch size)."""
    try:
        value = int(text)
    except ValueError:
        message = f"{text!r} is not a whole number"
        raise argparse.ArgumentTypeError(message) from None
    if value < 1:
        message = f"must be at least 1, not {value}"
        raise argparse.ArgumentTypeError(message)
    return value


def database_file(text: str) -> Path:
    """A SQLite file the demo may recreate: not a directory; its folder is created if missing."""
    path = Path(text)
    if path.is_dir():
        message = f"{text} is a directory; give a file path, e.g. {path / 'bank2.db'}"
        raise argparse.ArgumentTypeError(message)
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            message = f"{parent} is a file, so {text} cannot be created"
            raise argparse.ArgumentTypeError(message)
    return path
