"""What one payment batch did and what to publish: counts, ids and outcomes, never card data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from domain.payments.messages import ErrorMessage, PaymentRejectReason
from domain.payments.transactions import Outcome
from service.payments.ports import UnanswerableRecord
from service.stream.records import Partition
from service.stream.spans import spans_text


@dataclass(slots=True)
class PaymentBatch:
    """What one batch did, and what to publish: counts, ids and outcomes, never card data."""

    messages: int = 0
    approved: int = 0  # decided in this batch
    rejected: Counter[ErrorMessage] = field(default_factory=Counter)  # decided in this batch
    republished: int = 0  # transactions decided by an earlier delivery, answered again
    duplicates: int = 0  # messages repeating a transaction id earlier in the same batch
    skipped: int = 0  # tombstones
    unanswerable: Counter[PaymentRejectReason] = field(default_factory=Counter)
    # One answer per transaction id, in the order the ids first appear in the batch.
    results: list[Outcome] = field(default_factory=list)
    # Every unanswerable message of the batch, redelivered ones included, for the dead letters.
    rejects: list[UnanswerableRecord] = field(default_factory=list)
    offsets: dict[Partition, tuple[int, int]] = field(default_factory=dict)
    write_seconds: float = 0.0  # in the payments database, retries included

    @property
    def size(self) -> int:
        return self.messages

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def outcome_counts(self) -> Iterator[tuple[dict[str, str], int]]:
        """Each non-zero count by outcome, refusals by reason: for metrics."""
        for outcome in ("approved", "republished", "duplicates", "skipped"):
            count: int = getattr(self, outcome)
            if count:
                yield {"outcome": outcome}, count
        for message, count in self.rejected.items():
            yield {"outcome": "rejected", "reason": message.name.lower()}, count
        for reason, count in self.unanswerable.items():
            yield {"outcome": "unanswerable", "reason": str(reason)}, count

    @property
    def unanswerable_total(self) -> int:
        return sum(self.unanswerable.values())

    def as_fields(self) -> dict[str, int | str]:
        """Flat fields for structured logs and telemetry dimensions."""
        fields: dict[str, int | str] = {
            "payments_messages": self.messages,
            "payments_approved": self.approved,
            "payments_rejected": self.rejected_total,
            "payments_republished": self.republished,
            "payments_duplicates": self.duplicates,
            "payments_skipped": self.skipped,
            "payments_unanswerable": self.unanswerable_total,
        }
        for message, count in self.rejected.items():
            fields[f"payments_rejected_{message.name.lower()}"] = count
        for reason, count in self.unanswerable.items():
            fields[f"payments_unanswerable_{reason}"] = count
        return fields

    def log_line(self) -> str:
        rejected = ", ".join(f"{m.name.lower()}={n}" for m, n in sorted(self.rejected.items()))
        unanswerable = ", ".join(f"{r}={n}" for r, n in sorted(self.unanswerable.items()))
        return (
            f"payment batch: messages={self.messages} approved={self.approved} "
            f"rejected={self.rejected_total}"
            + (f" ({rejected})" if rejected else "")
            + f" republished={self.republished} duplicates={self.duplicates} "
            f"skipped={self.skipped} unanswerable={self.unanswerable_total}"
            + (f" ({unanswerable})" if unanswerable else "")
            + f" offsets={spans_text(self.offsets)}"
        )
