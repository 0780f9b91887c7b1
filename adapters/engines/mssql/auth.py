"""Entra ID access tokens for Azure SQL: fetched with azure-identity, packed for ODBC Driver 18."""

from __future__ import annotations

import struct
from typing import Any

AZURE_SQL_SCOPE = "https://database.windows.net/.default"


# From msodbcsql.h: the pre-connect attribute that carries an Entra ID access token.
SQL_COPT_SS_ACCESS_TOKEN = 1256


def pack_access_token(token: str) -> bytes:
    """The ``SQL_COPT_SS_ACCESS_TOKEN`` buffer: 4-byte little-endian length, then UTF-16-LE."""
    encoded = token.encode("utf-16-le")
    return struct.pack(f"<I{len(encoded)}s", len(encoded), encoded)


class AzureIdentityToken:
    """Fetches an Azure SQL access token on each call, through one lazily built credential.

    Called once per new physical connection: the driver checks the token only at login, so a
    token kept from an earlier connection could have expired. azure-identity caches tokens and
    refreshes them before expiry, so a call is cheap when the cached one is still good.
    """

    def __init__(self, client_id: str | None) -> None:
        self._client_id = client_id
        self._credential: Any = None

    def __call__(self) -> str:
        if self._credential is None:
            # Lazy: the Azure SDK is only needed when token authentication is configured.
            from azure.identity import (  # noqa: PLC0415
                DefaultAzureCredential,
                ManagedIdentityCredential,
            )

            self._credential = (
                ManagedIdentityCredential(client_id=self._client_id)
                if self._client_id
                else DefaultAzureCredential()
            )
        token: str = self._credential.get_token(AZURE_SQL_SCOPE).token
        return token
