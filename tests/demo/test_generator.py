"""The demo's event generator: realistic traffic, and an oracle that is exactly right.

The oracle is checked against a small reference consumer written here: it reads the three wire
shapes, applies the domain's own rules (phonenumbers, regions, names) and keeps each customer's
newest valid version, numbering offsets per partition in the order messages are yielded.
"""

from __future__ import annotations

import json
import re
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice, pairwise
from typing import Any

import phonenumbers
import pytest

from demo.generator import CustomerEventGenerator, GeneratedMessage
from domain.customers.changes import (
    Contact,
    ContactUpdate,
    CustomerChange,
    Rejection,
    Removal,
    project,
)
from domain.customers.reasons import RejectReason
from domain.customers.versions import Version, VersionScheme

REGIONS = {"Norte", "Nordeste", "Centro-Oeste", "Sudeste", "Sul"}
E164 = re.compile(r"\+55[1-9][1-9]\d{8,9}")


def _generated(count: int, **options: Any) -> tuple[CustomerEventGenerator, list[GeneratedMessage]]:
    settings: dict[str, Any] = {"seed": 7, "customers": 300} | options
    generator = CustomerEventGenerator(**settings)
    return generator, list(generator.messages(count))


# --- a reference consumer -----------------------------------------------------------------


def _lsn(text: str) -> int:
    return int(text.replace(":", ""), 16)


def _debezium(doc: dict[str, Any]) -> CustomerChange:
    payload = doc.get("payload", doc)
    row = payload["after"] or payload["before"]
    source = payload["source"]
    parts: tuple[int, ...]
    if source["connector"] == "sqlserver":
        change = source["change_lsn"]
        parts = (
            _lsn(source["commit_lsn"]),
            _lsn(change) if change else 0,
            source["event_serial_no"] or 0,
        )
    else:
        parts = (source["lsn"],)
    return CustomerChange(
        customer_id=str(row["id"]),
        version=Version(VersionScheme.SOURCE_LOG_POSITION, parts),
        deleted=payload["op"] == "d",
        active=row["status"] == "A",
        telemarketing_opt_out=bool(row["telemarketing_opt_out"]),
        name=row["name"],
        phone=row["phone"],
        state=row["state"],
    )


def _decode(message: GeneratedMessage, offset: int) -> CustomerChange | RejectReason | None:
    if message.value is None:
        return None
    try:
        doc = json.loads(message.value)
    except ValueError:
        return RejectReason.MALFORMED_JSON
    if isinstance(doc, dict):
        if "CD_CLIENTE" in doc:
            return _legacy(doc, offset)
        if "customer_id" in doc:
            return _ours(doc)
        if "op" in doc.get("payload", doc):
            return _debezium(doc)
    return RejectReason.UNKNOWN_FORMAT


def _legacy(doc: dict[str, Any], offset: int) -> CustomerChange:
    return CustomerChange(
        customer_id=doc["CD_CLIENTE"],
        version=Version(VersionScheme.KAFKA_OFFSET, (offset,)),
        active=doc["STATUS"] == "A",
        name=doc["NM_CLIENTE"],
        phone=doc["TEL_CLIENTE"],
    )


def _ours(doc: dict[str, Any]) -> CustomerChange:
    updated = datetime.fromisoformat(doc["updated_at"])
    micros = int(updated.timestamp()) * 1_000_000 + updated.microsecond
    return CustomerChange(
        customer_id=doc["customer_id"],
        version=Version(VersionScheme.PRODUCER_COUNTER, (doc["version"], micros)),
        deleted=doc["deleted"],
        active=doc["status"] == "A",
        telemarketing_opt_out=doc["telemarketing_opt_out"],
        name=doc["name"],
        phone=doc["phone"],
        state=doc["state"],
    )


class _ReferenceBank2:
    def __init__(self) -> None:
        self.newest: dict[str, Contact | Removal] = {}
        self.rejects: Counter[str] = Counter()
        self._offsets: Counter[int] = Counter()

    def consume(self, messages: Iterable[GeneratedMessage]) -> None:
        for message in messages:
            offset = self._offsets[message.partition]
            self._offsets[message.partition] += 1
            decoded = _decode(message, offset)
            outcome = project(decoded) if isinstance(decoded, CustomerChange) else decoded
            assert not isinstance(outcome, ContactUpdate)  # the generator leaves no field out
            if isinstance(outcome, RejectReason | Rejection):
                self.rejects[str(getattr(outcome, "reason", outcome))] += 1
            elif outcome is not None:
                held = self.newest.get(outcome.customer_id)
                if held is None or outcome.version > held.version:
                    self.newest[outcome.customer_id] = outcome

    def contacts(self) -> dict[str, tuple[str, str, str]]:
        return {
            customer_id: (change.name, change.phone, str(change.region))
            for customer_id, change in self.newest.items()
            if isinstance(change, Contact)
        }


