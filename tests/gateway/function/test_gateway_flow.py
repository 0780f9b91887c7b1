"""The gateway end to end on every engine: an account submits through the HTTP function, the
intake publishes to the transactions topic, the processor decides what the host delivers, and
the status and the list follow, pending, then approved or rejected."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.gateway.harness import Gateway, body, deployed


@pytest.fixture
def gateway(engine_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    with deployed(engine_url, monkeypatch) as running:
        yield running


def test_a_transaction_goes_from_submission_to_its_decision(gateway: Gateway) -> None:
    response = gateway.submit(body("order-1"))
    assert response.status_code == 202
    answer = json.loads(response.get_body())
    assert answer == {
        "id": "order-1",
        "status_url": "http://127.0.0.1:7071/api/transactions/order-1",
    }
    assert response.headers["Location"] == answer["status_url"]

    # One message, keyed by the gateway's id, carrying the signed-in account.
    (_, key, value) = gateway.kafka.messages[0]
    message = json.loads(value)
    assert key is not None
    assert message["id"] == key.decode()
    assert message["account_id"] == "acc-1"
    assert value.decode().endswith('"amount":150.75}')  # the number as it was sent

    pending = gateway.get("/transactions/order-1")
    assert pending["status"] == "pending"
    assert pending["card"] == {"brand": "visa", "last_four": "1111"}
    assert (pending["amount"], pending["decided_at"]) == ("150.75", None)

    assert gateway.process() == 1
    assert json.loads(json.loads(gateway.answers[0])[0]["Value"])["status"] == "approved"
    approved = gateway.get("/transactions/order-1")
    assert (approved["status"], approved["error_message"]) == ("approved", None)
    assert approved["decided_at"] is not None


def test_rejections_carry_the_processors_message(gateway: Gateway) -> None:
    assert gateway.submit(body("big", amount="1000.01")).status_code == 202
    assert (
        gateway.submit(body("bad-card", credit_card_number="4111 1111 1111 1112")).status_code
        == 202
    )
    gateway.process()
    big = gateway.get("/transactions/big")
    assert (big["status"], big["error_message"]) == (
        "rejected",
        "you dont have limit for this transaction",
    )
    bad = gateway.get("/transactions/bad-card")
    assert (bad["status"], bad["error_message"], bad["card"]) == (
        "rejected",
        "invalid credit card number",
        None,  # no brand or last four of a number that is not a card's
    )


def test_the_list_follows_a_cursor_and_totals_each_status(gateway: Gateway) -> None:
    for number in range(3):
        gateway.submit(body(f"order-{number}"))
    gateway.submit(body("order-big", amount=5000))
    first = gateway.get("/transactions")
    assert {t["id"] for t in first["transactions"]} == {
        "order-0",
        "order-1",
        "order-2",
        "order-big",
    }
    assert first["totals"] == {"pending": 4, "approved": 0, "rejected": 0}
    assert first["more"] is False

    gateway.process()
    # The cursor stays 60 s behind, so recent rows come again, now decided: clients replace
    # rows by id.
    after = gateway.get(f"/transactions?since={first['cursor']}")
    statuses = {t["id"]: t["status"] for t in after["transactions"]}
    assert statuses == {
        "order-0": "approved",
        "order-1": "approved",
        "order-2": "approved",
        "order-big": "rejected",
    }
    assert after["totals"] == {"pending": 0, "approved": 3, "rejected": 1}

    paged = gateway.get("/transactions?limit=2")
    assert len(paged["transactions"]) == 2
    assert paged["more"] is True
    rest = gateway.get(f"/transactions?since={paged['cursor']}&limit=2")
    assert len(rest["transactions"]) == 2
    seen = {t["id"] for t in paged["transactions"] + rest["transactions"]}
    assert seen == {"order-0", "order-1", "order-2", "order-big"}


def test_a_retry_gets_the_same_answer_and_publishes_nothing_once_decided(gateway: Gateway) -> None:
    first = gateway.submit(body("order-1"))
    while_pending = gateway.submit(body("order-1"))
    assert while_pending.status_code == 202
    assert while_pending.get_body() == first.get_body()
    assert while_pending.headers["Idempotent-Replayed"] == "true"
    # While no outcome is stored the very same message goes again: the first publication may
    # have failed after the claim was stored. The processor stores one outcome for both.
    assert [m[1:] for m in gateway.kafka.messages] == [gateway.kafka.messages[0][1:]] * 2
    gateway.process()
    assert gateway.get("/transactions")["totals"] == {"pending": 0, "approved": 1, "rejected": 0}

    after = gateway.submit(body("order-1"))
    assert (after.status_code, after.get_body()) == (202, first.get_body())
    assert len(gateway.kafka.messages) == 2  # nothing published once decided


def test_the_same_id_with_another_body_is_a_conflict(gateway: Gateway) -> None:
    assert gateway.submit(body("order-1")).status_code == 202
    conflict = gateway.submit(body("order-1", amount="10.00"))
    assert conflict.status_code == 409
    assert json.loads(conflict.get_body())["field"] == "id"
    assert len(gateway.kafka.messages) == 1


def test_accounts_have_their_own_ids_and_never_see_each_others(gateway: Gateway) -> None:
    assert gateway.submit(body("order-1"), account="acc-1").status_code == 202
    assert gateway.submit(body("order-1", amount=999), account="acc-2").status_code == 202
    ids = {json.loads(value)["id"] for _, _, value in gateway.kafka.messages}
    assert len(ids) == 2  # two gateway ids: the processor never takes one for the other
    gateway.process()
    assert gateway.get("/transactions/order-1", "acc-1")["amount"] == "150.75"
    assert gateway.get("/transactions/order-1", "acc-2")["amount"] == "999.00"
    gateway.submit(body("only-mine"), account="acc-1")
    not_yours = gateway.request("GET", "/transactions/only-mine", account="acc-2")
    assert not_yours.status_code == 404
    listed = gateway.get("/transactions", "acc-2")
    assert [t["id"] for t in listed["transactions"]] == ["order-1"]
