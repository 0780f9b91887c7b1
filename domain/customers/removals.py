"""Why Bank 2 stopped showing a customer to telesales: the reasons its removal log records.

The values are stored in Bank 2 (``removal_log.reason``, whose CHECK constraint lists them) and
must never change meaning. A data protection officer reads them as evidence (docs/lgpd.md).
"""

from enum import StrEnum


class RemovalReason(StrEnum):
    """Why a customer left the telesales view."""

    # The customer left: what Bank 1 says about them, read in this order when it says several.
    DELETED = "deleted"
    INACTIVE = "inactive"
    OPTED_OUT = "opted_out"
    # A change broke a telesales rule (an invalid phone, say): Bank 1 no longer holds what Bank 2
    # showed, so the contact is withdrawn until a valid change arrives.
    WITHDRAWN = "withdrawn"
    # A do-not-call list holds the contact's phone: the contact is kept, but not shown.
    DO_NOT_CALL = "do_not_call"
