"""The removal log's retention: deleting the rows older than it, as the privacy officer.

The functions may only append to the removal log; deleting its old rows is the privacy
officer's (``python -m adapters.bank2 removal-log purge``), under
``BANK2_REMOVAL_LOG_RETENTION_DAYS`` (docs/lgpd.md says why the default is five years).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from adapters.engines.database import Statements
from adapters.engines.engine import Connection, Engine
from adapters.engines.portable import portable

_PURGE = "DELETE FROM removal_log WHERE applied_at < :applied_before"


class SqlRemovalLog:
    """The removal log on one open transaction."""

    def __init__(
        self, engine: Engine, connection: Connection, on_statement: Callable[[], None]
    ) -> None:
        self._engine = engine
        self._statements = Statements(engine, connection, on_statement)

    def purge(self, applied_before: datetime) -> int:
        """Delete the rows applied before this instant; return how many."""
        return self._statements.execute(
            "purge_removal_log",
            portable(_PURGE, self._engine.name),
            applied_before=self._engine.timestamp(applied_before),
        )
