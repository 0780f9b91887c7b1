"""The T-SQL that Bank 2 sends to SQL Server, checked without a server: it parses, it takes the
parameters the store passes, in order, and it names only what the migrations create.

sqlglot (T-SQL dialect) parses every construct used here into real syntax trees, checked one by
one: DECLARE with a ``?`` initialiser, OPENJSON with its default schema and with WITH (...),
JSON_VALUE, MERGE ... WITH (HOLDLOCK) behind CTEs, COLLATE in select and subquery clauses,
``EXEC @r = sp_getapplock``, ``IF OBJECT_ID(...) IS NULL CREATE TABLE``, filtered
indexes and CREATE OR ALTER VIEW. It does not parse THROW or RAISERROR (RAISERROR is misread
as an alias), which is one reason the migration lock's result is checked in Python rather than
in T-SQL. Unsupported syntax may also fall back to an opaque ``Command`` node with only a
warning, so that is asserted away too.

Nor does it parse ADD SENSITIVITY CLASSIFICATION (30.x stops at CLASSIFICATION). Migration 0005
sends it as dynamic SQL (``EXEC sp_executesql N'...'`` inside IF ... BEGIN ... END, which sqlglot
parses), and the statement inside each string is checked against its documented shape with a
regular expression: the columns it names exist, and they are the contacts' personal data."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import types
from contextlib import closing

import pytest
import sqlglot
from sqlglot import exp

from adapters.customers.formats.fields import MAX_CUSTOMER_ID_LENGTH
from adapters.customers.sql import PARAMETERS, mssql
from adapters.engines.engine import Statement
from adapters.engines.migrations import migrations_for
from adapters.engines.mssql import rejects as mssql_rejects
from adapters.engines.mssql.session import SESSION_SQL, split_batches
from adapters.engines.rejects import PARAMETERS as REJECT_PARAMETERS
from domain.customers.names import MAX_NAME_LENGTH

SYSTEM_TABLES = {"sys.databases", "sys.indexes"}
# Columns of OPENJSON's default schema (no WITH clause).
OPENJSON_DEFAULT_COLUMNS = {"key", "value", "type"}


def texts(holder: object) -> types.SimpleNamespace:
    """Each field's SQL text (None where the engine needs no such statement)."""
    return types.SimpleNamespace(
        **{
            f.name: getattr(value, "sql", value)
            for f in dataclasses.fields(holder)  # type: ignore[arg-type]
            for value in [getattr(holder, f.name)]
        }
    )


# The projection's statements and the rejects ledger's, which it sends in the same batch.
SQL = types.SimpleNamespace(**vars(texts(mssql.SQL)), **vars(texts(mssql_rejects.SQL)))


def parse(sql: str) -> list[exp.Expression]:
    trees = sqlglot.parse(sql, read="tsql", error_level=sqlglot.ErrorLevel.RAISE)
    return [tree for tree in trees if isinstance(tree, exp.Expression)]


def statements() -> dict[str, str]:
    """Every statement the engine sends: the projection's and each connection's setup."""
    found = {
        f"sql.{name}": sql
        for name, sql in vars(SQL).items()
        if sql is not None  # stored_versions: MERGE ... OUTPUT makes it unneeded
    }
    found |= {f"session.{name}": sql for name, sql in vars(texts(SESSION_SQL)).items()}
    return found


def migration_batches() -> dict[str, str]:
    return {
        f"{migration.name}#{n}": batch
        for migration in migrations_for("mssql")
        for n, batch in enumerate(split_batches(migration.script), start=1)
    }


