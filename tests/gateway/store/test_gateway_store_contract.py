"""The gateway's store contract, on every backend: the in-memory reference and each engine
that runs here, a fresh database per test.

A claim is stored once per account and id, the first one stays; a transaction is pending until
the processor's store holds its outcome; an account sees only its own transactions; the list of
changes is in position order, submissions and decisions alike; secrets are kept as digests and
revoked once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.gateway.cursors import START, Position, position_of
from domain.gateway.transactions import GatewayStatus
from domain.payments.brands import Brand
from domain.payments.cards import CardSummary
from domain.payments.messages import ErrorMessage
from domain.payments.transactions import Decision
from service.gateway.ports import Claim, ClaimedAs, SecretRecord
from tests.gateway.backends import GatewayBackend, gateway_backend

__all__ = ["gateway_backend"]  # the fixture, run on every backend

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
VISA = CardSummary(Brand.VISA, "1111")


def claim(
    backend: GatewayBackend,
    id_: str,
    *,
    account: str = "acc-1",
    transaction_id: str | None = None,
    fingerprint: str = "f" * 64,
    amount: str | None = "150.75",
    now: datetime = NOW,
) -> ClaimedAs:
    request = Claim(
        account,
        id_,
        transaction_id or f"gw-{account}-{id_}",
        fingerprint,
        None if amount is None else Decimal(amount),
        VISA,
    )
    with backend.units()() as uow:
        stored = uow.store.claim(request, now)
        uow.commit()
    return stored


def decide(
    backend: GatewayBackend,
    transaction_id: str,
    error: ErrorMessage | None = None,
    *,
    account: str = "acc-1",
    now: datetime = NOW,
) -> None:
    decision = Decision(transaction_id, account, Decimal("150.75"), error, VISA)
    with backend.payment_units()() as uow:
        uow.store.record_decisions([decision], now)
        uow.commit()


def test_a_claim_is_stored_once_and_the_first_stays(gateway_backend: GatewayBackend) -> None:
    first = claim(gateway_backend, "order-1", transaction_id="gw-1", fingerprint="a" * 64)
    assert first == ClaimedAs("gw-1", "a" * 64)
    again = claim(gateway_backend, "order-1", transaction_id="gw-2", fingerprint="b" * 64)
    assert again == first
    # Another account may use the same id of its own.
    other = claim(gateway_backend, "order-1", account="acc-2", transaction_id="gw-3")
    assert other.transaction_id == "gw-3"


def test_a_transaction_is_pending_until_the_processor_stores_its_outcome(
    gateway_backend: GatewayBackend,
) -> None:
    claim(gateway_backend, "order-1", transaction_id="gw-1")
    with gateway_backend.units()() as uow:
        view = uow.store.transaction("acc-1", "order-1")
    assert view is not None
    assert (view.status, view.error_message, view.decided_at) == (GatewayStatus.PENDING, None, None)
    assert (view.amount, view.card, view.submitted_at) == (Decimal("150.75"), VISA, NOW)

    decide(gateway_backend, "gw-1", ErrorMessage.OVER_LIMIT, now=NOW + timedelta(seconds=2))
    with gateway_backend.units()() as uow:
        view = uow.store.transaction("acc-1", "order-1")
    assert view is not None
    assert view.status is GatewayStatus.REJECTED
    assert view.error_message == "you dont have limit for this transaction"
    assert view.decided_at == NOW + timedelta(seconds=2)


def test_an_account_sees_only_its_own_transactions(gateway_backend: GatewayBackend) -> None:
    claim(gateway_backend, "order-1", transaction_id="gw-1")
    decide(gateway_backend, "gw-1")
    with gateway_backend.units()() as uow:
        assert uow.store.transaction("acc-2", "order-1") is None
        assert uow.store.changes("acc-2", START, 10) == []
        assert uow.store.totals("acc-2") == {}
        assert uow.store.totals("acc-1") == {GatewayStatus.APPROVED: 1}


def test_an_outcome_stored_for_another_account_is_not_this_ones(
    gateway_backend: GatewayBackend,
) -> None:
    claim(gateway_backend, "order-1", transaction_id="gw-1")
    decide(gateway_backend, "gw-1", account="acc-2")  # not the account that submitted it
    with gateway_backend.units()() as uow:
        view = uow.store.transaction("acc-1", "order-1")
    assert view is not None
    assert view.status is GatewayStatus.PENDING


def test_changes_list_submissions_and_decisions_in_position_order(
    gateway_backend: GatewayBackend,
) -> None:
    claim(gateway_backend, "a", transaction_id="gw-a", now=NOW)
    claim(gateway_backend, "b", transaction_id="gw-b", now=NOW + timedelta(seconds=1))
    claim(gateway_backend, "c", transaction_id="gw-c", now=NOW + timedelta(seconds=1))
    decide(gateway_backend, "gw-a", now=NOW + timedelta(seconds=5))
    with gateway_backend.units()() as uow:
        everything = uow.store.changes("acc-1", START, 10)
        assert [v.id for v in everything] == ["b", "c", "a"]  # a changed last: its decision
        assert [v.status for v in everything] == ["pending", "pending", "approved"]
        # After b's position: c (same time, later id), then a's decision.
        after_b = uow.store.changes("acc-1", position_of(everything[0]), 10)
        assert [v.id for v in after_b] == ["c", "a"]
        # A page is cut at its limit, in the same order.
        assert [v.id for v in uow.store.changes("acc-1", START, 2)] == ["b", "c"]
        # Nothing after the last position.
        assert uow.store.changes("acc-1", position_of(everything[-1]), 10) == []
        # A decision made after a position shows the row again.
        assert [v.id for v in uow.store.changes("acc-1", Position(NOW), 10)] == ["b", "c", "a"]


def test_totals_count_each_status(gateway_backend: GatewayBackend) -> None:
    for name in ("a", "b", "c", "d"):
        claim(gateway_backend, name, transaction_id=f"gw-{name}")
    decide(gateway_backend, "gw-a")
    decide(gateway_backend, "gw-b", ErrorMessage.INVALID_CVV)
    decide(gateway_backend, "gw-c", ErrorMessage.CARD_EXPIRED)
    with gateway_backend.units()() as uow:
        assert uow.store.totals("acc-1") == {
            GatewayStatus.PENDING: 1,
            GatewayStatus.APPROVED: 1,
            GatewayStatus.REJECTED: 2,
        }


def test_a_claim_without_amount_or_card_keeps_none(gateway_backend: GatewayBackend) -> None:
    request = Claim("acc-1", "x", "gw-x", "f" * 64, None, None)
    with gateway_backend.units()() as uow:
        uow.store.claim(request, NOW)
        uow.commit()
    with gateway_backend.units()() as uow:
        view = uow.store.transaction("acc-1", "x")
    assert view is not None
    assert (view.amount, view.card) == (None, None)


def test_secrets_are_listed_matched_by_digest_and_revoked_once(
    gateway_backend: GatewayBackend,
) -> None:
    later = NOW + timedelta(minutes=1)
    with gateway_backend.units()() as uow:
        uow.store.add_secret(SecretRecord("sk_1", "acc-1", "hmac-sha256$" + "1" * 64, NOW))
        uow.store.add_secret(SecretRecord("sk_2", "acc-1", "hmac-sha256$" + "2" * 64, later))
        uow.store.add_secret(SecretRecord("sk_3", "acc-2", "hmac-sha256$" + "3" * 64, NOW))
        uow.commit()
    with gateway_backend.units()() as uow:
        assert sorted(uow.store.active_digests("acc-1")) == [
            "hmac-sha256$" + "1" * 64,
            "hmac-sha256$" + "2" * 64,
        ]
        listed = uow.store.secrets(None)
        assert [(s.secret_id, s.account_id) for s in listed] == [
            ("sk_1", "acc-1"),
            ("sk_2", "acc-1"),
            ("sk_3", "acc-2"),
        ]
        assert all(s.digest == "" for s in listed)  # a listing never carries digests
        assert [s.secret_id for s in uow.store.secrets("acc-2")] == ["sk_3"]
        assert uow.store.revoke("acc-1", "sk_1", later) == 1
        assert uow.store.revoke("acc-2", "sk_1", later) == 0  # another account's secret
        uow.commit()
    with gateway_backend.units()() as uow:
        assert uow.store.active_digests("acc-1") == ["hmac-sha256$" + "2" * 64]
        assert uow.store.revoke("acc-1", None, later) == 1
        assert uow.store.revoke("acc-1", None, later) == 0
        uow.commit()
    with gateway_backend.units()() as uow:
        assert uow.store.active_digests("acc-1") == []
        revoked = {s.secret_id: s.revoked_at for s in uow.store.secrets("acc-1")}
        assert revoked == {"sk_1": later, "sk_2": later}
