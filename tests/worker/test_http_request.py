"""HTTP invocations through the real worker runtime.

The app has no HTTP function yet (the payment gateway's intake is being added, issue 14); until
then the harness's HTTP path runs against a small stand-in app written here, which echoes what
the worker gave it. A test of a real HTTP function calls ``StartedApp.invoke_http`` the same way.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from tests.worker.app import failure_message, succeeded
from tests.worker.conftest import StartApp
from tests.worker.payloads import HttpRequest

ECHO_APP = """
import json

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="echo/{item}", methods=["POST"])
def echo(req: func.HttpRequest) -> func.HttpResponse:
    seen = {
        "method": req.method,
        "url": req.url,
        "item": req.route_params.get("item"),
        "query": dict(req.params),
        "content_type": req.headers.get("content-type"),
        "body": req.get_json(),
    }
    return func.HttpResponse(
        json.dumps(seen), status_code=201, headers={"x-echo": "yes"}, mimetype="application/json"
    )
"""


def test_an_http_request_reaches_the_function_and_its_response_the_host(
    start: StartApp, tmp_path: Path
) -> None:
    directory = tmp_path / "echo-app"
    directory.mkdir()
    (directory / "function_app.py").write_text(textwrap.dedent(ECHO_APP))
    app = start({}, app_directory=directory)
    function = app.functions["echo"].metadata
    assert {name: info.type for name, info in function.bindings.items()} == {
        "req": "httpTrigger",
        "$return": "http",
    }
    response = app.invoke_http(
        "echo",
        HttpRequest(
            method="POST",
            url="https://intake.example/api/echo/42?mode=test",
            body=json.dumps({"amount": "10.00"}).encode(),
            headers={"content-type": "application/json"},
            query={"mode": "test"},
            route_params={"item": "42"},
        ),
    )
    assert succeeded(response), failure_message(response)
    http = response.return_value.http
    assert http.status_code == "201"
    assert http.headers["x-echo"] == "yes"
    assert json.loads(http.body.bytes) == {
        "method": "POST",
        "url": "https://intake.example/api/echo/42?mode=test",
        "item": "42",
        "query": {"mode": "test"},
        "content_type": "application/json",
        "body": {"amount": "10.00"},
    }
