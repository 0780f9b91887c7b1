"""Realistic Bank 1 customer traffic, and the oracle of what Bank 2 must hold after it.

Customers sign up, get renamed, change phones, move, go inactive, opt out of telemarketing,
come back, get deleted and sign up again; each one always goes through the same producer (legacy
flat JSON, our format or Debezium). Our-format and Debezium events are sometimes delivered out of
order (a customer's event is held back and delivered after that customer's next one, at once or
batches later, when Bank 2 already holds the newer one), as a replaying producer or a restarted
connector does. Legacy events never are: their version is
their Kafka offset, so their delivery order is their order.

The oracle follows the messages as they are yielded, without calling ``domain/``: for each
customer, the valid event with the highest version decides; the customer is absent if that
event removes the contact. It records the name, phone and region the generator made up, before
they were typed with stray spaces, in another phone style or as a state's full name.

Bad messages carry customer ids above ``customers`` that no valid event ever uses, so none of them
can change a real customer's expected state, whatever its version; each one counts once under
its reject reason.

Memory grows with the number of customers, never with the number of messages.
"""

from __future__ import annotations

import heapq
import random
import zlib
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from demo import messages
from demo.messages import DebeziumSource, Row
from demo.people import AREA_CODES, DDDS, DDDS_BY_UF, STATES, UFS, People

SHAPES = ("legacy", "ours", "debezium")
REJECT_REASONS = ("malformed_json", "unknown_format", "invalid_phone", "invalid_name")
Contact = tuple[str, str, str]  # name, E.164 phone, IBGE macro-region

# How an existing customer changes, and how often. Most updates touch no telesales field.
_CHANGES = ("touch", "name", "phone", "move", "retype", "inactivate", "opt_out", "delete")
_CHANGE_WEIGHTS = (30, 12, 15, 6, 10, 8, 6, 3)
_NEW_CUSTOMER_SHARE = 0.35  # of the steps, until every customer has joined
_REACTIVATION_SHARE = 0.5  # of the changes to a customer who cannot be called
_START_US = int(datetime(2026, 1, 5, 8, tzinfo=UTC).timestamp() * 1_000_000)
_FIRST_LOG_POSITION = 0x27 << 48 | 0x758 << 16 | 0x5
_MAX_MARKERS = 1000
_LATE_SHARE = 0.5  # of the held events: delivered batches later, so Bank 2 already holds newer
_LATE_DELAY = (500, 2_000)  # messages


@dataclass(frozen=True, slots=True)
class GeneratedMessage:
    partition: int  # the customer's id hashed: one customer, one partition
    key: bytes | None
    value: bytes | None  # None: a Debezium tombstone after a delete
    # Offsets are assigned by whoever publishes, per partition, in the order yielded.


@dataclass(frozen=True, slots=True)
class _Out:
    """A message waiting to be yielded, with what it does to the oracle once it is."""

    message: GeneratedMessage
    customer_id: str | None = None  # set for a valid event
    version: tuple[int, ...] = ()
    contact: Contact | None = None  # None: the event removes the contact
    reject: str | None = None
    markers: tuple[str, ...] = ()  # the CPF and e-mail the message carries


@dataclass(slots=True)
class _Customer:
    shape: str
    partition: int
    words: tuple[str, ...]  # the name as Bank 2 must hold it, word by word
    ddd: int
    subscriber: str
    uf: str | None  # the state the record carries; None: the region comes from the phone
    row: Row
    deleted: bool = False
    counter: int = 0  # our format's version
    sqlserver: bool = True
    schemas: bool = False
    key_only_before: bool = False
    held: list[_Out] | None = None  # delivered after this customer's next event

    def contact(self) -> Contact | None:
        if self.deleted or not self.row.active or self.row.opt_out:
            return None
        uf = self.uf or AREA_CODES[self.ddd]
        return " ".join(self.words), f"+55{self.ddd}{self.subscriber}", STATES[uf][1]