# --- the oracle -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_oracle_is_what_a_consumer_applying_the_domain_rules_ends_up_with(seed: int) -> None:
    generator = CustomerEventGenerator(seed=seed, customers=400, bad_ratio=0.03, out_of_order=0.2)
    reference = _ReferenceBank2()
    for chunk in (1_500, 777, 4_000):  # the oracle follows the stream wherever it stops
        reference.consume(generator.messages(chunk))
        assert generator.expected_contacts() == reference.contacts()
        assert generator.expected_rejects() == reference.rejects


def test_bad_messages_appear_at_about_the_bad_ratio_with_every_reason() -> None:
    generator, _ = _generated(20_000, bad_ratio=0.05)
    rejects = generator.expected_rejects()
    assert 0.04 < sum(rejects.values()) / 20_000 < 0.06
    assert set(rejects) == {"malformed_json", "unknown_format", "invalid_phone", "invalid_name"}


def test_no_bad_ratio_means_no_bad_messages() -> None:
    generator, _ = _generated(3_000, bad_ratio=0.0)
    assert not generator.expected_rejects()


def test_the_same_seed_gives_the_same_stream_and_oracle() -> None:
    first, first_messages = _generated(2_000, seed=11)
    second, second_messages = _generated(2_000, seed=11)
    _, other_messages = _generated(2_000, seed=12)
    assert first_messages == second_messages
    assert first.expected_contacts() == second.expected_contacts()
    assert first.expected_rejects() == second.expected_rejects()
    assert first_messages != other_messages


def test_messages_stream_lazily() -> None:
    generator = CustomerEventGenerator(seed=1, customers=10)
    stream = generator.messages(10**12)
    assert isinstance(stream, Iterator)
    assert len(list(islice(stream, 5))) == 5


def test_memory_stays_flat_however_many_messages_are_streamed() -> None:
    generator = CustomerEventGenerator(seed=1, customers=100)
    for _ in generator.messages(3_000):  # every customer has joined by now
        pass
    tracemalloc.start()
    try:
        for _ in generator.messages(5_000):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # keeping 5,000 messages around would take about 6 MB


def test_expected_phones_are_valid_brazilian_numbers_in_e164() -> None:
    generator, _ = _generated(5_000)
    contacts = generator.expected_contacts()
    assert len(contacts) > 150
    for _, phone, _ in contacts.values():
        assert E164.fullmatch(phone)
        number = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(number)
        assert phonenumbers.number_type(number) in {
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE,
        }
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == phone


def test_phones_are_typed_many_ways_mobiles_and_landlines_alike() -> None:
    generator, messages = _generated(5_000)
    phones = [re.search(rb'"(?:TEL_CLIENTE|phone)":"([^"]+)"', m.value or b"") for m in messages]
    shapes = {re.sub(r"\d", "9", found.group(1).decode()) for found in phones if found}
    assert {"(99) 99999-9999", "99999999999", "+99 99 99999-9999", "999 99999-9999"} <= shapes
    assert {"99 99 9999-9999", "(99) 9999-9999"} <= shapes
    kinds = Counter(len(phone) for _, phone, _ in generator.expected_contacts().values())
    assert kinds[14] > kinds[13] > 0  # mostly mobiles, some landlines


def test_regions_are_the_five_macro_regions_and_all_of_them_appear() -> None:
    generator, _ = _generated(5_000)
    assert {region for _, _, region in generator.expected_contacts().values()} == REGIONS


def test_expected_names_are_collapsed_although_some_are_typed_with_stray_whitespace() -> None:
    generator, messages = _generated(5_000)
    for name, _, _ in generator.expected_contacts().values():
        assert name == " ".join(name.split())
        assert name
    legacy = [doc["NM_CLIENTE"] for doc in _documents(messages) if "CD_CLIENTE" in doc]
    assert any("\t" in name or "  " in name for name in legacy)
    assert any(name.isupper() for name in legacy)  # the legacy system shouts


def _documents(messages: Iterable[GeneratedMessage]) -> Iterator[dict[str, Any]]:
    """The JSON objects among the messages, each with its key."""
    for message in messages:
        try:
            doc = json.loads(message.value or b"")
        except ValueError:
            continue
        if isinstance(doc, dict):
            yield doc | {"_key": message.key}


