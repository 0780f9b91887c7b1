"""Loading a do-not-call list's export into Bank 2, in one transaction (docs/do-not-call.md).

A list ("nao-me-perturbe", "procon-sp"...) holds phone numbers that telesales must not call; the
telesales view hides every contact whose phone any list holds. Each export of a list replaces
the one loaded before it:

* an export older than the loaded one is refused; the very same file again (same list, same
  export date, same SHA-256) is "already loaded" and writes nothing;
* otherwise the load takes the next ``load_number`` of its list, upserts every phone of the
  export in chunks (a new phone is *added* in this load, a known one is *seen* again), appends
  one removal-log row for each current contact that this load suppresses and no other list
  suppressed before, counts the contacts it restores (phones it drops that no other list holds)
  and deletes the phones its export no longer holds. Their contacts show again in the view,
  without any new event: they never left ``contact_state``.

The export is streamed: a chunk of phones at a time, so a list of millions of numbers loads in
bounded memory. A bad line is counted by reason, and the first few by line number, never by
content (a line may hold any personal data); it never stops the load. An export without a single
valid phone is refused: loading it would lift every suppression of its list at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from domain.customers.do_not_call import (
    LIST_NAME_MAX_LENGTH,
    BadLineReason,
    ListedPhone,
    is_list_name,
    read_list_line,
)
from service.stream.clock import Clock, utc_now
from service.stream.unit_of_work import UnitOfWorkFactory

DEFAULT_CHUNK_SIZE = 20_000  # phones per statement: one JSON parameter of about 0.6 MB
FIRST_BAD_LINES_KEPT = 10  # line numbers reported, never the lines themselves


class DoNotCallError(Exception):
    """A load was refused or cannot finish: the message says why, without any line's content."""


class OlderExportError(DoNotCallError):
    """The export is older than the one of its list already loaded."""


class FutureExportError(DoNotCallError):
    """The export's date is after today's: a typo that would refuse every real export after it."""


class EmptyExportError(DoNotCallError):
    """The export holds no valid phone: loading it would lift every suppression of its list."""


class ExportChangedError(DoNotCallError):
    """The file changed between its checksum and its reading."""


class ConcurrentLoadError(DoNotCallError):
    """Another load of the same list committed while this one ran."""


@dataclass(frozen=True, slots=True)
class LoadedList:
    """The export of a list that Bank 2 holds: ``do_not_call_lists``' row."""

    list_name: str
    exported_on: date
    load_number: int
    file_sha256: str
    phones: int
    loaded_at: datetime


