"""The do-not-call lists' T-SQL, checked without a server as the customer projection's is
(tests/engines/test_mssql_sql.py, whose helpers these are): it parses, it takes the parameters
the store passes, in order, and it names only what the migrations create."""

from __future__ import annotations

import pytest
from sqlglot import exp

from adapters.customers.do_not_call.sql import PARAMETERS, mssql
from tests.engines.test_mssql_sql import (
    created_tables,
    declared_parameters,
    parse,
    qualified,
    texts,
    unknown,
)

SQL = texts(mssql.SQL)
STATEMENTS = {name: sql for name, sql in vars(SQL).items() if sql is not None}
# The statements whose row count the store reads: one statement each, so the count is its own.
COUNTED = ("suppress_contacts", "drop_unseen", "insert_list", "update_list")


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_every_statement_parses_as_tsql(name: str) -> None:
    trees = parse(STATEMENTS[name])
    assert trees
    for tree in trees:
        assert not list(tree.find_all(exp.Command)), "parsed only as an opaque command"
    assert STATEMENTS[name].rstrip().endswith(";"), name


def test_the_statements_declare_the_parameters_the_store_passes() -> None:
    declared = declared_parameters(mssql.SQL)
    assert set(declared) == set(PARAMETERS)
    for name, parameters in declared.items():
        assert parameters is not None, name
        assert set(parameters) == PARAMETERS[name], name


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_each_takes_its_declared_parameters_in_order(name: str) -> None:
    parameters = declared_parameters(mssql.SQL)[name]
    assert parameters is not None
    trees = parse(STATEMENTS[name])
    placeholders = [p for tree in trees for p in tree.find_all(exp.Placeholder)]
    assert len(placeholders) == len(parameters)
    declared = [
        item.this[0].name
        for tree in trees
        if isinstance(tree, exp.Declare)
        for item in tree.expressions
        if isinstance(item.args.get("default"), exp.Placeholder)
    ]
    if declared:  # a DECLARE prologue names every parameter, in order
        assert declared == list(parameters)


@pytest.mark.parametrize("name", COUNTED)
def test_a_counted_statement_is_a_single_statement(name: str) -> None:
    (tree,) = parse(STATEMENTS[name])
    assert isinstance(tree, exp.Insert | exp.Delete | exp.Update), name


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_statements_name_only_tables_and_columns_that_the_migrations_create(name: str) -> None:
    tables = created_tables()
    problems = []
    for tree in parse(STATEMENTS[name]):
        if isinstance(tree, exp.Update):  # the shared checker does not read UPDATE
            problems += unknown_in_update(tree, tables)
        else:
            problems += unknown(tree, tables)
    assert problems == []


def unknown_in_update(tree: exp.Update, tables: dict[str, list[str]]) -> list[str]:
    """An UPDATE of one table without a FROM: every column it names must be that table's."""
    table = qualified(tree.this)
    assert tree.args.get("from_") is None
    columns = [column.name for column in tree.find_all(exp.Column)]
    assert columns
    if table not in tables:
        return [table]
    return [f"{table}.{name}" for name in columns if name not in tables[table]]


def test_a_chunk_is_one_json_parameter_merged_under_a_range_lock() -> None:
    trees = parse(SQL.put_phones)
    (merge,) = [tree for tree in trees if isinstance(tree, exp.Merge)]
    hints = [
        var.name.upper() for hint in merge.this.args.get("hints") or [] for var in hint.expressions
    ]
    assert hints == ["HOLDLOCK"]
    assert merge.find(exp.OpenJSON) is not None
    json_types = [
        item.args["kind"].sql("tsql")
        for tree in trees
        if isinstance(tree, exp.Declare)
        for item in tree.expressions
        if item.this[0].name.endswith("_json")
    ]
    assert json_types == ["NVARCHAR(MAX)"]


def test_a_load_locks_the_lists_table_until_it_commits() -> None:
    (_, select) = parse(SQL.lock_lists)
    assert "WITH (TABLOCKX, HOLDLOCK)" in select.sql("tsql")


def test_the_list_name_is_compared_in_the_columns_binary_collation() -> None:
    for name in ("loaded_list", "tally", "count_restored", "suppress_contacts", "drop_unseen"):
        collations = {
            c.expression.name
            for tree in parse(STATEMENTS[name])
            for c in tree.find_all(exp.Collate)
        }
        assert collations == {"Latin1_General_BIN2"}, name
