"""Publish realistic customer events to a real Kafka topic, so that ``func start`` has work.

    python -m demo.producer --brokers localhost:9092 --topic customers --events 5000 --rate 200

The messages are the demo generator's (``demo.generator``): all three shapes, updates, removals,
Debezium tombstones, out-of-order events and about 1 % bad messages. Each one keeps its key and
its partition (the customer id hashed over the topic's partitions), so a customer's changes stay
in order on one partition, as Debezium and a keyed producer deliver them. The topic must exist
(``compose.yaml`` creates it); its partition count is read from the broker.

When the broker cannot be reached, the producer says so in one line (with librdkafka's last
error) and exits with status 2 after ``--connect-timeout`` seconds; librdkafka's own log lines go
to the ``demo.producer.librdkafka`` logger, which prints nothing unless configured.

Extra librdkafka properties go in ``-X name=value`` (for a SASL broker, e.g.
``-X security.protocol=SASL_SSL -X sasl.mechanism=PLAIN -X sasl.username=... ``); their values are
never printed. Ctrl-C stops publishing, waits for the messages already sent, and reports.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from types import FrameType

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from demo.generator import CustomerEventGenerator, GeneratedMessage

INTERRUPTED = 130  # the shell's status for a command stopped by SIGINT
_POLL_SECONDS = 0.1


@dataclass(slots=True)
class Tally:
    """What became of the messages handed to the producer."""

    sent: int = 0
    delivered: int = 0
    failed: Counter[str] = field(default_factory=Counter)  # librdkafka error name -> count

    def on_delivery(self, error: KafkaError | None, _message: Message) -> None:
        # Only the error's name: a message's key and value are customer data.
        if error is None:
            self.delivered += 1
        else:
            self.failed[error.name()] += 1

    @property
    def failures(self) -> int:
        return sum(self.failed.values())

    def summary(self) -> str:
        reasons = ", ".join(f"{name}={n}" for name, n in sorted(self.failed.items()))
        lost = self.sent - self.delivered - self.failures
        return (
            f"delivered={self.delivered} failed={self.failures}"
            + (f" ({reasons})" if reasons else "")
            + (f" unconfirmed={lost}" if lost else "")
        )


class StopFlag:
    """Set by the first Ctrl-C (or SIGTERM); a second Ctrl-C interrupts at once."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def __bool__(self) -> bool:
        return self._event.is_set()

    def set(self) -> None:
        self._event.set()

    def wait(self, seconds: float) -> bool:
        return self._event.wait(seconds)


@contextmanager
def stop_on_signals() -> Iterator[StopFlag]:
    stop = StopFlag()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop.set()
        if signum == signal.SIGINT:
            signal.signal(signal.SIGINT, signal.default_int_handler)

    saved = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


LIBRDKAFKA_LOG = logging.getLogger("demo.producer.librdkafka")
LIBRDKAFKA_LOG.addHandler(logging.NullHandler())
LIBRDKAFKA_LOG.propagate = False  # librdkafka repeats each connection failure many times a second


class BrokerErrors:
    """librdkafka's ``error_cb``: keeps the last error, says once that the broker is gone.

    librdkafka retries on its own; the callback only reports. Before the first message nothing is
    printed (``main`` prints one line if the broker cannot be reached at all); while publishing,
    one status line tells that the broker was lost and librdkafka keeps retrying quietly.
    """

    def __init__(self, brokers: str) -> None:
        self.brokers = brokers
        self.last: str | None = None
        self.publishing = False
        self._reported = False

    def __call__(self, error: KafkaError) -> None:
        if error.code() != KafkaError._ALL_BROKERS_DOWN:  # noqa: SLF001 - librdkafka's own name
            self.last = error.str()
            return
        if self.publishing and not self._reported:
            self._reported = True
            print(
                f"broker unreachable at {self.brokers}; retrying quietly "
                "(Ctrl-C stops and reports what was delivered)",
                file=sys.stderr,
                flush=True,
            )

    def unreachable(self, timeout: float) -> str:
        last = f" (last error: {self.last})" if self.last else ""
        return (
            f"broker unreachable at {self.brokers}: no answer within {timeout:g} s{last}. "
            "Start it (docker compose up -d --wait starts the local one) or give its address "
            "with --brokers host:port."
        )


class TopicError(RuntimeError):
    """The topic is missing or too small for the requested partitions."""


def topic_partitions(producer: Producer, topic: str, timeout: float) -> int:
    # All topics, not just this one: asking for a single missing topic may create it.
    metadata = producer.list_topics(timeout=timeout)
    found = metadata.topics.get(topic)
    if found is None or found.error is not None:
        raise TopicError(
            f"topic {topic!r} does not exist on the broker; create it first "
            "(docker compose up creates it, see docs)"
        )
    return len(found.partitions)


