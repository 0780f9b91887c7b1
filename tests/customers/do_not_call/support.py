"""What the do-not-call tests share: exports built in memory or as files, and every backend the
contract runs on (the in-memory reference and each real engine), read back as an operator or
telesales would read it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from adapters.customers.do_not_call.memory import DoNotCallState, memory_do_not_call_units
from adapters.customers.do_not_call.store import do_not_call_units
from adapters.engines.database import SqlBank2
from adapters.engines.urls import open_bank2
from adapters.stream.memory import MemoryDatabase
from domain.customers.do_not_call import BadLineReason
from service.customers.do_not_call import (
    DEFAULT_CHUNK_SIZE,
    BadLine,
    DoNotCallLists,
    DoNotCallStore,
    ListLine,
)
from service.stream.unit_of_work import UnitOfWorkFactory
from tests.databases import ENGINES, database_url
from tests.support import execute, query

NOW = datetime(2025, 8, 4, 9, 30, tzinfo=UTC)
JUNE = date(2025, 6, 1)
MAY = date(2025, 5, 1)
JULY = date(2025, 7, 1)
BACKENDS = ["memory", *ENGINES]

# Phones as the lists write them, and as Bank 2 holds them (E.164).
MOBILE_SP = "+5511987654321"
MOBILE_RJ = "+5521998765432"
LANDLINE_SP = "+551134567890"
MOBILE_BA = "+5571988887777"


class Export:
    """A ``ListExport`` in memory: lines as the file format would yield them."""

    def __init__(self, *lines: str | tuple[str, str] | BadLineReason) -> None:
        self._lines = lines
        self.sha256 = hashlib.sha256(repr(lines).encode()).hexdigest()

    def lines(self) -> Iterator[ListLine | BadLine]:
        for number, line in enumerate(self._lines, start=2):
            if isinstance(line, BadLineReason):
                yield BadLine(number, line)
            elif isinstance(line, tuple):
                yield ListLine(number, line[0], line[1])
            else:
                yield ListLine(number, line, None)


def write_csv(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


class Backend(Protocol):
    name: str

    def units(self) -> UnitOfWorkFactory[DoNotCallStore]: ...
    def add_contact(self, customer_id: str, phone: str, version: str = "v1") -> None: ...
    def remove_contact(self, customer_id: str) -> None: ...
    def visible(self) -> list[str]:
        """The customer ids ``telesales_contacts`` shows, in order."""
        ...

    def suppressed(self) -> list[tuple[str, str, str, int, int]]:
        """(phone, list, listed_on ISO, added_in, seen_in), in order."""
        ...

    def removals(self) -> list[tuple[str, str, str, str, str]]:
        """The removal log's rows: (customer_id, reason, version, list, exported_on ISO)."""
        ...


def lists(backend: Backend, chunk_size: int = DEFAULT_CHUNK_SIZE) -> DoNotCallLists:
    return DoNotCallLists(backend.units(), clock=lambda: NOW, chunk_size=chunk_size)


class MemoryBackend:
    name = "memory"

    def __init__(self) -> None:
        self.database = MemoryDatabase(DoNotCallState())

    def units(self) -> UnitOfWorkFactory[DoNotCallStore]:
        factory: UnitOfWorkFactory[Any] = memory_do_not_call_units(self.database)
        return factory

    def add_contact(self, customer_id: str, phone: str, version: str = "v1") -> None:
        self.database.state.contacts[customer_id] = (version, phone)

    def remove_contact(self, customer_id: str) -> None:
        self.database.state.contacts[customer_id] = ("v9", None)

    def visible(self) -> list[str]:
        return self.database.state.visible_contacts()

    def suppressed(self) -> list[tuple[str, str, str, int, int]]:
        return sorted(
            (phone, name, row.listed_on.isoformat(), row.added_in, row.seen_in)
            for (phone, name), row in self.database.state.phones.items()
        )

    def removals(self) -> list[tuple[str, str, str, str, str]]:
        return sorted(
            (r.customer_id, "do_not_call", r.version, r.list_name, r.list_exported_on.isoformat())
            for r in self.database.state.removal_log
        )


_COLUMNS = "(customer_id, version, name, phone, region, updated_at)"
_NO_PERSONAL_DATA = "name = NULL, phone = NULL, region = NULL"


class SqlBackend:
    """A real engine's Bank 2; contacts written and read with plain SQL, outside the code under
    test (the values are the tests' own constants)."""

    def __init__(self, name: str, bank: SqlBank2) -> None:
        self.name = name
        self.bank = bank

    def units(self) -> UnitOfWorkFactory[DoNotCallStore]:
        factory: UnitOfWorkFactory[Any] = do_not_call_units(self.bank)
        return factory

    def add_contact(self, customer_id: str, phone: str, version: str = "v1") -> None:
        values = f"'{customer_id}', '{version}', 'Maria Souza', '{phone}', 'Sudeste'"
        updated_at = "'2025-01-01 00:00:00'"
        sql = f"INSERT INTO contact_state {_COLUMNS} VALUES ({values}, {updated_at})"  # noqa: S608
        execute(self.bank, sql)

    def remove_contact(self, customer_id: str) -> None:
        marker = "version = 'v9', removed_at = '2025-01-02 00:00:00'"
        where = f"customer_id = '{customer_id}'"
        sql = f"UPDATE contact_state SET {_NO_PERSONAL_DATA}, {marker} WHERE {where}"  # noqa: S608
        execute(self.bank, sql)

    def visible(self) -> list[str]:
        rows = query(self.bank, "SELECT customer_id FROM telesales_contacts ORDER BY 1")
        return [str(row[0]) for row in rows]

    def suppressed(self) -> list[tuple[str, str, str, int, int]]:
        rows = query(
            self.bank,
            "SELECT phone, list_name, listed_on, added_in, seen_in FROM suppressed_phones",
        )
        return sorted(
            (str(p), str(n), str(d)[:10], int(str(a)), int(str(s))) for p, n, d, a, s in rows
        )

    def removals(self) -> list[tuple[str, str, str, str, str]]:
        rows = query(
            self.bank,
            "SELECT customer_id, reason, version, list_name, list_exported_on FROM removal_log"
            " WHERE topic IS NULL AND kafka_partition IS NULL AND kafka_offset IS NULL",
        )
        return sorted((str(c), str(r), str(v), str(n), str(d)[:10]) for c, r, v, n, d in rows)


@contextmanager
def backend_on(name: str, tmp_path: Path) -> Iterator[Backend]:
    if name == "memory":
        yield MemoryBackend()
        return
    with database_url(name, tmp_path) as url:
        bank = open_bank2(url)
        try:
            yield SqlBackend(name, bank)
        finally:
            bank.close()
