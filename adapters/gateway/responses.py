"""The gateway's HTTP answers: JSON, problems as RFC 9457 ``application/problem+json``.

No answer quotes what a request sent but the account's own transaction id (whose shape is
checked first) and field names the gateway defines: never card data, never a secret. Every API
answer is ``Cache-Control: no-store``: it is one account's data.
"""

from __future__ import annotations

from http import HTTPStatus

import azure.functions as func
import orjson

from domain.gateway.transactions import GatewayStatus, TransactionView
from service.gateway.status import ChangesPage

_API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
# The same answer for every credential failure: nothing tells an unknown account from a wrong,
# revoked or missing secret.
_UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="payment-gateway"'}


def json_response(
    body: object, status: HTTPStatus = HTTPStatus.OK, headers: dict[str, str] | None = None
) -> func.HttpResponse:
    return func.HttpResponse(
        orjson.dumps(body),
        status_code=int(status),
        headers={**_API_HEADERS, **(headers or {})},
        mimetype="application/json",
        charset="utf-8",
    )


def problem(
    status: HTTPStatus,
    detail: str,
    *,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> func.HttpResponse:
    """An RFC 9457 problem: its title is the status's phrase, ``field`` names the field."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": status.phrase,
        "status": int(status),
        "detail": detail,
    }
    if field is not None:
        body["field"] = field
    return func.HttpResponse(
        orjson.dumps(body),
        status_code=int(status),
        headers={**_API_HEADERS, **(headers or {})},
        mimetype="application/problem+json",
        charset="utf-8",
    )


def unauthorized() -> func.HttpResponse:
    return problem(
        HTTPStatus.UNAUTHORIZED,
        "sign in with 'Authorization: Bearer <account id>.<secret>'",
        headers=_UNAUTHORIZED_HEADERS,
    )


def unavailable() -> func.HttpResponse:
    return problem(
        HTTPStatus.SERVICE_UNAVAILABLE,
        "the gateway cannot reach its database; retry in a moment (retries are safe)",
        headers={"Retry-After": "5"},
    )


def view_json(view: TransactionView) -> dict[str, object]:
    """A transaction as the API shows it: of the card, the brand and last four digits only."""
    card = view.card
    return {
        "id": view.id,
        "status": str(view.status),
        "error_message": view.error_message if view.status is GatewayStatus.REJECTED else None,
        "amount": None if view.amount is None else f"{view.amount:.2f}",
        "card": None if card is None else {"brand": str(card.brand), "last_four": card.last_four},
        "submitted_at": view.submitted_at.isoformat(),
        "decided_at": None if view.decided_at is None else view.decided_at.isoformat(),
        "gateway_id": view.transaction_id,
    }


def page_json(page: ChangesPage) -> dict[str, object]:
    return {
        "transactions": [view_json(view) for view in page.transactions],
        "cursor": page.cursor,
        "more": page.more,
        "totals": {str(status): count for status, count in page.totals.items()},
    }