def created_tables() -> dict[str, list[str]]:
    """Table and view names (schema-qualified, lower case) to the columns the DDL creates."""
    tables: dict[str, list[str]] = {}
    ddl = [*migration_batches().values(), SESSION_SQL.create_schema_migrations]
    for tree in (tree for batch in ddl for tree in parse(batch)):
        for create in tree.find_all(exp.Create):
            kind = create.args.get("kind")
            if kind == "TABLE":
                schema = create.this
                columns = [c.name for c in schema.expressions if isinstance(c, exp.ColumnDef)]
                tables[qualified(schema.this)] = columns
            elif kind == "VIEW":
                query = create.expression
                assert isinstance(query, exp.Select)
                tables[qualified(create.this)] = query.named_selects
        for alter in tree.find_all(exp.Alter):
            added = [
                a.name for a in alter.args.get("actions") or [] if isinstance(a, exp.ColumnDef)
            ]
            tables[qualified(alter.this)] += added
    return tables


def qualified(table: exp.Expression) -> str:
    assert isinstance(table, exp.Table)
    return f"{table.db or 'dbo'}.{table.name}".lower()


ALL_SQL = statements() | migration_batches()


@pytest.mark.parametrize("name", sorted(ALL_SQL))
def test_every_statement_and_migration_batch_parses_as_tsql(name: str) -> None:
    trees = parse(ALL_SQL[name])
    assert trees
    for tree in trees:
        assert not list(tree.find_all(exp.Command)), "parsed only as an opaque command"


def declared_parameters(holder: object) -> dict[str, tuple[str, ...] | None]:
    """Each field's declared parameters, in binding order: () for plain SQL text without
    parameters, None where the engine needs no such statement."""
    found: dict[str, tuple[str, ...] | None] = {}
    for f in dataclasses.fields(holder):  # type: ignore[arg-type]
        value = getattr(holder, f.name)
        found[f.name] = value.params if isinstance(value, Statement) else None
        if isinstance(value, str):
            found[f.name] = ()
    return found


@pytest.mark.parametrize(
    ("holder", "expected"),
    [(mssql.SQL, PARAMETERS), (mssql_rejects.SQL, REJECT_PARAMETERS)],
    ids=["projection", "rejects"],
)
def test_the_projection_declares_the_parameters_the_store_passes(
    holder: object, expected: dict[str, frozenset[str]]
) -> None:
    declared = declared_parameters(holder)
    assert set(declared) == set(expected)
    for name, parameters in declared.items():
        if parameters is not None:
            assert set(parameters) == expected[name], name
            assert len(set(parameters)) == len(parameters), name


@pytest.mark.parametrize("holder", [mssql.SQL, mssql_rejects.SQL, SESSION_SQL])
def test_statements_take_the_declared_parameters_in_the_declared_order(holder: object) -> None:
    for name, parameters in declared_parameters(holder).items():
        if parameters is None:
            continue
        trees = parse(getattr(texts(holder), name))
        placeholders = [p for tree in trees for p in tree.find_all(exp.Placeholder)]
        assert len(placeholders) == len(parameters), name
        declared = [
            item.this[0].name
            for tree in trees
            if isinstance(tree, exp.Declare)
            for item in tree.expressions
            if isinstance(item.args.get("default"), exp.Placeholder)
        ]
        # A DECLARE prologue names every parameter after the declared name, in order.
        if declared:
            assert declared == list(parameters), name
            body = [tree for tree in trees if not isinstance(tree, exp.Declare)]
            assert not [p for tree in body for p in tree.find_all(exp.Placeholder)], name


def test_every_write_is_one_merge_under_a_range_lock_ending_with_a_semicolon() -> None:
    for name in ("write_contacts", "record_rejects", "advance_offsets"):
        sql = getattr(SQL, name)
        merges = [tree for tree in parse(sql) if isinstance(tree, exp.Merge)]
        assert len(merges) == 1, name
        hints = [
            var.name.upper()
            for hint in merges[0].this.args.get("hints") or []
            for var in hint.expressions
        ]
        assert hints == ["HOLDLOCK"], name
        assert sql.rstrip().endswith(";"), name


