"""How a store reports failure to the services: terminal or transient, never with row data."""

from __future__ import annotations


class StoreError(Exception):
    """The store failed. Terminal unless it is a ``TransientStoreError``: the batch fails at once.

    Adapters raise it in place of the driver's error, whose text may quote row values: the message
    names the statement and the driver's error code, never data.
    """


class TransientStoreError(StoreError):
    """The store failed in a way that may pass (connection lost, failover, deadlock, throttling).

    Adapters raise it ``from`` the driver error; the service retries the whole batch on a fresh
    connection. Any other exception from a store is terminal and fails the batch at once.
    """