class CustomerEventGenerator:
    """A deterministic, endless stream of events about ``customers`` distinct customers.

    Customer ids are 1 to ``customers``; a deleted customer may sign up again under the same id
    (Bank 1 keys some customers by a natural key). Bad messages use ids above ``customers``.
    """

    def __init__(  # noqa: PLR0913 - every knob is a keyword the demo and the benchmark set
        self,
        *,
        seed: int,
        customers: int,
        partitions: int = 4,
        bad_ratio: float = 0.01,
        out_of_order: float = 0.05,
        shapes: tuple[str, ...] = SHAPES,
    ) -> None:
        if customers < 1 or partitions < 1:
            raise ValueError("customers and partitions must be at least 1")
        if not (0 <= bad_ratio <= 1 and 0 <= out_of_order <= 1):
            raise ValueError("bad_ratio and out_of_order are probabilities")
        if not shapes or not set(shapes) <= set(SHAPES):
            raise ValueError(f"shapes must be a non-empty subset of {SHAPES}")
        self._rng = random.Random(seed)
        self._people = People(seed)
        self._customers: list[_Customer] = []
        self._size = customers
        self._partitions = partitions
        self._bad_ratio = bad_ratio
        self._out_of_order = out_of_order
        self._shapes = shapes
        self._ready: deque[_Out] = deque()
        # Held events released late: (due at this many yielded messages, tie-break, messages).
        self._late: list[tuple[int, int, list[_Out]]] = []
        self._yielded = 0
        self._late_sequence = 0
        self._next_bad_id = customers + 1
        self._now_us = _START_US
        self._log_position = _FIRST_LOG_POSITION
        self._legacy_sequence = 0
        self._snapshot_left = max(1, customers // 10) if "debezium" in shapes else 0
        self._snapshot_position = 0
        self._newest: dict[str, tuple[tuple[int, ...], Contact | None]] = {}
        self._rejects: Counter[str] = Counter()
        self._markers: set[str] = set()

    # --- public ---------------------------------------------------------------------------

    def messages(self, count: int) -> Iterator[GeneratedMessage]:
        """Stream ``count`` more messages; the oracle follows each one as it is yielded."""
        for _ in range(count):
            while self._late and self._late[0][0] <= self._yielded:
                self._ready.extend(heapq.heappop(self._late)[2])
            while not self._ready:
                self._step()
            out = self._ready.popleft()
            self._apply(out)
            self._yielded += 1
            yield out.message

    def expected_contacts(self) -> dict[str, Contact]:
        """customer_id -> (name, E.164 phone, region) once every message yielded is applied."""
        return {cid: contact for cid, (_, contact) in self._newest.items() if contact is not None}

    def expected_rejects(self) -> Counter[str]:
        """Reject reason code -> count, over the bad messages yielded so far."""
        return Counter(self._rejects)

    def personal_markers(self) -> set[str]:
        """CPFs and e-mails sent so far (at most 1000): none of them may ever reach Bank 2."""
        return set(self._markers)

    def _apply(self, out: _Out) -> None:
        """The oracle: each customer's valid event with the highest version decides."""
        if out.reject is not None:
            self._rejects[out.reject] += 1
        elif out.customer_id is not None:
            held = self._newest.get(out.customer_id)
            if held is None or out.version > held[0]:
                self._newest[out.customer_id] = (out.version, out.contact)
        for marker in out.markers:
            if len(self._markers) < _MAX_MARKERS:
                self._markers.add(marker)

    # --- the story ------------------------------------------------------------------------

    def _step(self) -> None:
        rng = self._rng
        self._now_us += rng.randint(1_000, 40_000)
        if self._snapshot_left:
            self._snapshot_row()
        elif rng.random() < self._bad_ratio:
            self._ready.append(self._bad())
        elif len(self._customers) < self._size and (
            not self._customers or rng.random() < _NEW_CUSTOMER_SHARE
        ):
            self._deliver(self._join(rng.choice(self._shapes)), "c")
        else:
            self._change(rng.choice(self._customers))

    def _snapshot_row(self) -> None:
        """Debezium's initial snapshot: one ``r`` per existing row, all at one log position."""
        first = not self._snapshot_position
        if first:
            self._snapshot_position = self._advance_log()
        self._snapshot_left -= 1
        marker = "last" if not self._snapshot_left else "first" if first else "true"
        self._ready.append(self._debezium(self._join("debezium"), "r", None, marker))

    def _join(self, shape: str) -> _Customer:
        rng = self._rng
        customer_id = len(self._customers) + 1
        words, ddd, subscriber, home = self._people.contact(rng, uppercase=shape == "legacy")
        # The legacy record has no state, and neither do some old rows in Bank 1's table.
        no_state = shape == "legacy" or (shape == "debezium" and rng.random() < 0.05)
        uf = None if no_state else home
        row = self._people.row(rng, customer_id, words, ddd, subscriber, now_us=self._now_us)
        row = row._replace(state=None if uf is None else self._type_state(uf))
        if shape != "legacy" and rng.random() < 0.05:
            row = row._replace(opt_out=True)  # opted out when signing up
        customer = _Customer(shape, self._partition(customer_id), words, ddd, subscriber, uf, row)
        customer.sqlserver = rng.random() < 0.5
        customer.schemas = rng.random() < 0.5
        customer.key_only_before = not customer.sqlserver and rng.random() < 0.5
        self._customers.append(customer)
        return customer

    def _change(self, customer: _Customer) -> None:
        rng = self._rng
        before = customer.row
        row = before._replace(updated_us=self._now_us)
        if customer.deleted:  # back, under the same id, as a new row
            customer.deleted = False
            customer.row = row._replace(active=True, opt_out=False)
            self._deliver(customer, "c")
            return
        if (not row.active or row.opt_out) and rng.random() < _REACTIVATION_SHARE:
            change = "reactivate"
        else:
            change = rng.choices(_CHANGES, _CHANGE_WEIGHTS)[0]
        if customer.shape == "legacy" and change in {"opt_out", "delete"}:
            change = "inactivate"  # the legacy record knows only STATUS
        customer.row = self._changed(customer, row, change)
        customer.deleted = change == "delete"
        self._deliver(customer, "d" if customer.deleted else "u", before)

    def _changed(self, customer: _Customer, row: Row, change: str) -> Row:
        rng = self._rng
        match change:
            case "reactivate":
                row = row._replace(active=True, opt_out=False)
            case "inactivate":
                row = row._replace(active=False)
            case "opt_out":
                row = row._replace(opt_out=True)
            case "name":  # a marriage, a divorce, a typo fixed
                customer.words = self._people.married(rng, customer.words)
                row = row._replace(name=messages.type_name(rng, customer.words))
            case "phone":  # sometimes a number from another state, with that state's DDD
                ddd = customer.ddd if rng.random() < 0.7 else rng.choice(DDDS)
                row = self._new_phone(customer, row, ddd)
            case "move":
                row = self._move(customer, row)
            case "retype":  # someone saved the record again, typing it their own way
                name = messages.type_name(rng, customer.words)
                phone = messages.type_phone(rng, customer.ddd, customer.subscriber)
                row = row._replace(name=name, phone=phone)
            case "touch":  # a new e-mail: nothing telesales sees
                row = row._replace(email=self._people.email(rng, customer.words))
        return row  # a delete keeps the row as it was

    def _new_phone(self, customer: _Customer, row: Row, ddd: int) -> Row:
        customer.ddd, customer.subscriber = ddd, People.subscriber(self._rng)
        phone = messages.type_phone(self._rng, ddd, customer.subscriber)
        return row._replace(phone=phone)

    def _move(self, customer: _Customer, row: Row) -> Row:
        """A move to another state: the record's state follows, the phone often does."""
        rng = self._rng
        uf = rng.choice(UFS)
        if customer.shape != "legacy":
            customer.uf = uf
            row = row._replace(state=self._type_state(uf))
        if customer.shape == "legacy" or rng.random() < 0.5:
            row = self._new_phone(customer, row, rng.choice(DDDS_BY_UF[uf]))
        return row._replace(city=STATES[uf][2], zip_code=People.zip_code(rng, uf))

    def _type_state(self, uf: str) -> str:
        return messages.type_state(self._rng, uf, STATES[uf][0])

    # --- delivery -------------------------------------------------------------------------

    def _deliver(self, customer: _Customer, op: str, before: Row | None = None) -> None:
        """Queue one event; sometimes keep it back to arrive after the customer's next one."""
        if customer.shape == "legacy":
            self._legacy_sequence += 1  # delivery order, hence offset order
            outs = [self._out(customer, messages.legacy(customer.row), (self._legacy_sequence,))]
        elif customer.shape == "ours":
            customer.counter += self._rng.choice((1, 1, 1, 2))
            value = messages.ours(customer.row, customer.counter, deleted=customer.deleted)
            outs = [self._out(customer, value, (customer.counter, customer.row.updated_us))]
        else:
            outs = [self._debezium(customer, op, before)]
            if op == "d":
                outs.append(_Out(GeneratedMessage(customer.partition, _key(customer), None)))
        # Never a legacy event: its version is its offset, so its delivery order is its order.
        holdable = customer.shape != "legacy" and op in {"c", "u"} and customer.held is None
        if holdable and self._rng.random() < self._out_of_order:
            customer.held = outs
            return
        self._ready.extend(outs)
        if customer.held is not None:
            self._release(customer.held)
            customer.held = None

    def _release(self, held: list[_Out]) -> None:
        """Deliver a held event now, right after the newer one, or a few batches later."""
        if self._rng.random() < _LATE_SHARE:
            due = self._yielded + self._rng.randint(*_LATE_DELAY)
            self._late_sequence += 1
            heapq.heappush(self._late, (due, self._late_sequence, held))
        else:
            self._ready.extend(held)

    def _debezium(
        self, customer: _Customer, op: str, before: Row | None, snapshot: str = "false"
    ) -> _Out:
        value, position = self._debezium_value(customer, op, before, snapshot)
        return self._out(customer, value, (position,))

    def _debezium_value(
        self, customer: _Customer, op: str, before: Row | None, snapshot: str
    ) -> tuple[bytes, int]:
        position = self._snapshot_position if op == "r" else self._advance_log()
        source = DebeziumSource(
            sqlserver=customer.sqlserver,
            position=position,
            serial=None if op == "r" else 2 if op == "u" else 1,  # CDC writes two rows per update
            snapshot=snapshot,
            key_only_before=customer.key_only_before,
        )
        after = None if op == "d" else customer.row
        if op == "d":
            before = customer.row
        value = messages.debezium_value(op, before, after, source, schemas=customer.schemas)
        return value, position

    def _out(self, customer: _Customer, value: bytes, version: tuple[int, ...]) -> _Out:
        row = customer.row
        return _Out(
            GeneratedMessage(customer.partition, _key(customer), value),
            customer_id=str(row.customer_id),
            version=version,
            contact=customer.contact(),
            # The legacy record has no e-mail column.
            markers=(row.cpf,) if customer.shape == "legacy" else (row.cpf, row.email),
        )

    def _bad(self) -> _Out:
        """One bad message, under a customer id nobody else uses, so it cannot touch the oracle."""
        rng = self._rng
        reason = rng.choice(REJECT_REASONS)
        customer_id, self._next_bad_id = self._next_bad_id, self._next_bad_id + 1
        partition = self._partition(customer_id)
        words, ddd, subscriber, uf = self._people.contact(rng, uppercase=False)
        row = self._people.row(rng, customer_id, words, ddd, subscriber, now_us=self._now_us)
        row = row._replace(state=self._type_state(uf))
        if reason == "malformed_json":
            key = str(customer_id).encode()
            return _Out(
                GeneratedMessage(partition, key, messages.malformed(rng, row)), reject=reason
            )
        if reason == "unknown_format":
            value = messages.unknown_format(rng, self._now_us)
            return _Out(GeneratedMessage(partition, None, value), reject=reason)
        if reason == "invalid_phone":
            row = row._replace(phone=rng.choice(messages.BAD_PHONES))
        else:
            row = row._replace(name=rng.choice(messages.EMPTY_NAMES))
        # Active and not opted out: a removal would be applied without looking at the data.
        customer = _Customer(rng.choice(self._shapes), partition, words, ddd, subscriber, uf, row)
        customer.sqlserver = customer.schemas = rng.random() < 0.5
        if customer.shape == "legacy":
            value = messages.legacy(row)
        elif customer.shape == "ours":
            value = messages.ours(row, 1, deleted=False)
        else:
            value, _ = self._debezium_value(customer, "c", None, "false")
        return _Out(GeneratedMessage(partition, _key(customer), value), reject=reason)

    # --- counters -------------------------------------------------------------------------

    def _partition(self, customer_id: int) -> int:
        # crc32, not hash(): str hashes change with every interpreter run.
        return zlib.crc32(str(customer_id).encode()) % self._partitions

    def _advance_log(self) -> int:
        """The next commit position: a few slots on in the log block, or a later block."""
        rng = self._rng
        position = self._log_position
        if rng.random() < 0.7 and position & 0xFFFF < 0xFF00:
            position += rng.randint(2, 6)
        else:
            position = ((position >> 16) + rng.randint(1, 0x200)) << 16 | rng.randint(2, 6)
        self._log_position = position
        return position


def _key(customer: _Customer) -> bytes:
    customer_id = customer.row.customer_id
    if customer.shape == "debezium":
        return messages.debezium_key(
            customer_id, sqlserver=customer.sqlserver, schemas=customer.schemas
        )
    return str(customer_id).encode()
