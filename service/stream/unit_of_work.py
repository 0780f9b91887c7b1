"""The unit of work: one database transaction lending a consumer's store."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self, TypeVar

StoreT_co = TypeVar("StoreT_co", covariant=True)


class UnitOfWork(Protocol[StoreT_co]):
    """One database transaction, lending a store. Leaving it without ``commit()`` rolls back.

    Generic in the store, so each bounded context (the customer projection's ``ProjectionStore``,
    the payment processor's store) has its own port on the same unit of work.
    """

    @property
    def store(self) -> StoreT_co:
        """The store, usable between ``__enter__`` and ``__exit__``."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol[StoreT_co]):
    def __call__(self) -> UnitOfWork[StoreT_co]: ...
