"""Where an account's list of changes was read up to: a cursor for ``?since=``.

Every change to a transaction (submitted, then decided) has a position: when it happened and the
gateway's transaction id, to order changes at the same instant. A page holds the changes after
the cursor's position, in position order.

A change becomes visible when its database transaction commits, a moment after its time was
taken, so a change can appear behind a position already read. A page that is full continues
right after its last row (the client reads on at once). A page that is not full means the
client has caught up: its cursor goes back to ``now - SETTLE``, so the next read lists the
changes of the last ``SETTLE`` again (clients replace rows by id, so a repeat is harmless), and
any change that committed within ``SETTLE`` of its time is listed at least once. Its bound: an
intake write is one short statement; a processor batch commits within seconds, its database
retries bounded at 30 s (docs/operations.md). ``GET /api/transactions/{id}`` always reads the
current status, and the panel reads again by id a row that stays pending (docs/gateway.md).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.gateway.transactions import TransactionView

SETTLE = timedelta(seconds=60)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_CURSOR_LENGTH = 200
_GATEWAY_ID = re.compile(r"[0-9A-Za-z-]{0,64}")


@dataclass(frozen=True, order=True, slots=True)
class Position:
    """A change's place in an account's list: its time, then the gateway's transaction id."""

    changed_at: datetime
    transaction_id: str = ""


START = Position(_EPOCH)


def position_of(view: TransactionView) -> Position:
    return Position(view.changed_at, view.transaction_id)


def encode(position: Position) -> str:
    """The cursor: opaque to clients (URL-safe base64 of the position)."""
    text = f"{position.changed_at.astimezone(UTC).isoformat()}|{position.transaction_id}"
    return base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")


def decode(cursor: str) -> Position | None:
    """The position a cursor names, or None if it is not one this gateway made."""
    if not 0 < len(cursor) <= _MAX_CURSOR_LENGTH:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
        moment, separator, transaction_id = text.partition("|")
        changed_at = datetime.fromisoformat(moment)
        # Near year 1 or 9999 an offset carries the instant out of range: OverflowError.
        in_utc = changed_at.astimezone(UTC) if changed_at.tzinfo is not None else None
    except (ValueError, OverflowError, binascii.Error):
        return None
    # The id part is one the gateway made (a UUID, or empty): nothing else reaches the store,
    # where a NUL or a control character would fail the read as if the database were down.
    if not separator or in_utc is None or not _GATEWAY_ID.fullmatch(transaction_id):
        return None
    return Position(in_utc, transaction_id)


def next_position(page: list[TransactionView], *, full: bool, now: datetime) -> Position:
    """Where the next read starts: right after a full page's last row (read on), else
    ``now - SETTLE`` (caught up: the last ``SETTLE`` is read again next time)."""
    if full and page:
        return position_of(page[-1])
    return Position(now - SETTLE)
