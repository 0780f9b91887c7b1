"""Versioned schema migrations: each consumer owns a stream, one folder of numbered ``.sql``
files per engine (``adapters/<consumer>/migrations/<engine>/NNNN_name.sql``).

Version numbers are unique across streams and recorded in one ``schema_migrations`` table, so a
database that the former single stream migrated is up to date for every stream it serves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from adapters.engines.registry import ALL_STREAMS, STREAMS


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    script: str


def stream(consumer: str, engine: str) -> list[Migration]:
    """One consumer's migrations for one engine, in order; files are ``NNNN_description.sql``."""
    try:
        package = STREAMS[consumer]
    except KeyError:
        raise ValueError(
            f"no migration stream {consumer!r}; choose from {', '.join(STREAMS)}"
        ) from None
    folder = resources.files(package).joinpath(engine)
    found = [
        Migration(int(entry.name[:4]), entry.name.removesuffix(".sql"), entry.read_text("utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(found, key=lambda migration: migration.version)


def migrations_for(engine: str, streams: Iterable[str] = ALL_STREAMS) -> list[Migration]:
    """The migrations of these streams on the engine, in version order (all streams by default).

    Raises ValueError if two streams number a migration the same: versions are global.
    """
    merged: dict[int, Migration] = {}
    for consumer in dict.fromkeys(streams):
        for migration in stream(consumer, engine):
            if migration.version in merged:
                raise ValueError(f"migration version {migration.version} is used twice")
            merged[migration.version] = migration
    return [merged[version] for version in sorted(merged)]
