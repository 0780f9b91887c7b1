"""Do-not-call lists: what one line of a list's export means, and what a list may be called.

Brazilian telesales must not call the numbers on the national "Não Me Perturbe" list or on state
lists such as Procon-SP's "Não Me Ligue" (docs/do-not-call.md). A list arrives as an export
file; each line names a phone number as the list keeps it (national digits, punctuation, "+55"
or not) and sometimes the date it was listed on. This module turns one line's phone and date
texts into the phone in E.164, by the same rules as a customer's phone
(``parse_brazilian_phone``: mobiles and landlines), and its listing date; or into the reason the
line cannot be used. It never keeps or repeats the line's text: a line may hold any personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.customers.phones import parse_brazilian_phone

# A list's name: a short identifier, as it appears in removal records and in the CLI
# ("nao-me-perturbe", "procon-sp").
LIST_NAME_MAX_LENGTH = 64
_LIST_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
# A listing date as the exports write it: ISO ("2025-06-01") or Brazilian ("01/06/2025"), either
# possibly followed by a time of day, which is ignored.
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T].*)?")
_BRAZILIAN_DATE = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})(?: .*)?")
_MAX_DATE_TEXT = 40


class BadLineReason(StrEnum):
    """Why a line of an export holds no usable phone: a code, never the line's content."""

    NO_PHONE = "no_phone"  # the phone field is empty
    INVALID_PHONE = "invalid_phone"  # not a valid Brazilian mobile or landline
    INVALID_DATE = "invalid_date"  # the date field holds no date
    DATE_AFTER_EXPORT = "date_after_export"  # listed after the export was made: impossible
    MISSING_FIELD = "missing_field"  # fewer fields than the header names
    NOT_UTF8 = "not_utf8"  # bytes that are not UTF-8 text
    TOO_LONG = "too_long"  # longer than any line of a phone list


@dataclass(frozen=True, slots=True)
class ListedPhone:
    """A phone a list holds, in E.164, and the date the line says it was listed (None: the line
    has no date; the export's date stands in for it)."""

    phone: str
    listed_on: date | None


def is_list_name(text: str) -> bool:
    """Whether ``text`` is a list name: lower-case letters, digits and hyphens, starting with a
    letter or digit, at most 64 characters."""
    return _LIST_NAME.fullmatch(text) is not None


def read_list_line(
    phone_text: str, date_text: str | None, exported_on: date
) -> ListedPhone | BadLineReason:
    """One line's phone (and listing date, where the export has a date column) or why not.

    An empty date field is no date: the export's date stands in for it. A listing date after
    the export's own date cannot be right, so the line is refused rather than guessed at.
    """
    typed = phone_text.strip()
    if not typed:
        return BadLineReason.NO_PHONE
    phone = parse_brazilian_phone(typed)
    if phone is None:
        return BadLineReason.INVALID_PHONE
    listed_on: date | None = None
    if date_text is not None and date_text.strip():
        listed_on = parse_listing_date(date_text)
        if listed_on is None:
            return BadLineReason.INVALID_DATE
        if listed_on > exported_on:
            return BadLineReason.DATE_AFTER_EXPORT
    return ListedPhone(phone.e164, listed_on)


_EARLIEST_LISTING = date(1900, 1, 1)


def parse_listing_date(text: str) -> date | None:
    """``2025-06-01`` or ``01/06/2025`` (day first, as Brazil writes it), a time after it
    ignored; None if it is not a real date."""
    typed = text.strip()
    if len(typed) > _MAX_DATE_TEXT:
        return None
    iso = _ISO_DATE.fullmatch(typed)
    if iso is not None:
        year, month, day = iso.groups()
    else:
        brazilian = _BRAZILIAN_DATE.fullmatch(typed)
        if brazilian is None:
            return None
        day, month, year = brazilian.groups()
    try:
        listed_on = date(int(year), int(month), int(day))
    except ValueError:
        return None
    # No list is older than the telephone registry: year 1 would be a typo, and MySQL's DATE
    # stops at 1000 (the load would fail instead of counting one bad line).
    return listed_on if listed_on >= _EARLIEST_LISTING else None