def test_the_contact_merge_outputs_exactly_the_ids_of_the_rows_it_wrote() -> None:
    # The store counts as written the ids this returns, so the versions are never read first.
    assert SQL.stored_versions is None
    (merge,) = [tree for tree in parse(SQL.write_contacts) if isinstance(tree, exp.Merge)]
    returning = merge.args.get("returning")
    assert returning is not None
    assert returning.sql("tsql") == "OUTPUT inserted.customer_id"
    # Only a newer version updates: the rows skipped by this condition are not output.
    assert "WHEN MATCHED AND s.version > t.version THEN UPDATE" in " ".join(
        SQL.write_contacts.split()
    )


def test_text_keys_are_compared_in_the_binary_collation() -> None:
    for name in ("write_contacts", "record_rejects", "advance_offsets"):
        collations = {
            c.expression.name
            for tree in parse(getattr(SQL, name))
            for c in tree.find_all(exp.Collate)
        }
        assert collations == {"Latin1_General_BIN2"}, name


def test_rows_travel_as_one_json_parameter_expanded_by_openjson() -> None:
    for name in ("write_contacts", "record_rejects", "advance_offsets"):
        trees = parse(getattr(SQL, name))
        assert any(tree.find(exp.OpenJSON) for tree in trees), name
        json_types = [
            item.args["kind"].sql("tsql")
            for tree in trees
            if isinstance(tree, exp.Declare)
            for item in tree.expressions
            if item.this[0].name.endswith("_json")
        ]
        assert json_types == ["NVARCHAR(MAX)"], name


@pytest.mark.parametrize("name", sorted(statements()))
def test_statements_name_only_tables_and_columns_that_the_migrations_create(name: str) -> None:
    tables = created_tables()
    assert [
        problem for tree in parse(statements()[name]) for problem in unknown(tree, tables)
    ] == []


def unknown(tree: exp.Expression, tables: dict[str, list[str]]) -> list[str]:
    """The tables and columns a statement names that no migration creates."""
    if isinstance(tree, exp.Set):  # SET XACT_ABORT ON names an option, not a column
        return []
    aliases, problems = table_aliases(tree, tables)
    local = defined_names(tree)
    checked: set[int] = set()
    for column, table in target_columns(tree):
        checked.add(id(column))
        if column.name not in tables.get(table, []):
            problems.append(f"{table}.{column.name}")
    for column in tree.find_all(exp.Column):
        if id(column) in checked:
            continue
        known = owner(column, aliases)
        if known is None:
            if column.name not in local:
                problems.append(f"?.{column.name}")
        elif known not in SYSTEM_TABLES and column.name not in tables.get(known, []):
            problems.append(f"{known}.{column.name}")
    return problems


