"""The do-not-call lists' store on one open transaction of any SQL engine.

Every method sends one statement (its chunk of phones as one JSON parameter), through the same
connection handling, error translation and statement counting as every consumer's store
(``adapters/engines/database.py``): a driver's error never reaches the caller, only a store
error naming the operation, never a phone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import orjson

from adapters.customers.do_not_call.sql import do_not_call_sql
from adapters.engines.database import SqlBank2, SqlUnitOfWork, Statements
from adapters.engines.engine import Connection, Engine
from domain.customers.do_not_call import ListedPhone
from service.customers.do_not_call import LoadedList, PhoneTally


def do_not_call_unit_of_work(database: SqlBank2) -> SqlUnitOfWork[SqlDoNotCallStore]:
    """One transaction on this database, lending the do-not-call lists' store."""
    return database.unit_of_work_for(SqlDoNotCallStore)


def do_not_call_units(database: SqlBank2) -> Callable[[], SqlUnitOfWork[SqlDoNotCallStore]]:
    """The do-not-call lists' unit-of-work factory on this database's connection."""
    return partial(do_not_call_unit_of_work, database)


class SqlDoNotCallStore:
    """``DoNotCallStore`` on one open transaction."""

    def __init__(
        self, engine: Engine, connection: Connection, on_statement: Callable[[], None]
    ) -> None:
        self._engine = engine
        self._sql = do_not_call_sql(engine.name)
        self._statements = Statements(engine, connection, on_statement)

    def start_load(self, list_name: str) -> LoadedList | None:
        if self._sql.lock_lists is not None:
            self._statements.execute("lock_lists", self._sql.lock_lists)
        rows = self._query("loaded_list", list_name=list_name)
        if not rows:
            return None
        exported_on, load_number, file_sha256, phones, loaded_at = rows[0]
        return LoadedList(
            list_name,
            _date(exported_on),
            int(load_number),
            str(file_sha256),
            int(phones),
            _instant(loaded_at),
        )

    def put_phones(
        self, list_name: str, exported_on: date, load_number: int, phones: Sequence[ListedPhone]
    ) -> None:
        rows = [
            [p.phone] if p.listed_on is None else [p.phone, p.listed_on.isoformat()] for p in phones
        ]
        self._execute(
            "put_phones",
            list_name=list_name,
            exported_on=exported_on.isoformat(),
            load_number=load_number,
            rows_json=orjson.dumps(rows).decode(),
        )

    def tally(self, list_name: str, load_number: int) -> PhoneTally:
        ((seen, added, dropped),) = self._query(
            "tally", list_name=list_name, load_number=load_number
        )
        return PhoneTally(int(seen), int(added), int(dropped))

    def suppress_contacts(
        self, list_name: str, exported_on: date, load_number: int, now: datetime
    ) -> int:
        return self._execute(
            "suppress_contacts",
            list_name=list_name,
            exported_on=exported_on.isoformat(),
            load_number=load_number,
            now=self._engine.timestamp(now),
        )

    def count_restored(self, list_name: str, load_number: int) -> int:
        ((count,),) = self._query("count_restored", list_name=list_name, load_number=load_number)
        return int(count)

    def drop_unseen(self, list_name: str, load_number: int) -> int:
        return self._execute("drop_unseen", list_name=list_name, load_number=load_number)

    def record_list(self, loaded: LoadedList, previous_load_number: int | None) -> bool:
        values: dict[str, object] = {
            "list_name": loaded.list_name,
            "exported_on": loaded.exported_on.isoformat(),
            "load_number": loaded.load_number,
            "file_sha256": loaded.file_sha256,
            "phones": loaded.phones,
            "loaded_at": self._engine.timestamp(loaded.loaded_at),
        }
        if previous_load_number is None:
            return self._execute("insert_list", **values) == 1
        return (
            self._execute("update_list", previous_load_number=previous_load_number, **values) == 1
        )

    def lists(self) -> list[LoadedList]:
        return [
            LoadedList(
                str(name),
                _date(exported_on),
                int(load_number),
                str(file_sha256),
                int(phones),
                _instant(loaded_at),
            )
            for name, exported_on, load_number, file_sha256, phones, loaded_at in self._query(
                "lists"
            )
        ]

    def _query(self, statement: str, **values: object) -> list[Any]:
        return self._statements.query(statement, getattr(self._sql, statement), **values)

    def _execute(self, statement: str, **values: object) -> int:
        return self._statements.execute(statement, getattr(self._sql, statement), **values)


def _date(value: object) -> date:
    """A DATE column as the drivers return it: a date, or ISO text (SQLite)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _instant(value: object) -> datetime:
    """A timestamp column as an aware UTC datetime: the drivers return aware (PostgreSQL), naive
    UTC (MySQL, SQL Server) or ISO text (SQLite)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