def _shape(message: GeneratedMessage) -> str:
    if message.value is None:
        return "tombstone"
    try:
        doc = json.loads(message.value)
    except ValueError:
        return "not json"
    if "CD_CLIENTE" in doc:
        return "legacy"
    if "customer_id" in doc:
        return "ours"
    payload = doc.get("payload", doc)
    if "op" not in payload:
        return "unknown"
    schema = " with schema" if "schema" in doc else ""
    return f"debezium {payload['op']} {payload['source']['connector']}{schema}"


def test_every_shape_operation_and_source_appears() -> None:
    _, messages = _generated(5_000)
    shapes = Counter(_shape(m) for m in messages)
    expected = {"legacy", "ours", "tombstone", "not json", "unknown"} | {
        f"debezium {op} {connector}{schema}"
        for op in "rcud"
        for connector in ("sqlserver", "postgresql")
        for schema in ("", " with schema")
    }
    assert expected <= set(shapes)


def test_a_snapshot_opens_the_stream_and_every_delete_is_followed_by_its_tombstone() -> None:
    _, messages = _generated(5_000)
    assert _shape(messages[0]).startswith("debezium r")
    for before, message in pairwise(messages):
        if message.value is None:
            assert before.key == message.key
            assert " d " in _shape(before)


def test_our_format_and_debezium_events_are_sometimes_out_of_order_legacy_never() -> None:
    _, messages = _generated(10_000)
    last: dict[bytes, tuple[int, ...]] = {}
    reordered: Counter[str] = Counter()
    for doc in _documents(messages):
        payload = doc.get("payload", doc)
        if "customer_id" in doc:
            shape, version = "ours", (doc["version"],)
        elif "op" in payload and payload["op"] != "r":
            source = payload["source"]
            position = _lsn(source["commit_lsn"]) if "commit_lsn" in source else source["lsn"]
            shape, version = "debezium", (position,)
        else:
            continue
        key = doc["_key"]
        if key in last and version < last[key]:
            reordered[shape] += 1
        last[key] = max(version, last.get(key, version))
    assert reordered["ours"] > 0
    assert reordered["debezium"] > 0


def test_removed_and_returning_customers_both_happen() -> None:
    generator, messages = _generated(10_000)
    shapes = Counter(_shape(m) for m in messages)
    wire = b"\n".join(m.value for m in messages if m.value)
    assert wire.count(b'"STATUS":"I"') > 50
    assert wire.count(b'"status":"I"') > 50
    assert wire.count(b'"telemarketing_opt_out":true') > 50
    assert wire.count(b'"deleted":true') > 5
    assert shapes["tombstone"] > 5
    assert shapes["debezium c sqlserver"] + shapes["debezium c postgresql"] > 0
    assert 150 < len(generator.expected_contacts()) < 300  # some are removed at the end


def test_personal_data_is_on_the_wire_and_listed_for_privacy_tests() -> None:
    generator, messages = _generated(5_000)
    markers = generator.personal_markers()
    wire = b"\n".join(m.value for m in messages if m.value).decode(errors="replace")
    assert any(re.fullmatch(r"\d{3}\.\d{3}\.\d{3}-\d{2}|\d{11}", m) for m in markers)
    assert any("@" in m for m in markers)
    assert all(marker in wire for marker in markers)
    assert all(marker not in str(generator.expected_contacts()) for marker in markers)


def test_personal_markers_are_bounded() -> None:
    generator, _ = _generated(20_000, customers=3_000)
    assert len(generator.personal_markers()) == 1_000


@pytest.mark.parametrize(
    "options",
    [{"customers": 0}, {"partitions": 0}, {"bad_ratio": 1.5}, {"shapes": ("xml",)}],
)
def test_nonsense_settings_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"must|probabilities"):
        CustomerEventGenerator(**({"seed": 1, "customers": 10} | options))


def test_one_customer_always_goes_to_one_partition() -> None:
    _, messages = _generated(5_000, partitions=6)
    partitions: defaultdict[bytes, set[int]] = defaultdict(set)
    for message in messages:
        if message.key is not None:
            partitions[message.key].add(message.partition)
    assert all(len(found) == 1 for found in partitions.values())
    assert {p for found in partitions.values() for p in found} == set(range(6))


def test_a_single_shape_can_be_chosen() -> None:
    _, messages = _generated(2_000, shapes=("ours",), bad_ratio=0.0)
    assert {_shape(m) for m in messages} == {"ours"}
