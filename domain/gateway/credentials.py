"""Account credentials: ``Authorization: Bearer <account id>.<secret>``.

A secret is 32 random bytes (256 bits) in URL-safe base64, shown once when it is issued and kept
only as a digest. Because it is high-entropy and random, a single keyed hash is the right digest:
a password KDF (argon2, scrypt) exists to slow down guessing a low-entropy human password, and
nobody can guess 2^256 values however fast the hash is. The digest is HMAC-SHA-256 under a fixed
label (domain separation: the same bytes hashed for another purpose give another digest), and it
is compared in constant time with ``hmac.compare_digest``.

Account ids are 1-64 letters, digits, ``_`` and ``-``: no ``.``, so the token splits at its first
dot without ambiguity (URL-safe base64 has no dot either).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass, field

SECRET_BYTES = 32
SECRET_LENGTH = 43  # 32 bytes in URL-safe base64 without padding
ACCOUNT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{43}")
_BEARER = "bearer "
_DIGEST_SCHEME = "hmac-sha256"
_DIGEST_LABEL = b"payment-gateway account secret v1"
# What an unknown account's secret is compared with, so that it costs the same as a known one.
_NO_SECRET_DIGEST = f"{_DIGEST_SCHEME}${'0' * 64}"


@dataclass(frozen=True, slots=True)
class Credentials:
    """An account id and the secret presented with it; the secret never shows in a ``repr``."""

    account_id: str
    secret: str = field(repr=False)


def valid_account_id(account_id: str) -> bool:
    return ACCOUNT_ID.fullmatch(account_id) is not None


def new_secret(random_bytes: bytes) -> str:
    """A secret made of ``SECRET_BYTES`` random bytes (from ``secrets.token_bytes``)."""
    if len(random_bytes) != SECRET_BYTES:
        raise ValueError(f"a secret takes {SECRET_BYTES} random bytes")
    return base64.urlsafe_b64encode(random_bytes).rstrip(b"=").decode("ascii")


def token(account_id: str, secret: str) -> str:
    """What the account puts after ``Bearer``."""
    return f"{account_id}.{secret}"


def parse_authorization(header: str | None) -> Credentials | None:
    """The credentials an ``Authorization`` header carries, or None when it carries none that
    could be valid (missing, another scheme, a malformed token)."""
    if header is None or header[: len(_BEARER)].lower() != _BEARER:
        return None
    account_id, dot, secret = header[len(_BEARER) :].strip().partition(".")
    if not dot or not valid_account_id(account_id) or _SECRET.fullmatch(secret) is None:
        return None
    return Credentials(account_id, secret)


def secret_digest(secret: str) -> str:
    """The digest kept for a secret: ``hmac-sha256$<64 hex digits>``."""
    mac = hmac.new(_DIGEST_LABEL, secret.encode("ascii"), hashlib.sha256).hexdigest()
    return f"{_DIGEST_SCHEME}${mac}"


def secret_matches(secret: str, digests: list[str]) -> bool:
    """Whether the secret is one of the account's active secrets, in constant time: every digest
    is compared, and an account without any compares against a digest no secret has."""
    presented = secret_digest(secret).encode("ascii")
    found = False
    for digest in digests or [_NO_SECRET_DIGEST]:
        # Non-short-circuiting: each comparison runs whatever the earlier ones found.
        found |= hmac.compare_digest(presented, digest.encode("ascii"))
    return found