def defined_names(tree: exp.Expression) -> set[str]:
    """Names a statement defines itself: CTEs, OPENJSON columns and select aliases."""
    return (
        {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
        | OPENJSON_DEFAULT_COLUMNS
        | {d.this.name for d in tree.find_all(exp.OpenJSONColumnDef)}
        | {a.alias for a in tree.find_all(exp.Alias)}
    )


def table_aliases(
    tree: exp.Expression, tables: dict[str, list[str]]
) -> tuple[dict[str, str], list[str]]:
    """Each real table's alias (or name) to its qualified name, and the unknown tables."""
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    aliases: dict[str, str] = {}
    problems: list[str] = []
    for table in tree.find_all(exp.Table):
        if (
            not isinstance(table.this, exp.Identifier)  # OPENJSON(...) AS r
            or table.name.lower() in ctes
            or isinstance(table.parent, exp.Execute)  # EXEC procedure
        ):
            continue
        name = qualified(table)
        if name not in tables and name not in SYSTEM_TABLES:
            problems.append(name)
        aliases[table.alias_or_name.lower()] = name
    return aliases, problems


def target_columns(tree: exp.Expression) -> list[tuple[exp.Expression, str]]:
    """Columns written without a qualifier into a known table: MERGE's UPDATE SET and INSERT
    lists, and INSERT INTO table (columns).
    """
    found: list[tuple[exp.Expression, str]] = []
    for merge in tree.find_all(exp.Merge):
        target = qualified(merge.this)
        for when in merge.args["whens"].expressions:
            then = when.args.get("then")
            if isinstance(then, exp.Update):
                found += [(assignment.this, target) for assignment in then.expressions]
            elif isinstance(then, exp.Insert):
                found += [(column, target) for column in then.this.expressions]
    for insert in tree.find_all(exp.Insert):
        if isinstance(insert.this, exp.Schema):
            target = qualified(insert.this.this)
            found += [(identifier, target) for identifier in insert.this.expressions]
    return found


def owner(column: exp.Column, aliases: dict[str, str]) -> str | None:
    """The real table a column belongs to: its qualifier's, or its query's only table."""
    if column.table:
        return aliases.get(column.table.lower())
    scope = column.find_ancestor(exp.Select, exp.Delete)
    if isinstance(scope, exp.Select):
        source = scope.args.get("from_")
        if source is None or scope.args.get("joins"):
            return None
        table = source.this
    elif isinstance(scope, exp.Delete):
        table = scope.this
    else:
        return None
    if isinstance(table, exp.Table) and isinstance(table.this, exp.Identifier):
        return aliases.get(table.alias_or_name.lower())
    return None


def test_the_mssql_schema_mirrors_the_sqlite_schema() -> None:
    with closing(sqlite3.connect(":memory:")) as connection:
        for migration in migrations_for("sqlite"):
            connection.executescript(migration.script)
        objects = connection.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
        ).fetchall()
        sqlite_tables = {
            f"dbo.{name}": [row[1] for row in connection.execute(f"PRAGMA table_info({name})")]
            for (name,) in objects
        }
    mssql_tables = created_tables()
    mssql_tables.pop("dbo.schema_migrations")  # created by each engine's migration runner
    assert mssql_tables == sqlite_tables
    # Every version but the classification of personal data, which only SQL Server has.
    assert [m.version for m in migrations_for("mssql")] == sorted(
        [m.version for m in migrations_for("sqlite")] + [CLASSIFICATION_VERSION]
    )


def test_migration_scripts_split_on_go_lines_only() -> None:
    script = """
-- header comment only
GO
CREATE TABLE dbo.a (category INT);
  go
-- GO in a comment does not split
CREATE OR ALTER VIEW dbo.v AS SELECT category AS goal FROM dbo.a;
GO
GO
"""
    assert split_batches(script) == [
        "CREATE TABLE dbo.a (category INT);",
        (
            "-- GO in a comment does not split\n"
            "CREATE OR ALTER VIEW dbo.v AS SELECT category AS goal FROM dbo.a;"
        ),
    ]


def test_the_view_is_alone_in_its_batch() -> None:
    for name, batch in migration_batches().items():
        trees = parse(batch)
        if any(isinstance(t, exp.Create) and t.args.get("kind") == "VIEW" for t in trees):
            assert len(trees) == 1, name


def test_customer_columns_hold_the_longest_values_the_rules_accept_in_utf16() -> None:
    # NVARCHAR(n) counts UTF-16 code units: a character outside the BMP takes two.
    (contact_state,) = [
        create.this
        for batch in migration_batches().values()
        for tree in parse(batch)
        for create in tree.find_all(exp.Create)
        if create.args.get("kind") == "TABLE" and create.this.this.name == "contact_state"
    ]
    widths = {
        column.name: int(column.args["kind"].expressions[0].this.this)
        for column in contact_state.expressions
        if isinstance(column, exp.ColumnDef) and column.args["kind"].expressions
    }
    assert widths["customer_id"] >= 2 * MAX_CUSTOMER_ID_LENGTH
    assert widths["name"] >= 2 * MAX_NAME_LENGTH


# --- Sensitivity classification (migration 0005, SQL Server only) ------------------------------