@dataclass(frozen=True, slots=True)
class ListLine:
    """A line of an export as its file format reads it: its number in the file, the text of its
    phone field and of its date field (None where the export has no date column)."""

    number: int
    phone: str
    listed_on: str | None


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line the file format could not read (not UTF-8, too long, fields missing)."""

    number: int
    reason: BadLineReason


class ListExport(Protocol):
    """One export file of a list: its checksum, and its lines, read once more on each call.

    ``lines()`` raises ``ExportChangedError`` at the end if the bytes it read are not the ones
    ``sha256`` was computed from."""

    @property
    def sha256(self) -> str: ...

    def lines(self) -> Iterator[ListLine | BadLine]: ...


@dataclass(frozen=True, slots=True)
class PhoneTally:
    """A list's phones after this load's upserts, before the unseen ones are deleted."""

    seen: int  # phones of this export (seen_in = this load)
    added: int  # of which new to the list (added_in = this load)
    dropped: int  # phones of the list that this export no longer holds


class DoNotCallStore(Protocol):
    """The do-not-call tables on one open transaction (``do_not_call_lists``,
    ``suppressed_phones``, and ``removal_log`` for the contacts a load suppresses)."""

    def start_load(self, list_name: str) -> LoadedList | None:
        """Wait for any other load to finish, then read the list's loaded export (None: never
        loaded). Loads of any list run one after the other from here to the commit."""
        ...

    def put_phones(
        self, list_name: str, exported_on: date, load_number: int, phones: Sequence[ListedPhone]
    ) -> None:
        """Upsert one chunk of distinct phones: a new one with ``added_in = seen_in =
        load_number`` and its listing date (the export's where the line has none); a known one
        only with ``seen_in = load_number``: it keeps the date of the load that added it."""
        ...

    def tally(self, list_name: str, load_number: int) -> PhoneTally: ...

    def suppress_contacts(
        self, list_name: str, exported_on: date, load_number: int, now: datetime
    ) -> int:
        """Append a ``do_not_call`` removal-log row for each current contact whose phone this
        load added and no other list holds; return how many."""
        ...

    def count_restored(self, list_name: str, load_number: int) -> int:
        """Current contacts whose phone this load drops and no other list holds."""
        ...

    def drop_unseen(self, list_name: str, load_number: int) -> int:
        """Delete the list's phones this load did not see; return how many."""
        ...

    def record_list(self, loaded: LoadedList, previous_load_number: int | None) -> bool:
        """Write the list's row; False if its stored load number is no longer
        ``previous_load_number`` (another load committed meanwhile)."""
        ...

    def lists(self) -> list[LoadedList]:
        """Every loaded list, by name."""
        ...


class LoadOutcome(StrEnum):
    LOADED = "loaded"
    ALREADY_LOADED = "already_loaded"


@dataclass(slots=True)
class LoadSummary:
    """What one load did: counts, reason codes and line numbers, never a phone or a line."""

    list_name: str
    exported_on: date
    outcome: LoadOutcome = LoadOutcome.LOADED
    load_number: int = 0
    lines: int = 0  # data lines read (the header and blank lines are not counted)
    phones_read: int = 0  # lines with a valid phone, duplicates included
    phones_loaded: int = 0  # distinct phones the list holds from this export
    duplicates: int = 0  # lines whose phone an earlier line of the export already named
    bad_lines: Counter[BadLineReason] = field(default_factory=Counter)
    first_bad_lines: list[tuple[int, BadLineReason]] = field(default_factory=list)
    phones_added: int = 0
    phones_dropped: int = 0
    contacts_suppressed: int = 0  # newly hidden from telesales, each with a removal-log row
    contacts_restored: int = 0  # shown to telesales again

    @property
    def bad_lines_total(self) -> int:
        return sum(self.bad_lines.values())

    def count_bad(self, number: int, reason: BadLineReason) -> None:
        self.bad_lines[reason] += 1
        if len(self.first_bad_lines) < FIRST_BAD_LINES_KEPT:
            self.first_bad_lines.append((number, reason))

    def as_fields(self) -> dict[str, object]:
        """Every figure, flat, for ``--json`` and logs."""
        return {
            "list": self.list_name,
            "exported_on": self.exported_on.isoformat(),
            "outcome": str(self.outcome),
            "load_number": self.load_number,
            "lines": self.lines,
            "phones_read": self.phones_read,
            "phones_loaded": self.phones_loaded,
            "duplicates": self.duplicates,
            "bad_lines": {str(reason): n for reason, n in sorted(self.bad_lines.items())},
            "first_bad_lines": [
                {"line": number, "reason": str(reason)} for number, reason in self.first_bad_lines
            ],
            "phones_added": self.phones_added,
            "phones_dropped": self.phones_dropped,
            "contacts_suppressed": self.contacts_suppressed,
            "contacts_restored": self.contacts_restored,
        }


class DoNotCallLists:
    """Loads exports of do-not-call lists and tells which are loaded."""

    def __init__(
        self,
        units: UnitOfWorkFactory[DoNotCallStore],
        clock: Clock = utc_now,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        self._units = units
        self._clock = clock
        self._chunk_size = chunk_size

    def load(self, list_name: str, exported_on: date, export: ListExport) -> LoadSummary:
        """Load one export of one list in one transaction; see the module's docstring."""
        check_list_name(list_name)
        # Brazil's dates are never ahead of UTC's, so an export made today is never refused.
        today = self._clock().date()
        if exported_on > today:
            raise FutureExportError(
                f"list {list_name!r}: the export date {exported_on.isoformat()} is after today "
                f"({today.isoformat()} UTC); nothing was loaded"
            )
        summary = LoadSummary(list_name, exported_on)
        checksum = export.sha256
        with self._units() as unit:
            store = unit.store
            previous = store.start_load(list_name)
            if previous is not None:
                if exported_on < previous.exported_on:
                    raise OlderExportError(
                        f"list {list_name!r}: the export of {exported_on.isoformat()} is older "
                        f"than the one loaded ({previous.exported_on.isoformat()}); nothing "
                        "was loaded"
                    )
                if exported_on == previous.exported_on and checksum == previous.file_sha256:
                    summary.outcome = LoadOutcome.ALREADY_LOADED
                    summary.load_number = previous.load_number
                    summary.phones_loaded = previous.phones
                    return summary
            previous_number = None if previous is None else previous.load_number
            load_number = 1 if previous_number is None else previous_number + 1
            summary.load_number = load_number
            self._put_export(store, export, summary)
            if summary.phones_read == 0:
                raise EmptyExportError(
                    f"list {list_name!r}: the export holds no valid phone "
                    f"({summary.bad_lines_total} bad lines of {summary.lines}); the list was "
                    "left as it was"
                )
            now = self._clock()
            tally = store.tally(list_name, load_number)
            summary.phones_loaded = tally.seen
            summary.duplicates = summary.phones_read - tally.seen
            summary.phones_added = tally.added
            summary.phones_dropped = tally.dropped
            if tally.added:
                summary.contacts_suppressed = store.suppress_contacts(
                    list_name, exported_on, load_number, now
                )
            if tally.dropped:
                summary.contacts_restored = store.count_restored(list_name, load_number)
                store.drop_unseen(list_name, load_number)
            loaded = LoadedList(list_name, exported_on, load_number, checksum, tally.seen, now)
            if not store.record_list(loaded, previous_number):
                raise ConcurrentLoadError(
                    f"list {list_name!r}: another load of this list finished meanwhile; nothing "
                    "was loaded, run it again"
                )
            unit.commit()
        return summary

    def lists(self) -> list[LoadedList]:
        """Every loaded list, by name."""
        with self._units() as unit:
            return unit.store.lists()

    def _put_export(self, store: DoNotCallStore, export: ListExport, summary: LoadSummary) -> None:
        """Stream the export into the store, a chunk of distinct phones per statement."""
        chunk: dict[str, date | None] = {}
        for line in export.lines():
            summary.lines += 1
            if isinstance(line, BadLine):
                summary.count_bad(line.number, line.reason)
                continue
            read = read_list_line(line.phone, line.listed_on, summary.exported_on)
            if isinstance(read, BadLineReason):
                summary.count_bad(line.number, read)
                continue
            summary.phones_read += 1
            # A phone named twice is sent once per chunk, with its first line's date: the store
            # keeps the listing date of the line that added a phone, as when the second line
            # comes in a later chunk.
            chunk.setdefault(read.phone, read.listed_on)
            if len(chunk) >= self._chunk_size:
                self._put_chunk(store, summary, chunk)
                chunk = {}
        if chunk:
            self._put_chunk(store, summary, chunk)

    @staticmethod
    def _put_chunk(
        store: DoNotCallStore, summary: LoadSummary, chunk: dict[str, date | None]
    ) -> None:
        # In key order: neighbouring index pages, and the order concurrent writers lock in.
        phones = [ListedPhone(phone, chunk[phone]) for phone in sorted(chunk)]
        store.put_phones(summary.list_name, summary.exported_on, summary.load_number, phones)


def check_list_name(list_name: str) -> None:
    """Refuse a list name that is not a short identifier, without repeating it (it is typed by
    an operator, but it could be anything)."""
    if not is_list_name(list_name):
        raise DoNotCallError(
            "a list name is lower-case letters, digits and hyphens, starting with a letter or "
            f"digit, at most {LIST_NAME_MAX_LENGTH} characters (e.g. nao-me-perturbe, procon-sp)"
        )
