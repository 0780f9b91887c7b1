"""Versioned schema migrations, one folder of numbered ``.sql`` files per engine."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    script: str


def migrations_for(engine: str) -> list[Migration]:
    """The engine's migrations in order; file names are ``NNNN_description.sql``."""
    folder = resources.files(__package__).joinpath(engine)
    found = [
        Migration(int(entry.name[:4]), entry.name.removesuffix(".sql"), entry.read_text("utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(found, key=lambda migration: migration.version)