CLASSIFICATION_VERSION = 5
# ADD SENSITIVITY CLASSIFICATION TO [schema.]table.column WITH (option, ...), one column per
# statement here, with the options in this order (Microsoft's T-SQL reference for the syntax).
CLASSIFICATION = re.compile(
    r"ADD SENSITIVITY CLASSIFICATION TO dbo\.(?P<table>\w+)\.(?P<column>\w+)"
    r" WITH \(LABEL = '(?P<label>[^']+)', INFORMATION_TYPE = '(?P<information_type>[^']+)',"
    r" RANK = (?P<rank>NONE|LOW|MEDIUM|HIGH|CRITICAL)\)"
)


def classification_batches() -> dict[str, str]:
    return {
        name: batch
        for name, batch in migration_batches().items()
        if "SENSITIVITY CLASSIFICATION" in batch.upper()
    }


def classifications() -> dict[str, dict[str, str]]:
    """table.column -> the classification's options, from every classifying batch."""
    found: dict[str, dict[str, str]] = {}
    for name, batch in classification_batches().items():
        (tree,) = parse(batch)
        # Behind a check that the server knows sensitivity classifications (SQL Server 2019+,
        # Azure SQL): older versions would not even compile the statement.
        assert isinstance(tree, exp.IfBlock), name
        assert tree.this.sql("tsql") == (
            "NOT OBJECT_ID(N'sys.sensitivity_classifications') IS NULL"
        ), name
        assert not tree.args.get("false"), name
        body = [e for e in tree.args["true"].expressions if not isinstance(e, exp.EndStatement)]
        for execute in body:
            assert isinstance(execute, exp.ExecuteSql), name
            assert execute.this.name == "sp_executesql", name
            (text,) = execute.expressions
            assert isinstance(text, exp.National), name  # N'...': the statement itself
            match = CLASSIFICATION.fullmatch(text.this)
            assert match is not None, text.this
            found[f"{match['table']}.{match['column']}"] = {
                key: value
                for key, value in match.groupdict().items()
                if key not in {"table", "column"}
            }
    return found


def test_only_migration_0005_classifies_and_only_on_sql_server() -> None:
    names = {name.split("#")[0] for name in classification_batches()}
    assert names == {"0005_personal_data_classification"}
    (migration,) = [m for m in migrations_for("mssql") if m.version == CLASSIFICATION_VERSION]
    assert migration.name == "0005_personal_data_classification"
    assert len(split_batches(migration.script)) == 1
    for engine in ("sqlite", "postgresql", "mysql"):
        assert CLASSIFICATION_VERSION not in {m.version for m in migrations_for(engine)}


def test_the_contacts_name_and_phone_are_classified_as_personal_data() -> None:
    assert classifications() == {
        "contact_state.name": {
            "label": "Confidential - LGPD",
            "information_type": "Name",
            "rank": "MEDIUM",
        },
        "contact_state.phone": {
            "label": "Confidential - LGPD",
            "information_type": "Contact Info",
            "rank": "MEDIUM",
        },
    }


def test_classified_columns_exist_and_cover_the_personal_data_telesales_read() -> None:
    tables = created_tables()
    classified = set(classifications())
    for column in classified:
        table, name = column.split(".")
        assert name in tables[f"dbo.{table}"], column
    # What the view shows of a person: all of it is classified but the id and the region
    # (one of five macro-regions), which identify nobody by themselves.
    shown = set(tables["dbo.telesales_contacts"]) - {"customer_id", "region"}
    assert {f"contact_state.{column}" for column in shown} == classified


def test_the_classification_pattern_matches_the_documented_syntax_only() -> None:
    documented = (
        "ADD SENSITIVITY CLASSIFICATION TO dbo.t.c"
        " WITH (LABEL = 'L', INFORMATION_TYPE = 'T', RANK = HIGH)"
    )
    assert CLASSIFICATION.fullmatch(documented)
    assert not CLASSIFICATION.fullmatch(documented.replace("RANK = HIGH", "RANK = URGENT"))
    assert not CLASSIFICATION.fullmatch(documented.replace("TO dbo.t.c", "TO dbo.t"))
