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


def recreate(path: Path) -> None:
    """Remove a SQLite file and its journals, so the demo starts on an empty database."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def add_run_arguments(
    parser: argparse.ArgumentParser, *, batch_size: int, database: str, default: Path
) -> None:
    """The options both demos take: batches, partitions, seed, their SQLite file, quiet."""
    parser.add_argument(
        "--batch-size", type=positive_int, default=batch_size, help="messages per batch"
    )
    parser.add_argument("--partitions", type=positive_int, default=4, help="topic partitions")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same run)")
    parser.add_argument(
        database, type=database_file, default=default, help="SQLite file, recreated"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
