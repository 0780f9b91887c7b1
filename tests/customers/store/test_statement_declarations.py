"""Every consumer's statements and the shared rejects ledger's, on every engine, declare the
parameters the store passes, by name, in the order their SQL binds them (T-SQL's DECLARE
prologues are checked in tests/engines/test_mssql_sql.py)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from adapters.customers.sql import PARAMETERS as PROJECTION_PARAMETERS
from adapters.customers.sql import projection_sql
from adapters.customers.sql.sqlite import PROBING_SQL
from adapters.engines.engine import Statement
from adapters.engines.rejects import PARAMETERS as REJECT_PARAMETERS
from adapters.engines.rejects import reject_sql
from adapters.payments.sql import PARAMETERS as PAYMENT_PARAMETERS
from adapters.payments.sql import payment_sql

ENGINES = ("sqlite", "postgresql", "mysql", "mssql")


def declared(holder: object) -> dict[str, Statement | None]:
    return {f.name: getattr(holder, f.name) for f in dataclasses.fields(holder)}  # type: ignore[arg-type]


def every_statement() -> list[tuple[str, str, Statement, frozenset[str]]]:
    found = []
    for engine in ENGINES:
        probing = (PROBING_SQL,) if engine == "sqlite" else ()
        holders: tuple[tuple[object, dict[str, frozenset[str]]], ...] = (
            (projection_sql(engine), PROJECTION_PARAMETERS),
            *((holder, PROJECTION_PARAMETERS) for holder in probing),
            (payment_sql(engine), PAYMENT_PARAMETERS),
            (reject_sql(engine), REJECT_PARAMETERS),
        )
        for holder, parameters in holders:
            assert set(declared(holder)) == set(parameters)
            for name, statement in declared(holder).items():
                if statement is not None:
                    found.append((engine, name, statement, parameters[name]))
    return found


STATEMENTS = every_statement()


@pytest.mark.parametrize(
    ("engine", "name", "statement", "parameters"),
    STATEMENTS,
    ids=[f"{engine}.{name}" for engine, name, _, _ in STATEMENTS],
)
def test_each_statement_binds_exactly_its_declared_parameters(
    engine: str, name: str, statement: Statement, parameters: frozenset[str]
) -> None:
    assert set(statement.params) == parameters, name
    assert len(set(statement.params)) == len(statement.params), name
    sql = statement.sql
    if engine == "sqlite":
        # Numbered markers: ?N is the Nth declared parameter, and each one is used.
        numbers = {int(n) for n in re.findall(r"\?(\d+)", sql)}
        assert numbers == set(range(1, len(statement.params) + 1)), name
    elif engine in {"postgresql", "mysql"}:
        # Positional %s markers, each parameter written once, in the declared order.
        assert sql.count("%s") == len(statement.params), name
        assert "%" not in sql.replace("%s", ""), name
    else:
        assert sql.count("?") == len(statement.params), name


def test_binding_takes_values_by_name_in_the_declared_order() -> None:
    statement = Statement("?, ?, ?", params=("consumer_group", "rows_json", "now"))
    values = {"now": 3, "consumer_group": 1, "rows_json": 2}
    assert statement.bind(values) == (1, 2, 3)
    with pytest.raises(TypeError):
        statement.bind({"consumer_group": 1, "rows_json": 2})
    with pytest.raises(TypeError):
        statement.bind({**values, "extra": 4})


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_has_statements_for_every_consumer(engine: str) -> None:
    assert projection_sql(engine) is not None
    assert payment_sql(engine) is not None
    assert reject_sql(engine) is not None
    with pytest.raises(ValueError, match="engine"):
        reject_sql("nosuch")
    with pytest.raises(ValueError, match="engine"):
        projection_sql("nosuch")
    with pytest.raises(ValueError, match="engine"):
        payment_sql("nosuch")
