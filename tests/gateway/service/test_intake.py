"""The intake service on the in-memory reference store: what is accepted, replayed, refused,
and when the transaction is handed over for publishing."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from decimal import Decimal

from adapters.gateway.request import read_json
from domain.gateway.rate_limits import RateLimiter
from domain.payments.transactions import Decision
from service.gateway.access import Access
from service.gateway.accounts import AccountSecrets
from service.gateway.authentication import Authenticator, Refusal, Unauthenticated
from service.gateway.intake import Accepted, Refused, TransactionIntake
from service.gateway.intake import Refusal as IntakeRefusal
from service.stream.retries import RetryPolicy
from tests.gateway.backends import MemoryGatewayBackend
from tests.gateway.harness import body

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
NO_RETRY = RetryPolicy(attempts=1)


def intake(backend: MemoryGatewayBackend, per_minute: int = 100) -> tuple[TransactionIntake, str]:
    token = AccountSecrets(backend.units(), clock=lambda: NOW).issue("acc-1").token
    ids = (f"gw-{n}" for n in itertools.count(1))
    access = Access(
        Authenticator(backend.units(), NO_RETRY), RateLimiter(per_minute), monotonic=lambda: 0.0
    )
    service = TransactionIntake(
        backend.units(),
        access,
        read_json,
        b"k" * 32,
        retry=NO_RETRY,
        clock=lambda: NOW,
        new_id=lambda: next(ids),
    )
    return service, f"Bearer {token}"


def raw(**changes: object) -> bytes:
    return json.dumps(body("order-1", **changes)).encode()


def test_a_new_transaction_is_accepted_under_a_new_gateway_id_and_handed_over() -> None:
    service, authorization = intake(MemoryGatewayBackend())
    answer = service.submit(authorization, raw())
    assert isinstance(answer, Accepted)
    assert (answer.id, answer.transaction_id, answer.replayed) == ("order-1", "gw-1", False)
    assert answer.publish is not None


def test_a_retry_is_handed_over_again_only_while_no_outcome_is_stored() -> None:
    backend = MemoryGatewayBackend()
    service, authorization = intake(backend)
    service.submit(authorization, raw())
    pending = service.submit(authorization, raw())
    assert isinstance(pending, Accepted)
    assert (pending.transaction_id, pending.replayed) == ("gw-1", True)
    assert pending.publish is not None  # the first publication may have been lost
    with backend.payment_units()() as uow:
        uow.store.record_decisions([Decision("gw-1", "acc-1", Decimal(1), None, None)], NOW)
        uow.commit()
    decided = service.submit(authorization, raw())
    assert isinstance(decided, Accepted)
    assert (decided.transaction_id, decided.replayed, decided.publish) == ("gw-1", True, None)


def test_the_same_id_with_another_body_is_a_conflict() -> None:
    service, authorization = intake(MemoryGatewayBackend())
    service.submit(authorization, raw())
    assert service.submit(authorization, raw(amount=1)) == IntakeRefusal(Refused.CONFLICT)


def test_refusals_come_in_order_size_credentials_rate_shape() -> None:
    service, authorization = intake(MemoryGatewayBackend(), per_minute=1)
    too_large = b" " * (16 * 1024 + 1)
    assert service.submit(None, too_large) == IntakeRefusal(Refused.TOO_LARGE)
    assert service.submit(None, raw()) == IntakeRefusal(
        Refused.UNAUTHENTICATED, unauthenticated=Unauthenticated(Refusal.MISSING)
    )
    shape = service.submit(authorization, b"[]")
    assert isinstance(shape, IntakeRefusal)
    assert shape.kind is Refused.INVALID
    limited = service.submit(authorization, raw())
    assert isinstance(limited, IntakeRefusal)
    assert (limited.kind, limited.retry_after_s) == (Refused.RATE_LIMITED, 60)
