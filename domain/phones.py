"""Brazilian phone numbers, as people type them, to E.164."""

from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

_BRAZIL = "BR"
_BRAZIL_COUNTRY_CODE = 55
_MAX_INPUT_LENGTH = 40  # after trimming: longer text is not a phone number someone typed
# The only letters a phone may contain: a "tel:" label, and "0xx" as Brazilians write "any
# carrier" in "(0xx11) 98765-4321".
_LABEL = "tel"
_CARRIER_PLACEHOLDER = "0xx"
_DIALLABLE_TYPES = frozenset(
    {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


@dataclass(frozen=True, slots=True)
class BrazilianPhone:
    """A valid Brazilian mobile or landline."""

    e164: str  # "+5511987654321"
    area_code: int  # DDD, 11..99


def parse_brazilian_phone(raw: str) -> BrazilianPhone | None:
    """Parse what people type ("(11) 98765-4321", "011 98765-4321", "+55 11 ...") or return None.

    None means: no area code, a foreign number, a number that cannot exist, or a number that is not
    a mobile or landline (toll-free, premium, shared-cost). The validity rules are the phonenumbers
    library's, which tracks Anatel's numbering plan. Text with letters is refused before it gets
    there: the library would dial them on a keypad, turning a masked "98765-XXXX" into a
    stranger's number, and it knows "ext" but not "ramal", so extensions are refused alike.
    """
    typed = raw.strip()
    if len(typed) > _MAX_INPUT_LENGTH or _has_letters(typed):
        return None
    return _parse(typed)


# Updates repeat a customer's phone, and parsing is the costliest rule. The cache holds at most
# 65,536 short strings (under 10 MB): only trimmed input of at most 40 characters reaches it.
@lru_cache(maxsize=65_536)
def _parse(typed: str) -> BrazilianPhone | None:
    try:
        number = phonenumbers.parse(typed, _BRAZIL)
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != _BRAZIL_COUNTRY_CODE or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in _DIALLABLE_TYPES:
        return None
    national = str(number.national_number)
    return BrazilianPhone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        area_code=int(national[:2]),
    )


def _has_letters(typed: str) -> bool:
    lowered = typed.lower().removeprefix(_LABEL).replace(_CARRIER_PLACEHOLDER, "", 1)
    return any(char.isalpha() for char in lowered)
