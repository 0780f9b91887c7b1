"""The do-not-call lists' store in memory: the reference the SQL stores are tested against.

It keeps what the migration's tables keep (``do_not_call_lists``, ``suppressed_phones``, the
``do_not_call`` rows of ``removal_log``) and, for the contacts a load suppresses or restores, a
minimal ``contact_state``: each customer's version and phone, None for a removal marker. The
telesales view is ``visible_contacts()``. For tests and tools only, never deployed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from adapters.stream.memory import MemoryDatabase, MemoryUnitOfWork, check_width
from domain.customers.do_not_call import ListedPhone
from service.customers.do_not_call import LoadedList, PhoneTally

# The schema's widths, in characters (adapters/customers/migrations/*/0006_lgpd_records.sql).
WIDTHS = {"phone": 16, "list_name": 64}


@dataclass(slots=True)
class SuppressedPhone:
    listed_on: date
    added_in: int
    seen_in: int


@dataclass(frozen=True, slots=True)
class ListRemoval:
    """A ``do_not_call`` row of ``removal_log``."""

    customer_id: str
    version: str
    list_name: str
    list_exported_on: date
    applied_at: datetime


@dataclass(slots=True)
class DoNotCallState:
    # customer id -> (version, phone); phone None for a removal marker
    contacts: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    lists: dict[str, LoadedList] = field(default_factory=dict)
    phones: dict[tuple[str, str], SuppressedPhone] = field(default_factory=dict)  # phone, list
    removal_log: list[ListRemoval] = field(default_factory=list)

    def visible_contacts(self) -> list[str]:
        """The customer ids the telesales view shows: current, and no list holds their phone."""
        held = {phone for phone, _ in self.phones}
        return sorted(
            customer_id
            for customer_id, (_, phone) in self.contacts.items()
            if phone is not None and phone not in held
        )


def memory_do_not_call_units(
    database: MemoryDatabase[DoNotCallState],
) -> Callable[[], MemoryUnitOfWork[DoNotCallState, MemoryDoNotCallStore]]:
    return partial(MemoryUnitOfWork, database, MemoryDoNotCallStore)


class MemoryDoNotCallStore:
    """``DoNotCallStore`` on a unit of work's working copy (one writer at a time already)."""

    def __init__(self, state: DoNotCallState) -> None:
        self._state = state

    def start_load(self, list_name: str) -> LoadedList | None:
        return self._state.lists.get(list_name)

    def put_phones(
        self, list_name: str, exported_on: date, load_number: int, phones: Sequence[ListedPhone]
    ) -> None:
        check_width(WIDTHS, "list_name", list_name)
        for listed in phones:
            check_width(WIDTHS, "phone", listed.phone)
            key = (listed.phone, list_name)
            held = self._state.phones.get(key)
            if held is None:
                listed_on = listed.listed_on or exported_on
                self._state.phones[key] = SuppressedPhone(listed_on, load_number, load_number)
            else:
                held.seen_in = load_number

    def tally(self, list_name: str, load_number: int) -> PhoneTally:
        rows = [row for (_, name), row in self._state.phones.items() if name == list_name]
        return PhoneTally(
            seen=sum(row.seen_in == load_number for row in rows),
            added=sum(row.added_in == load_number for row in rows),
            dropped=sum(row.seen_in < load_number for row in rows),
        )

    def suppress_contacts(
        self, list_name: str, exported_on: date, load_number: int, now: datetime
    ) -> int:
        added = {
            phone
            for (phone, name), row in self._state.phones.items()
            if name == list_name and row.added_in == load_number
        }
        suppressed = [
            ListRemoval(customer_id, version, list_name, exported_on, now)
            for customer_id, (version, phone) in sorted(self._state.contacts.items())
            if phone in added and not self._held_elsewhere(phone, list_name)
        ]
        self._state.removal_log.extend(suppressed)
        return len(suppressed)

    def count_restored(self, list_name: str, load_number: int) -> int:
        dropped = {
            phone
            for (phone, name), row in self._state.phones.items()
            if name == list_name and row.seen_in < load_number
        }
        return sum(
            1
            for _, phone in self._state.contacts.values()
            if phone in dropped and not self._held_elsewhere(phone, list_name)
        )

    def drop_unseen(self, list_name: str, load_number: int) -> int:
        unseen = [
            key
            for key, row in self._state.phones.items()
            if key[1] == list_name and row.seen_in < load_number
        ]
        for key in unseen:
            del self._state.phones[key]
        return len(unseen)

    def record_list(self, loaded: LoadedList, previous_load_number: int | None) -> bool:
        held = self._state.lists.get(loaded.list_name)
        if (None if held is None else held.load_number) != previous_load_number:
            return False
        self._state.lists[loaded.list_name] = loaded
        return True

    def lists(self) -> list[LoadedList]:
        return [self._state.lists[name] for name in sorted(self._state.lists)]

    def _held_elsewhere(self, phone: str | None, list_name: str) -> bool:
        return any(p == phone and name != list_name for p, name in self._state.phones)
