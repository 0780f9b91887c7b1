"""Who is asking: the account whose active secret the request presents, or a refusal.

Every failure (no header, another scheme, a malformed token, an unknown account, a wrong or
revoked secret) is one answer to the caller; the reason is returned for counting only, and never
carries the secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.gateway.credentials import parse_authorization, secret_matches
from service.gateway.ports import GatewayUnitOfWorkFactory
from service.stream.retries import RetryPolicy


class Refusal(StrEnum):
    """Why credentials were refused, as counted (the caller is told none of it)."""

    MISSING = "missing"  # no Authorization header
    MALFORMED = "malformed"  # not "Bearer <account id>.<secret>"
    REFUSED = "refused"  # an unknown account, or a secret it does not have (or has revoked)


@dataclass(frozen=True, slots=True)
class Unauthenticated:
    reason: Refusal


class Authenticator:
    """Checks a request's ``Authorization`` header against the accounts' active secrets."""

    def __init__(self, units: GatewayUnitOfWorkFactory, retry: RetryPolicy) -> None:
        self._units = units
        self._retry = retry

    def account(self, authorization: str | None) -> str | Unauthenticated:
        """The signed-in account's id, or why there is none."""
        if authorization is None or not authorization.strip():
            return Unauthenticated(Refusal.MISSING)
        credentials = parse_authorization(authorization)
        if credentials is None:
            return Unauthenticated(Refusal.MALFORMED)
        digests = self._retry.run(lambda: self._digests(credentials.account_id))
        if not secret_matches(credentials.secret, digests):
            return Unauthenticated(Refusal.REFUSED)
        return credentials.account_id

    def _digests(self, account_id: str) -> list[str]:
        with self._units() as uow:
            return uow.store.active_digests(account_id)
