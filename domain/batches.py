"""Reducing a batch of contact changes to what Bank 2 must hold."""

from collections.abc import Iterable, Mapping

from domain.customers import ContactChange


def newest_per_customer(changes: Iterable[ContactChange]) -> tuple[list[ContactChange], int]:
    """Keep each customer's newest change; return them with the number of older ones dropped.

    Changes arrive in delivery order. On equal versions the first one stays, exactly as Bank 2
    keeps what it holds unless a strictly newer version arrives: the result does not depend on
    how a history is cut into batches.
    """
    newest: dict[str, ContactChange] = {}
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
