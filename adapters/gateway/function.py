"""The gateway's HTTP functions: the intake, the status, and the panel.

* ``submit_transaction``  ``POST /api/transactions``: a transaction accepted once per account
  and id, published to the processor through the Kafka output binding (docs/gateway.md);
* ``list_transactions``   ``GET /api/transactions?since=<cursor>&limit=<n>``: the account's
  changes after a cursor, with its totals by status;
* ``get_transaction``     ``GET /api/transactions/{id}``: one of the account's transactions;
* ``gateway_panel``       ``GET /api/panel``: the merchant's panel (static page and script).

Registered only where ``GATEWAY_FINGERPRINT_KEY`` is set. The functions take no function key
(``AuthLevel.ANONYMOUS``): each account signs in with its own secret, so there is no one
shared key to leak. Each body is one shape: admit, answer, count, log one line; a store failure
is a 503 that says nothing of the request, any other failure a 500 whose log names the error's
type only (an error's text could quote the request).
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from http import HTTPStatus

import azure.functions as func

from adapters import bootstrap
from adapters.gateway import responses
from adapters.gateway.message import publication
from adapters.gateway.panel import panel_response
from adapters.gateway.telemetry import gateway_telemetry
from adapters.settings import SettingsError
from adapters.stream.bindings import KafkaBindings
from domain.gateway import cursors
from domain.gateway.submissions import TRANSACTION_ID
from service.gateway.access import RateLimited
from service.gateway.authentication import Unauthenticated
from service.gateway.intake import Accepted, Refusal, Refused
from service.gateway.status import DEFAULT_PAGE, MAX_PAGE
from service.stream.errors import StoreError

SUBMIT, LIST, GET, PANEL = "submit_transaction", "list_transactions", "get_transaction", "panel"
FUNCTION_NAMES = (SUBMIT, LIST, GET, "gateway_panel")
logger = logging.getLogger("telesales.gateway")  # exported with the app's other structured logs

_REFUSED_STATUS = {
    Refused.TOO_LARGE: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    Refused.UNAUTHENTICATED: HTTPStatus.UNAUTHORIZED,
    Refused.RATE_LIMITED: HTTPStatus.TOO_MANY_REQUESTS,
    Refused.INVALID: HTTPStatus.BAD_REQUEST,
    Refused.CONFLICT: HTTPStatus.CONFLICT,
}


def submit(req: func.HttpRequest, transactions: func.Out[str]) -> func.HttpResponse:
    def work() -> func.HttpResponse:
        answer = bootstrap.gateway().intake.submit(req.headers.get("Authorization"), req.get_body())
        if isinstance(answer, Refusal):
            return _refused(answer)
        if answer.publish is not None:
            transactions.set(publication(answer.transaction_id, answer.account_id, answer.publish))
        return _accepted(req, answer)

    return _answer(SUBMIT, work)


def list_changes(req: func.HttpRequest) -> func.HttpResponse:
    def work() -> func.HttpResponse:
        account = _admitted(req, LIST)
        if isinstance(account, func.HttpResponse):
            return account
        since = req.params.get("since")
        after = cursors.START if not since else cursors.decode(since)
        if after is None:
            return responses.problem(
                HTTPStatus.BAD_REQUEST, "must be a cursor this API returned", field="since"
            )
        limit = _limit(req.params.get("limit"))
        if limit is None:
            return responses.problem(
                HTTPStatus.BAD_REQUEST,
                f"must be a whole number from 1 to {MAX_PAGE}",
                field="limit",
            )
        page = bootstrap.gateway().status.changes(account, after, limit)
        return responses.json_response(responses.page_json(page))

    return _answer(LIST, work)


def get_one(req: func.HttpRequest) -> func.HttpResponse:
    def work() -> func.HttpResponse:
        account = _admitted(req, GET)
        if isinstance(account, func.HttpResponse):
            return account
        id_ = req.route_params.get("id", "")
        view = None
        if TRANSACTION_ID.fullmatch(id_):
            view = bootstrap.gateway().status.transaction(account, id_)
        if view is None:  # another account's transaction is not found either
            return responses.problem(HTTPStatus.NOT_FOUND, "no such transaction for this account")
        return responses.json_response(responses.view_json(view))

    return _answer(GET, work)


def panel(req: func.HttpRequest) -> func.HttpResponse:
    path = req.url.split("?", 1)[0]
    if path.endswith("/panel/"):  # its files are named relative to .../panel
        return func.HttpResponse(
            status_code=int(HTTPStatus.PERMANENT_REDIRECT), headers={"Location": path.rstrip("/")}
        )
    return _answer(PANEL, lambda: panel_response(req.route_params.get("asset")))


def _admitted(req: func.HttpRequest, operation: str) -> str | func.HttpResponse:
    admitted = bootstrap.gateway().access.admit(req.headers.get("Authorization"))
    if isinstance(admitted, Unauthenticated):
        gateway_telemetry().unauthorized(operation, str(admitted.reason))
        return responses.unauthorized()
    if isinstance(admitted, RateLimited):
        return _too_many(admitted.retry_after_s)
    return admitted


def _accepted(req: func.HttpRequest, answer: Accepted) -> func.HttpResponse:
    gateway_telemetry().submission("replayed" if answer.replayed else "accepted")
    status_url = f"{req.url.split('?', 1)[0].rstrip('/')}/{answer.id}"
    headers = {"Location": status_url}
    if answer.replayed:
        headers["Idempotent-Replayed"] = "true"
    body = {"id": answer.id, "status_url": status_url}
    return responses.json_response(body, HTTPStatus.ACCEPTED, headers)


def _refused(refusal: Refusal) -> func.HttpResponse:
    gateway_telemetry().submission(str(refusal.kind))
    if refusal.kind is Refused.UNAUTHENTICATED:
        reason = refusal.unauthenticated.reason if refusal.unauthenticated else "refused"
        gateway_telemetry().unauthorized(SUBMIT, str(reason))
        return responses.unauthorized()
    if refusal.kind is Refused.RATE_LIMITED:
        return _too_many(refusal.retry_after_s)
    status = _REFUSED_STATUS[refusal.kind]
    if refusal.kind is Refused.INVALID and refusal.problem is not None:
        return responses.problem(status, refusal.problem.detail, field=refusal.problem.field)
    if refusal.kind is Refused.CONFLICT:
        detail = "this id was already submitted by this account with a different transaction"
        return responses.problem(status, detail, field="id")
    return responses.problem(status, "the body is larger than a transaction can be")


def _too_many(retry_after_s: int) -> func.HttpResponse:
    return responses.problem(
        HTTPStatus.TOO_MANY_REQUESTS,
        "too many requests for this account; retry later",
        headers={"Retry-After": str(retry_after_s)},
    )


def _limit(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return DEFAULT_PAGE
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        return None
    return int(raw)


def _answer(operation: str, work: Callable[[], func.HttpResponse]) -> func.HttpResponse:
    started = time.perf_counter()
    try:
        response = work()
    except SettingsError as error:  # names the setting, never its value (adapters/settings.py)
        logger.error("gateway misconfigured: %s", error, extra={"gateway_operation": operation})  # noqa: TRY400 - the message says it all
        response = responses.problem(HTTPStatus.INTERNAL_SERVER_ERROR, "the gateway failed")
    except StoreError as error:  # store errors never carry row data (docs/operations.md)
        logger.error(  # noqa: TRY400 - the message is the whole story; no traceback needed
            "gateway store failure", extra={"gateway_operation": operation, "error": str(error)}
        )
        response = responses.unavailable()
    except Exception as error:  # noqa: BLE001 - one answer for anything unforeseen
        # Its type and where it was raised, never its text: an unforeseen error's message (and
        # so a formatted traceback) could quote the request, card data included.
        logger.error(  # noqa: TRY400 - see above
            "gateway failure",
            extra={
                "gateway_operation": operation,
                "error_type": type(error).__name__,
                "error_frames": "".join(traceback.format_tb(error.__traceback__)),
            },
        )
        response = responses.problem(HTTPStatus.INTERNAL_SERVER_ERROR, "the gateway failed")
    seconds = time.perf_counter() - started
    gateway_telemetry().request(operation, response.status_code, seconds)
    logger.info(
        "gateway request",
        extra={"gateway_operation": operation, "gateway_status": response.status_code},
    )
    return response


def blueprint(kafka: KafkaBindings) -> func.Blueprint:
    """The gateway's four HTTP functions; the intake with its Kafka output."""
    functions = func.Blueprint()  # type: ignore[no-untyped-call]  # unannotated in the library

    @functions.function_name(SUBMIT)
    @functions.route(route="transactions", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
    @functions.kafka_output(
        arg_name="transactions", topic="%KAFKA_TRANSACTIONS_TOPIC%", **kafka.connection()
    )
    def submit_transaction(req: func.HttpRequest, transactions: func.Out[str]) -> func.HttpResponse:
        return submit(req, transactions)

    @functions.function_name(LIST)
    @functions.route(route="transactions", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
    def list_transactions(req: func.HttpRequest) -> func.HttpResponse:
        return list_changes(req)

    @functions.function_name(GET)
    @functions.route(
        route="transactions/{id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS
    )
    def get_transaction(req: func.HttpRequest) -> func.HttpResponse:
        return get_one(req)

    @functions.function_name("gateway_panel")
    @functions.route(route="panel/{asset?}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
    def gateway_panel(req: func.HttpRequest) -> func.HttpResponse:
        return panel(req)

    return functions
