"""The merchant's panel: a static page, its script and its style sheet, served by the app.

No framework and no third-party file: the page loads only what this package holds, and its
Content-Security-Policy allows nothing else (no inline script or style, no other origin, no
framing). The script signs in with the account's id and secret, keeps them in the tab's
``sessionStorage`` only, and polls ``GET /api/transactions?since=<cursor>``
(docs/gateway.md says why polling).
"""

from __future__ import annotations

from functools import cache
from http import HTTPStatus
from importlib import resources

import azure.functions as func

_ASSETS = {
    None: ("index.html", "text/html"),
    "": ("index.html", "text/html"),
    "panel.js": ("panel.js", "text/javascript"),
    "panel.css": ("panel.css", "text/css"),
}
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def panel_response(asset: str | None) -> func.HttpResponse:
    """The panel's page (no asset) or one of its files; 404 for anything else."""
    found = _ASSETS.get(asset)
    if found is None:
        return func.HttpResponse(
            "not found", status_code=int(HTTPStatus.NOT_FOUND), headers=_HEADERS
        )
    name, mimetype = found
    return func.HttpResponse(
        _asset_bytes(name),
        status_code=int(HTTPStatus.OK),
        headers=_HEADERS,
        mimetype=mimetype,
        charset="utf-8",
    )


@cache
def _asset_bytes(name: str) -> bytes:
    """Read once per process: the files ship with the app and never change under it."""
    return resources.files(__name__).joinpath(name).read_bytes()
