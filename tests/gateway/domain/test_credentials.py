"""Account credentials: the token's form, the digest kept, the constant-time comparison."""

from __future__ import annotations

import secrets

import pytest

from domain.gateway.credentials import (
    Credentials,
    new_secret,
    parse_authorization,
    secret_digest,
    secret_matches,
    token,
)


def test_a_secret_is_256_random_bits_in_url_safe_base64() -> None:
    secret = new_secret(secrets.token_bytes(32))
    assert len(secret) == 43
    assert set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    with pytest.raises(ValueError, match="32 random bytes"):
        new_secret(b"short")


def test_the_bearer_token_names_the_account_and_its_secret() -> None:
    secret = new_secret(bytes(range(32)))
    parsed = parse_authorization(f"Bearer {token('acc-42', secret)}")
    assert parsed == Credentials("acc-42", secret)
    assert parse_authorization(f"bearer  {token('acc-42', secret)} ") == parsed
    assert secret not in repr(parsed)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
        "Bearer",
        "Bearer acc-42",
        "Bearer acc-42.",
        "Bearer .AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "Bearer acc.42.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # no dot in an account id
        "Bearer acc-42.AAAA",  # too short to be a secret
        "Bearer acc-42.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    ],
)
def test_anything_else_carries_no_credentials(header: str | None) -> None:
    assert parse_authorization(header) is None


def test_only_the_digest_is_kept_and_it_matches_only_its_secret() -> None:
    secret = new_secret(bytes(32))
    other = new_secret(bytes([1] * 32))
    digest = secret_digest(secret)
    assert digest.startswith("hmac-sha256$")
    assert secret not in digest
    assert secret_matches(secret, [secret_digest(other), digest])
    assert not secret_matches(other, [digest])
    assert not secret_matches(secret, [])  # an account without secrets
