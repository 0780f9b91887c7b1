"""Reducing a batch of contact changes to what Bank 2 must hold."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from domain.customers.changes import ContactChange, ContactUpdate, ProjectedChange

ChangeT = TypeVar("ChangeT", bound=ProjectedChange)


def newest_per_customer(changes: Iterable[ChangeT]) -> tuple[list[ChangeT], int]:
    """Keep each customer's newest change; return them with the number of older ones dropped.

    Changes arrive in delivery order. On equal versions the first one stays, exactly as Bank 2
    keeps what it holds unless a strictly newer version arrives: the result does not depend on
    how a history is cut into batches.
    """
    newest: dict[str, ChangeT] = {}
    superseded = 0
    for change in changes:
        held = newest.get(change.customer_id)
        if held is None:
            newest[change.customer_id] = change
            continue
        superseded += 1
        if change.version > held.version:
            newest[change.customer_id] = change
    return list(newest.values()), superseded


@dataclass(frozen=True, slots=True)
class ReducedBatch:
    """A batch's changes, reduced: what to write as it is, and what to settle on Bank 2's."""

    newest: list[ContactChange]  # each customer's newest change, where it is complete
    # Customers whose newest change leaves fields out: all their changes of the batch, oldest
    # first, each version once (domain.customers.merging settles them on what Bank 2 holds).
    updates: dict[str, list[ProjectedChange]]
    superseded: int  # changes older than their customer's newest in the batch


def reduce_batch(changes: Sequence[ProjectedChange]) -> ReducedBatch:
    """Each customer's newest change, and the histories of those whose newest leaves fields out."""
    newest, superseded = newest_per_customer(changes)
    complete: list[ContactChange] = []
    updates: dict[str, list[ProjectedChange]] = {}
    for change in newest:
        if isinstance(change, ContactUpdate):
            updates[change.customer_id] = []
        else:
            complete.append(change)
    if updates:  # rare: a second pass over the batch, for those customers only
        for change in changes:
            history = updates.get(change.customer_id)
            if history is not None:
                history.append(change)
        updates = {customer: _oldest_first(history) for customer, history in updates.items()}
    return ReducedBatch(complete, updates, superseded)


def _oldest_first(history: list[ProjectedChange]) -> list[ProjectedChange]:
    ordered = sorted(history, key=lambda change: change.version)  # stable: first one on a tie
    return [c for i, c in enumerate(ordered) if i == 0 or c.version != ordered[i - 1].version]


def newer_than_stored(
    changes: Iterable[ContactChange], stored_versions: Mapping[str, str]
) -> tuple[list[ContactChange], int]:
    """Keep the changes newer than what Bank 2 holds; return them with the number of stale ones."""
    fresh: list[ContactChange] = []
    stale = 0
    for change in changes:
        stored = stored_versions.get(change.customer_id)
        if stored is None or change.version.key > stored:
            fresh.append(change)
        else:
            stale += 1
    return fresh, stale
