"""How the function's Kafka bindings reach the broker, read from app settings at indexing.

The Kafka extension resolves the broker list, topics, consumer group and credentials from app
settings itself (``%NAME%``), but the security protocol and SASL mechanism are binding
attributes: the worker reads them when it indexes the app, from the same settings. Credentials
are only passed when a protocol or mechanism is set, which is also when the extension reads them.

The trigger's ``lagThreshold`` is read the same way: the extension takes it as a number (a
``long`` in its trigger attribute and in the metadata the scale controller deserialises), so a
``%NAME%`` there would not be resolved; the value itself goes into the function's JSON.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Required, TypedDict

from adapters.settings import SettingsError
from adapters.stream.dead_letters import DeadLetterValue

# The azure-functions library's enum names (BrokerProtocol, BrokerAuthenticationMode).
_PROTOCOLS = frozenset({"NOTSET", "PLAINTEXT", "SSL", "SASLPLAINTEXT", "SASLSSL"})
_MECHANISMS = frozenset({"NOTSET", "GSSAPI", "PLAIN", "SCRAMSHA256", "SCRAMSHA512"})


def _enum_name(raw: str | None, allowed: frozenset[str], setting: str) -> str:
    """``SaslSsl``, ``SASL_SSL`` and ``sasl-ssl`` all name SASLSSL; empty means NOTSET."""
    name = (raw or "NotSet").replace("_", "").replace("-", "").upper()
    if name not in allowed:
        choices = ", ".join(sorted(allowed))
        raise SettingsError(f"{setting} must be one of {choices} (any case, '_' allowed)")
    return name


# The lag (unprocessed messages) one instance is expected to hold: the Kafka scaler asks for
# ceil(total lag / lagThreshold) instances, at most one per partition. Default: what one instance
# drains in DRAIN_SECONDS at the capacity model's planning rate (docs/capacity.md, section 6).
PLANNED_EVENTS_PER_SECOND_PER_INSTANCE = 5_000
DRAIN_SECONDS = 10
DEFAULT_LAG_THRESHOLD = PLANNED_EVENTS_PER_SECOND_PER_INSTANCE * DRAIN_SECONDS
# The target scaler casts the threshold to a 32-bit int (KafkaGenericTargetScaler.GetConcurrency).
_MAX_LAG_THRESHOLD = 2**31 - 1


def _lag_threshold(raw: str | None) -> int:
    """A whole number of messages from 1 to 2**31 - 1; unset or empty means the default."""
    text = (raw or "").strip()
    if not text:
        return DEFAULT_LAG_THRESHOLD
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(
            f"KAFKA_LAG_THRESHOLD must be a whole number of messages, got {raw!r}"
        ) from None
    if not 1 <= value <= _MAX_LAG_THRESHOLD:
        raise SettingsError(
            f"KAFKA_LAG_THRESHOLD must be from 1 to {_MAX_LAG_THRESHOLD}, got {value}"
        )
    return value


def _dead_letter_value(raw: str | None) -> DeadLetterValue:
    """``pointer`` (also when unset or empty) or ``original``, in any case."""
    text = (raw or "").strip().lower() or DeadLetterValue.POINTER
    try:
        return DeadLetterValue(text)
    except ValueError:
        choices = ", ".join(value.value for value in DeadLetterValue)
        raise SettingsError(f"KAFKA_DEAD_LETTER_VALUE must be one of {choices}") from None


class RetryPolicy(TypedDict):
    """Arguments of ``FunctionApp.retry``: how the host retries a failed batch invocation."""

    strategy: str
    max_retry_count: str
    minimum_interval: str
    maximum_interval: str


# Every Kafka function retries a failed batch this way. The host's retries, the in-invocation
# retry budget and the engines' timeouts must add up to less than max.poll.interval.ms:
# tests/stream/test_retry_budget.py checks the sum.
BATCH_RETRY = RetryPolicy(
    strategy="exponential_backoff",
    max_retry_count="2",
    minimum_interval="00:00:05",
    maximum_interval="00:01:00",
)


class KafkaConnection(TypedDict, total=False):
    """Keyword arguments of ``kafka_trigger`` and ``kafka_output`` that reach the broker."""

    broker_list: Required[str]
    protocol: Required[str]
    authentication_mode: Required[str]
    username: str
    password: str


@dataclass(frozen=True, slots=True)
class KafkaBindings:
    protocol: str
    authentication_mode: str
    dead_letter_topic: bool
    # What the customer function's dead letters hold: a pointer unless told otherwise.
    dead_letter_value: DeadLetterValue = DeadLetterValue.POINTER
    # Every Kafka trigger's lagThreshold (KAFKA_LAG_THRESHOLD).
    lag_threshold: int = DEFAULT_LAG_THRESHOLD

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> KafkaBindings:
        return cls(
            protocol=_enum_name(environ.get("KAFKA_PROTOCOL"), _PROTOCOLS, "KAFKA_PROTOCOL"),
            authentication_mode=_enum_name(
                environ.get("KAFKA_AUTHENTICATION_MODE"), _MECHANISMS, "KAFKA_AUTHENTICATION_MODE"
            ),
            dead_letter_topic=bool(environ.get("KAFKA_DEAD_LETTER_TOPIC", "").strip()),
            dead_letter_value=_dead_letter_value(environ.get("KAFKA_DEAD_LETTER_VALUE")),
            lag_threshold=_lag_threshold(environ.get("KAFKA_LAG_THRESHOLD")),
        )

    def connection(self) -> KafkaConnection:
        """Broker and security arguments shared by the trigger and the output binding."""
        arguments = KafkaConnection(
            broker_list="%KAFKA_BROKER_LIST%",
            protocol=self.protocol,
            authentication_mode=self.authentication_mode,
        )
        if self.authentication_mode != "NOTSET":
            # Setting names: Key Vault references there are resolved by the platform.
            arguments["username"] = "%KAFKA_USERNAME%"
            arguments["password"] = "%KAFKA_PASSWORD%"  # noqa: S105 - a setting name
        return arguments