def publish(
    producer: Producer,
    topic: str,
    messages: Iterable[GeneratedMessage],
    *,
    rate: float,
    stop: StopFlag,
) -> Tally:
    """Produce each message to its own partition, at most ``rate`` per second (0: no limit)."""
    tally = Tally()
    started = time.monotonic()
    for message in messages:
        if rate > 0:
            due = started + tally.sent / rate
            while not stop and (wait := due - time.monotonic()) > 0:
                producer.poll(min(wait, _POLL_SECONDS))
        if stop:
            break
        _produce(producer, topic, message, tally, stop)
        producer.poll(0)
    return tally


def _produce(
    producer: Producer, topic: str, message: GeneratedMessage, tally: Tally, stop: StopFlag
) -> None:
    while True:
        try:
            producer.produce(
                topic,
                value=message.value,
                key=message.key,
                partition=message.partition,
                on_delivery=tally.on_delivery,
            )
        except BufferError:
            # The local queue is full: serve delivery reports until there is room again.
            producer.poll(_POLL_SECONDS)
            if stop:
                return
            continue
        tally.sent += 1
        return


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m demo.producer", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--brokers", required=True, help="bootstrap servers, host:port[,...]")
    parser.add_argument("--topic", required=True, help="the customer-changes topic")
    parser.add_argument("--events", type=int, default=1000, help="messages to publish")
    parser.add_argument(
        "--rate", type=float, default=100.0, help="messages per second; 0 for no limit"
    )
    parser.add_argument("--customers", type=int, default=500, help="distinct customers")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same run)")
    parser.add_argument(
        "--partitions",
        type=int,
        help="spread customers over this many partitions (default: all of the topic's)",
    )
    parser.add_argument(
        "--connect-timeout",
        type=float,
        default=10.0,
        help="seconds to wait for the broker before giving up",
    )
    parser.add_argument(
        "--flush-timeout", type=float, default=30.0, help="seconds to wait for the last acks"
    )
    parser.add_argument(
        "-X",
        dest="properties",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra librdkafka producer property (repeatable)",
    )
    args = parser.parse_args(argv)
    if args.connect_timeout <= 0 or args.flush_timeout < 0:
        parser.error("--connect-timeout must be positive, --flush-timeout not negative")
    if args.events < 0 or args.rate < 0 or args.customers < 1:
        parser.error("--events and --rate must not be negative, --customers must be positive")
    if args.partitions is not None and args.partitions < 1:
        parser.error("--partitions must be positive")
    for item in args.properties:
        if "=" not in item:
            parser.error("-X takes NAME=VALUE")
    return args


def _config(args: argparse.Namespace, errors: BrokerErrors) -> dict[str, object]:
    config: dict[str, object] = {
        "bootstrap.servers": args.brokers,
        "client.id": "telesales-demo-producer",
        # Idempotence keeps each partition's order and writes each message once, even when
        # librdkafka retries: the consumer relies on per-partition order for legacy messages.
        "enable.idempotence": True,
        "linger.ms": 20,
        "logger": LIBRDKAFKA_LOG,
        "error_cb": errors,
    }
    for item in args.properties:
        name, _, value = item.partition("=")
        config[name.strip()] = value
    return config


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    errors = BrokerErrors(args.brokers)
    try:
        producer = Producer(_config(args, errors))
    except KafkaException as error:
        # librdkafka names the property it refuses (and quotes a malformed enum or number; the
        # free-text credential properties are never refused, so no secret is printed).
        print(f"producer configuration refused: {_reason(error)}", file=sys.stderr)
        return 2
    try:
        available = topic_partitions(producer, args.topic, timeout=args.connect_timeout)
    except KafkaException as error:
        producer.poll(0)  # serves the error callback: librdkafka's last connection error
        if errors.last is None:
            errors.last = _reason(error)
        print(errors.unreachable(args.connect_timeout), file=sys.stderr)
        return 2
    except TopicError as error:
        print(error, file=sys.stderr)
        return 2
    partitions = args.partitions or available
    if partitions > available:
        print(
            f"topic {args.topic!r} has {available} partitions, fewer than --partitions "
            f"{partitions}",
            file=sys.stderr,
        )
        return 2
    generator = CustomerEventGenerator(
        seed=args.seed, customers=args.customers, partitions=partitions
    )
    pace = f"{args.rate:g}/s" if args.rate else "no rate limit"
    print(
        f"publishing {args.events} events to {args.topic!r} "
        f"({partitions} partitions, {pace}); Ctrl-C stops",
        file=sys.stderr,
        flush=True,
    )
    errors.publishing = True
    with stop_on_signals() as stop:
        tally = publish(
            producer, args.topic, generator.messages(args.events), rate=args.rate, stop=stop
        )
        # A second Ctrl-C stops the wait: report what is known by then.
        with suppress(KeyboardInterrupt):
            producer.flush(args.flush_timeout)
    status = "interrupted: " if stop else ""
    print(f"{status}{tally.summary()}", flush=True)
    if stop:
        return INTERRUPTED
    return 0 if tally.delivered == tally.sent else 1


def _reason(error: KafkaException) -> str:
    first = error.args[0] if error.args else None
    return first.str() if isinstance(first, KafkaError) else str(error)


if __name__ == "__main__":
    sys.exit(main())
