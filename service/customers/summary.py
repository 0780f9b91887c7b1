"""What one customer batch did: counts, reason codes and offsets, never personal data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from domain.customers.reasons import RejectReason
from service.customers.ports import RejectedRecord
from service.stream.records import Partition
from service.stream.spans import spans_text

_OUTCOMES = (
    "upserted",
    "suppressed",
    "removed",
    "withdrawn",
    "stale",
    "superseded",
    "duplicates",
    "skipped",
)


@dataclass(slots=True)
class BatchSummary:
    """What one batch did: counts only, never personal data."""

    events: int = 0
    upserted: int = 0
    # Contacts written that a do-not-call list keeps from telesales (not counted as upserted).
    suppressed: int = 0
    removed: int = 0
    withdrawn: int = 0
    stale: int = 0
    superseded: int = 0
    duplicates: int = 0
    skipped: int = 0
    rejected: Counter[RejectReason] = field(default_factory=Counter)
    offsets: dict[Partition, tuple[int, int]] = field(default_factory=dict)
    # Where each rejected message of the delivery is, for a dead-letter topic: the new ones and
    # those an earlier delivery recorded (dead letters are published at least once).
    rejected_records: list[RejectedRecord] = field(default_factory=list)
    write_seconds: float = 0.0  # in Bank 2, retries included

    @property
    def size(self) -> int:
        return self.events

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def outcome_counts(self) -> Iterator[tuple[dict[str, str], int]]:
        """Each non-zero count by outcome, rejects by reason: for metrics."""
        for outcome in _OUTCOMES:
            count: int = getattr(self, outcome)
            if count:
                yield {"outcome": outcome}, count
        for reason, count in self.rejected.items():
            yield {"outcome": "rejected", "reason": str(reason)}, count

    def as_fields(self) -> dict[str, int | str]:
        """Flat fields for structured logs and telemetry dimensions."""
        fields: dict[str, int | str] = {
            "batch_events": self.events,
            "batch_upserted": self.upserted,
            "batch_suppressed": self.suppressed,
            "batch_removed": self.removed,
            "batch_withdrawn": self.withdrawn,
            "batch_stale": self.stale,
            "batch_superseded": self.superseded,
            "batch_duplicates": self.duplicates,
            "batch_skipped": self.skipped,
            "batch_rejected": self.rejected_total,
        }
        for reason, count in self.rejected.items():
            fields[f"batch_rejected_{reason}"] = count
        return fields

    def log_line(self) -> str:
        rejected = ", ".join(f"{reason}={n}" for reason, n in sorted(self.rejected.items()))
        return (
            f"customer batch: events={self.events} upserted={self.upserted} "
            f"suppressed={self.suppressed} removed={self.removed} withdrawn={self.withdrawn} "
            f"stale={self.stale} "
            f"superseded={self.superseded} "
            f"duplicates={self.duplicates} skipped={self.skipped} "
            f"rejected={self.rejected_total}"
            + (f" ({rejected})" if rejected else "")
            + f" offsets={spans_text(self.offsets)}"
        )
