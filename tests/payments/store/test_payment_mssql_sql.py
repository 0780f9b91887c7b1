"""The payment processor's T-SQL, checked without a server as the projection's is
(tests/engines/test_mssql_sql.py, whose sqlglot helpers it reuses): it parses, takes the
declared parameters in order, names only what the migrations create, writes with one
MERGE ... WITH (HOLDLOCK), compares ids in the binary collation and expands one JSON parameter.

The same statements run on a real SQL Server in the contract suite when ``BANK2_TEST_MSSQL_URL``
names one (docs/verification.md, "The application").
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlglot import exp

from adapters.payments.sql import PARAMETERS
from adapters.payments.sql import mssql as payment_mssql
from tests.engines.test_mssql_sql import created_tables, parse, texts, unknown

SQL = texts(payment_mssql.SQL)
STATEMENTS = {f.name: getattr(SQL, f.name) for f in dataclasses.fields(payment_mssql.SQL)}
DECLARED = {
    f.name: getattr(payment_mssql.SQL, f.name).params for f in dataclasses.fields(payment_mssql.SQL)
}


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_every_statement_parses_as_tsql(name: str) -> None:
    trees = parse(STATEMENTS[name])
    assert trees
    for tree in trees:
        assert not list(tree.find_all(exp.Command)), "parsed only as an opaque command"


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_statements_declare_the_declared_parameters_in_order(name: str) -> None:
    assert set(DECLARED) == set(PARAMETERS)
    assert set(DECLARED[name]) == PARAMETERS[name]
    trees = parse(STATEMENTS[name])
    declared = [
        item.this[0].name
        for tree in trees
        if isinstance(tree, exp.Declare)
        for item in tree.expressions
        if isinstance(item.args.get("default"), exp.Placeholder)
    ]
    assert declared == list(DECLARED[name])
    placeholders = [p for tree in trees for p in tree.find_all(exp.Placeholder)]
    assert len(placeholders) == len(declared)


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_statements_name_only_tables_and_columns_that_the_migrations_create(name: str) -> None:
    tables = created_tables()
    assert "dbo.transactions" in tables
    problems = [problem for tree in parse(STATEMENTS[name]) for problem in unknown(tree, tables)]
    assert problems == []


def test_decisions_are_written_by_one_merge_under_a_range_lock_that_only_inserts() -> None:
    merges = [tree for tree in parse(SQL.record_decisions) if isinstance(tree, exp.Merge)]
    assert len(merges) == 1
    hints = [v.name.upper() for h in merges[0].this.args.get("hints") or [] for v in h.expressions]
    assert hints == ["HOLDLOCK"]
    actions = [type(when.args.get("then")) for when in merges[0].args["whens"].expressions]
    assert actions == [exp.Insert]  # a stored outcome is never updated
    assert SQL.record_decisions.rstrip().endswith(";")


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_ids_travel_as_one_json_parameter_compared_in_the_binary_collation(name: str) -> None:
    trees = parse(STATEMENTS[name])
    assert any(tree.find(exp.OpenJSON) for tree in trees)
    collations = {c.expression.name for tree in trees for c in tree.find_all(exp.Collate)}
    assert collations == {"Latin1_General_BIN2"}
