"""Rules for text fields of JSON messages that every consumer's format shares."""

from __future__ import annotations

# What the trigger's string binding leaves of bytes that were not UTF-8: two different ids would
# become one.
_REPLACEMENT_CHARACTER = "\ufffd"


def stored_as_sent(identifier: str) -> bool:
    """Whether every engine stores and compares this id exactly as it is: each character
    printable (no control, format or separator character but the ASCII space) and none of them
    U+FFFD. Customer, transaction and account ids all pass this rule."""
    return identifier.isprintable() and _REPLACEMENT_CHARACTER not in identifier
