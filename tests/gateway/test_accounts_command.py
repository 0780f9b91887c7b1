"""python -m adapters.gateway accounts: issue (the secret shown once), list (never a secret),
revoke; the intake then refuses the revoked secret."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.engines.urls import open_bank2
from adapters.gateway.__main__ import main
from adapters.gateway.store import gateway_unit_of_work
from domain.gateway.credentials import parse_authorization, secret_matches
from tests.support import query


def issue(url: str, account: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    assert main(["accounts", "issue", account, "--url", url]) == 0
    out = capsys.readouterr().out
    (token,) = re.findall(r"Authorization: Bearer (\S+)", out)
    (secret_id,) = re.findall(r"Issued secret (sk_[0-9a-f]+)", out)
    return token, secret_id


def test_issue_list_and_revoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'payments.db'}"
    token, first = issue(url, "acc-42", capsys)
    _, second = issue(url, "acc-42", capsys)
    credentials = parse_authorization(f"Bearer {token}")
    assert credentials is not None
    assert credentials.account_id == "acc-42"

    bank = open_bank2(url, streams=("payments",))
    try:
        stored = query(
            bank, "SELECT secret_id, account_id, secret_hash FROM gateway_account_secrets"
        )
        assert {row[0] for row in stored} == {first, second}
        assert not any(credentials.secret in str(value) for row in stored for value in row)
        with gateway_unit_of_work(bank)() as uow:
            assert secret_matches(credentials.secret, uow.store.active_digests("acc-42"))
    finally:
        bank.close()

    assert main(["accounts", "list", "--url", url]) == 0
    listing = capsys.readouterr().out
    assert listing.count("active") == 2
    assert credentials.secret not in listing
    assert "hmac-sha256" not in listing

    assert main(["accounts", "revoke", "acc-42", "--secret", first, "--url", url]) == 0
    assert "Revoked 1 secret(s)" in capsys.readouterr().out
    assert main(["accounts", "revoke", "acc-42", "--secret", first, "--url", url]) == 1
    capsys.readouterr()
    assert main(["accounts", "list", "acc-42", "--url", url]) == 0
    listing = capsys.readouterr().out
    assert (listing.count("active"), listing.count("revoked")) == (1, 1)

    bank = open_bank2(url, streams=("payments",))
    try:
        with gateway_unit_of_work(bank)() as uow:
            assert not secret_matches(credentials.secret, uow.store.active_digests("acc-42"))
    finally:
        bank.close()


def test_an_account_id_must_be_url_safe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'payments.db'}"
    assert main(["accounts", "issue", "acc.42", "--url", url]) == 1
    assert "account id must be" in capsys.readouterr().err


def test_a_malformed_url_is_reported_without_the_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["accounts", "list", "--url", "foo://user:s3cret@host/db"]) == 1
    err = capsys.readouterr().err
    assert "s3cret" not in err
    assert err.startswith("accounts list failed: --url")
