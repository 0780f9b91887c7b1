"""Admission to the gateway's API: valid credentials, then the account's request rate.

Every call of the API passes here: a submission, a status read, a panel's poll. The rate is
counted per account after the credentials are checked, so nobody can spend another account's
allowance with requests that fail to sign in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from domain.gateway.rate_limits import RateLimiter
from service.gateway.authentication import Authenticator, Unauthenticated


@dataclass(frozen=True, slots=True)
class RateLimited:
    retry_after_s: int


class Access:
    def __init__(
        self,
        authenticator: Authenticator,
        rate_limiter: RateLimiter,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._authenticator = authenticator
        self._rate_limiter = rate_limiter
        self._monotonic = monotonic

    def admit(self, authorization: str | None) -> str | Unauthenticated | RateLimited:
        """The signed-in account's id, or why the request is not admitted."""
        account = self._authenticator.account(authorization)
        if isinstance(account, Unauthenticated):
            return account
        wait = self._rate_limiter.take(account, self._monotonic())
        return RateLimited(wait) if wait else account
