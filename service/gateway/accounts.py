"""Account secrets for the operators: issue one (shown once), list them, revoke them.

An account exists once it has been issued a secret. It may hold several at once, so that a
merchant can switch to a new secret before the old one is revoked. Only digests are kept.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from domain.gateway.credentials import (
    SECRET_BYTES,
    new_secret,
    secret_digest,
    token,
    valid_account_id,
)
from service.gateway.ports import GatewayUnitOfWorkFactory, SecretRecord
from service.stream.clock import Clock, utc_now

_SECRET_ID_BYTES = 6


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    """A secret just issued: the only time it exists outside the account's hands."""

    account_id: str
    secret_id: str
    token: str = field(repr=False)  # "<account id>.<secret>", what goes after "Bearer "


class InvalidAccountIdError(ValueError):
    """An account id must be 1-64 letters, digits, '_' or '-', starting with a letter or digit."""


class AccountSecrets:
    def __init__(
        self,
        units: GatewayUnitOfWorkFactory,
        *,
        clock: Clock = utc_now,
        random_bytes: Callable[[int], bytes] = secrets.token_bytes,
    ) -> None:
        self._units = units
        self._clock = clock
        self._random_bytes = random_bytes

    def issue(self, account_id: str) -> IssuedSecret:
        if not valid_account_id(account_id):
            raise InvalidAccountIdError(InvalidAccountIdError.__doc__)
        secret = new_secret(self._random_bytes(SECRET_BYTES))
        secret_id = "sk_" + self._random_bytes(_SECRET_ID_BYTES).hex()
        record = SecretRecord(secret_id, account_id, secret_digest(secret), self._clock())
        with self._units() as uow:
            uow.store.add_secret(record)
            uow.commit()
        return IssuedSecret(account_id, secret_id, token(account_id, secret))

    def list(self, account_id: str | None = None) -> list[SecretRecord]:
        with self._units() as uow:
            return uow.store.secrets(account_id)

    def revoke(self, account_id: str, secret_id: str | None = None) -> int:
        """Revoke one secret (or every active one) of the account; return how many."""
        with self._units() as uow:
            revoked = uow.store.revoke(account_id, secret_id, self._clock())
            uow.commit()
        return revoked
