"""App settings, read once into a typed object that fails fast with a clear message."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta


class SettingsError(ValueError):
    """A required app setting is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting the application code reads; the host reads the binding settings itself."""

    bank2_url: str
    consumer_group: str
    removal_marker_retention: timedelta

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        missing = [name for name in ("BANK2_URL", "KAFKA_CONSUMER_GROUP") if not environ.get(name)]
        if missing:
            raise SettingsError(f"missing app settings: {', '.join(missing)} (see README)")
        return cls(
            bank2_url=environ["BANK2_URL"],
            consumer_group=environ["KAFKA_CONSUMER_GROUP"],
            removal_marker_retention=timedelta(
                days=_positive_int(environ, "BANK2_REMOVAL_MARKER_RETENTION_DAYS", default=30)
            ),
        )


def _positive_int(environ: Mapping[str, str], name: str, *, default: int) -> int:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value
