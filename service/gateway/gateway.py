"""The gateway's services, built together on one database: what its HTTP functions call."""

from __future__ import annotations

from dataclasses import dataclass

from service.gateway.access import Access
from service.gateway.intake import TransactionIntake
from service.gateway.status import TransactionStatus


@dataclass(frozen=True, slots=True)
class Gateway:
    access: Access
    intake: TransactionIntake
    status: TransactionStatus
