"""The intake: an account's transaction accepted once, and handed to the processor.

``submit`` answers, in this order: a body over the size limit (before anything is read), a
request without valid credentials, an account over its request rate, a body of the wrong shape
(naming the field, never quoting it), then the claim. The claim stores the account's transaction
id with a new gateway transaction id and the request's fingerprint, unless the account already
claimed that id:

* new: accepted, and the transaction is published to the processor;
* the same id with the same fingerprint (a retry): the same answer. It is published again only
  while no outcome is stored, because the first publication may have failed after the claim
  committed (the host's Kafka producer fails the invocation, the client sees a 5xx and retries):
  the same message, same key, which the processor stores once. Once decided, nothing is
  published;
* the same id with another fingerprint: a conflict, nothing published.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from domain.gateway.submissions import Problem, Submission, read_submission
from domain.gateway.transactions import GatewayStatus
from service.gateway.access import Access, RateLimited
from service.gateway.authentication import Unauthenticated
from service.gateway.ports import Claim, ClaimedAs, GatewayUnitOfWorkFactory
from service.stream.clock import Clock, utc_now
from service.stream.retries import RetryPolicy

# A transaction body is a few hundred bytes; this leaves room and bounds what is parsed.
MAX_BODY_BYTES = 16 * 1024


class Refused(StrEnum):
    """Why a submission was not accepted (each has its own HTTP status)."""

    TOO_LARGE = "too_large"
    UNAUTHENTICATED = "unauthenticated"
    RATE_LIMITED = "rate_limited"
    INVALID = "invalid"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class Refusal:
    kind: Refused
    problem: Problem | None = None  # for INVALID: the field and what it must be
    unauthenticated: Unauthenticated | None = None  # for UNAUTHENTICATED: why, for counting
    retry_after_s: int = 0  # for RATE_LIMITED


@dataclass(frozen=True, slots=True)
class Accepted:
    account_id: str
    id: str  # the account's own transaction id
    transaction_id: str  # the gateway's: the processor's id and the message key
    replayed: bool  # a retry of a transaction already accepted
    # What to publish (the submission with its card data), or None: nothing to publish.
    publish: Submission | None


Decode = Callable[[bytes], object | Problem]


class TransactionIntake:
    """Accepts each account's transaction once and says what to publish."""

    def __init__(  # noqa: PLR0913 - the intake's collaborators, each needed
        self,
        units: GatewayUnitOfWorkFactory,
        access: Access,
        decode: Decode,
        fingerprint_key: bytes,
        *,
        retry: RetryPolicy,
        clock: Clock = utc_now,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._units = units
        self._access = access
        self._decode = decode
        self._fingerprint_key = fingerprint_key
        self._retry = retry
        self._clock = clock
        self._new_id = new_id

    def submit(self, authorization: str | None, body: bytes) -> Accepted | Refusal:
        if len(body) > MAX_BODY_BYTES:
            return Refusal(Refused.TOO_LARGE)
        account = self._access.admit(authorization)
        if isinstance(account, Unauthenticated):
            return Refusal(Refused.UNAUTHENTICATED, unauthenticated=account)
        if isinstance(account, RateLimited):
            return Refusal(Refused.RATE_LIMITED, retry_after_s=account.retry_after_s)
        parsed = self._decode(body)
        submission = parsed if isinstance(parsed, Problem) else read_submission(parsed, account)
        if isinstance(submission, Problem):
            return Refusal(Refused.INVALID, problem=submission)
        fingerprint = submission.fingerprint(self._fingerprint_key)
        claim = Claim(
            account,
            submission.id,
            self._new_id(),
            fingerprint,
            submission.amount,
            submission.card,
        )
        stored, pending = self._retry.run(lambda: self._claim(claim))
        if stored.fingerprint != fingerprint:
            return Refusal(Refused.CONFLICT)
        replayed = stored.transaction_id != claim.transaction_id
        return Accepted(
            account,
            submission.id,
            stored.transaction_id,
            replayed,
            submission if pending else None,
        )

    def _claim(self, claim: Claim) -> tuple[ClaimedAs, bool]:
        with self._units() as uow:
            stored = uow.store.claim(claim, self._clock())
            pending = True
            if stored.transaction_id != claim.transaction_id:
                view = uow.store.transaction(claim.account_id, claim.id)
                pending = view is None or view.status is GatewayStatus.PENDING
            uow.commit()
        return stored, pending
