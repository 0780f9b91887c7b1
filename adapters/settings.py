"""App settings, read once into a typed object that fails fast with a clear message."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

# Debezium's default unavailable.value.placeholder (its RelationalDatabaseConnectorConfig).
DEFAULT_UNAVAILABLE_PLACEHOLDER = "__debezium_unavailable_value"

# Every app setting the code or its bindings read, with whether a deployment must set it. The
# infrastructure tests check that the Bicep templates and local.settings.json.example set them.
APP_SETTINGS: dict[str, bool] = {
    # The Kafka trigger (resolved by the Functions host).
    "KAFKA_BROKER_LIST": True,
    "KAFKA_CUSTOMERS_TOPIC": True,
    "KAFKA_CONSUMER_GROUP": True,  # also the key of the offsets stored in Bank 2
    # Read when the app is indexed: the broker's security protocol and SASL mechanism, and the
    # credentials they need (NotSet/empty for a local plaintext broker).
    "KAFKA_PROTOCOL": False,
    "KAFKA_AUTHENTICATION_MODE": False,
    "KAFKA_USERNAME": False,
    "KAFKA_PASSWORD": False,
    "KAFKA_DEAD_LETTER_TOPIC": False,  # set: rejected messages are also reported there
    "KAFKA_DEAD_LETTER_VALUE": False,  # pointer (default) or original: what a dead letter holds
    # Lag one instance is expected to hold: the Kafka scaler's lagThreshold (docs/capacity.md).
    "KAFKA_LAG_THRESHOLD": False,
    # The application.
    "BANK2_URL": True,
    "BANK2_REMOVAL_MARKER_RETENTION_DAYS": False,
    # The Debezium connector's unavailable.value.placeholder, when it is not the default.
    "DEBEZIUM_UNAVAILABLE_VALUE_PLACEHOLDER": False,
    # The payment processor (docs/payments.md): a second function, registered when
    # KAFKA_TRANSACTIONS_TOPIC is set; it then needs the three binding settings after it.
    "KAFKA_TRANSACTIONS_TOPIC": False,
    "KAFKA_TRANSACTION_RESULTS_TOPIC": False,
    "KAFKA_PAYMENTS_CONSUMER_GROUP": False,
    "KAFKA_PAYMENTS_DEAD_LETTER_TOPIC": False,
    "PAYMENTS_DB_URL": False,  # where transactions are kept; BANK2_URL when unset
    # The payment gateway's HTTP intake and status (docs/gateway.md): registered when
    # GATEWAY_FINGERPRINT_KEY is set; it publishes to KAFKA_TRANSACTIONS_TOPIC and keeps its
    # tables beside the transactions (PAYMENTS_DB_URL, or BANK2_URL).
    "GATEWAY_FINGERPRINT_KEY": False,  # a secret: a Key Vault reference in Azure
    "GATEWAY_RATE_LIMIT_PER_MINUTE": False,
    # Telemetry: Application Insights, with Entra ID authenticated ingestion in Azure.
    "APPLICATIONINSIGHTS_CONNECTION_STRING": False,
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING": False,
    "AZURE_CLIENT_ID": False,  # the user-assigned identity azure-identity signs in with
}


class SettingsError(ValueError):
    """A required app setting is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting the application code reads; the host reads the binding settings itself."""

    bank2_url: str
    consumer_group: str
    removal_marker_retention: timedelta
    # The Debezium connector's unavailable.value.placeholder: in name, phone or state it means
    # "unchanged" (adapters/customers/formats/debezium.py).
    unavailable_value_placeholder: str = DEFAULT_UNAVAILABLE_PLACEHOLDER

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        missing = [name for name in ("BANK2_URL", "KAFKA_CONSUMER_GROUP") if not environ.get(name)]
        if missing:
            raise SettingsError(
                f"missing app settings: {', '.join(missing)} (see docs/settings.md)"
            )
        return cls(
            bank2_url=environ["BANK2_URL"],
            consumer_group=environ["KAFKA_CONSUMER_GROUP"],
            removal_marker_retention=timedelta(
                days=_positive_int(environ, "BANK2_REMOVAL_MARKER_RETENTION_DAYS", default=30)
            ),
            unavailable_value_placeholder=environ.get("DEBEZIUM_UNAVAILABLE_VALUE_PLACEHOLDER")
            or DEFAULT_UNAVAILABLE_PLACEHOLDER,
        )


def _positive_int(environ: Mapping[str, str], name: str, *, default: int) -> int:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def payments_enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this deployment runs the payment processor: read when the app is indexed."""
    return bool(environ.get("KAFKA_TRANSACTIONS_TOPIC", "").strip())


@dataclass(frozen=True, slots=True)
class PaymentSettings:
    """Every setting the payment processor's code reads; the host reads its binding settings."""

    database_url: str
    database_setting: str = "PAYMENTS_DB_URL"  # the setting database_url came from

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> PaymentSettings:
        # The transactions live in Bank 2 unless PAYMENTS_DB_URL names another database (the
        # gateway's MySQL, say), in the same URL forms as BANK2_URL.
        for setting in ("PAYMENTS_DB_URL", "BANK2_URL"):
            url = environ.get(setting, "").strip()
            if url:
                return cls(database_url=url, database_setting=setting)
        raise SettingsError(
            "missing app settings: PAYMENTS_DB_URL or BANK2_URL (see docs/settings.md)"
        )


def gateway_enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this deployment serves the gateway's HTTP functions: read when the app is indexed."""
    return bool(environ.get("GATEWAY_FINGERPRINT_KEY", "").strip())


# At least 256 bits: the key of an HMAC over card data (domain/gateway/submissions.py).
_MIN_FINGERPRINT_KEY_BYTES = 32
DEFAULT_GATEWAY_RATE_LIMIT_PER_MINUTE = 600


@dataclass(frozen=True, slots=True)
class GatewaySettings:
    """Every setting the gateway's code reads; its tables live where the transactions do."""

    payments: PaymentSettings
    fingerprint_key: bytes = field(repr=False)
    rate_limit_per_minute: int = DEFAULT_GATEWAY_RATE_LIMIT_PER_MINUTE

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> GatewaySettings:
        raw = environ.get("GATEWAY_FINGERPRINT_KEY", "").strip()
        try:
            key = base64.b64decode(raw, validate=True)
        except ValueError:
            key = b""
        if len(key) < _MIN_FINGERPRINT_KEY_BYTES:
            # Never quotes the value: it is a secret.
            raise SettingsError(
                "GATEWAY_FINGERPRINT_KEY must be at least 32 random bytes in base64, e.g. "
                "the output of: python -c 'import secrets, base64; "
                "print(base64.b64encode(secrets.token_bytes(32)).decode())'"
            )
        return cls(
            payments=PaymentSettings.from_environment(environ),
            fingerprint_key=key,
            rate_limit_per_minute=_positive_int(
                environ,
                "GATEWAY_RATE_LIMIT_PER_MINUTE",
                default=DEFAULT_GATEWAY_RATE_LIMIT_PER_MINUTE,
            ),
        )
