"""Brazilian phone numbers, as people type them, to E.164.

Validity is the phonenumbers library's (Google's libphonenumber data, which tracks Anatel's
numbering plan). Parsing with it costs tens of microseconds, the largest single cost of an event,
so the plain ways of typing a number ("(11) 98765-4321", "11987654321", "+55 11 98765-4321",
"011 98765-4321", "55 11 3456-7890") take a fast path: the digits are read directly, and the
number is checked against the library's own Brazilian metadata with the library's own type rules.
Anything else (letters, other scripts' digits, unusual punctuation, a number the fast path does
not find valid) goes to the library itself, so the fast path can only ever say "valid" where the
library says so too. tests/customers/domain/test_phone_fast_path.py checks that on a large corpus.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberDesc, PhoneNumberType

_BRAZIL = "BR"
_BRAZIL_COUNTRY_CODE = 55
_MAX_INPUT_LENGTH = 40  # after trimming: longer text is not a phone number someone typed
_MAX_CACHED_INPUT_LENGTH = 64  # before trimming
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


def area_code_of(e164: str) -> int:
    """The DDD of a Brazilian number in E.164 ("+5511987654321" -> 11)."""
    return int(e164[3:5])


def parse_brazilian_phone(raw: str) -> BrazilianPhone | None:
    """Parse what people type ("(11) 98765-4321", "011 98765-4321", "+55 11 ...") or return None.

    None means: no area code, a foreign number, a number that cannot exist, or a number that is not
    a mobile or landline (toll-free, premium, shared-cost). The validity rules are the phonenumbers
    library's, which tracks Anatel's numbering plan. Text with letters is refused before it gets
    there: the library would dial them on a keypad, turning a masked "98765-XXXX" into a
    stranger's number, and it knows "ext" but not "ramal", so extensions are refused alike.
    """
    # Updates repeat a customer's phone, so answers are cached; text too long to be a typed
    # number is answered without being kept, so the cache stays small (8,192 short strings).
    if len(raw) <= _MAX_CACHED_INPUT_LENGTH:
        return _parse_typed_cached(raw)
    return _parse_typed(raw)


def _parse_typed(raw: str) -> BrazilianPhone | None:
    typed = raw.strip()
    if len(typed) > _MAX_INPUT_LENGTH:
        return None
    national = _plain_national_number(typed)
    if national is not None and _diallable(national):
        return BrazilianPhone("+55" + national, int(national[:2]))
    if _has_letters(typed):
        return None
    return _parse(typed)


_parse_typed_cached = lru_cache(maxsize=8_192)(_parse_typed)


def parse_brazilian_phone_with_library(raw: str) -> BrazilianPhone | None:
    """The same answer as ``parse_brazilian_phone``, from the library alone, on every call.

    The reference the fast path is tested against, and what a first version would run.
    """
    typed = raw.strip()
    if len(typed) > _MAX_INPUT_LENGTH or _has_letters(typed):
        return None
    return _parse(typed)


# --- the fast path --------------------------------------------------------------------------

# Separators the library ignores between digits (all in its punctuation class); a tab, a
# no-break space or a Unicode dash is left to the library.
_SEPARATORS = " ()-."
_LANDLINE_DIGITS = 10  # DDD + 8 digits
_MOBILE_DIGITS = 11  # DDD + 9 digits
_COUNTRY_CODE = "55"
_TRUNK_PREFIX = "0"


def _plain_national_number(typed: str) -> str | None:
    """DDD and subscriber digits of a plainly typed number, or None if only the library can tell.

    Only shapes whose reading by the library is certain are taken (see ``parse`` in
    phonenumbers): "+55" and 10 or 11 national digits; 10 or 11 digits alone; the trunk prefix
    "0" before them; "55" before them without "+", which the library strips because 12 or 13
    digits are too long for a Brazilian number. The DDD must start and end with 1-9, as every
    assigned DDD does: that rules out the library's other prefixes, "00" (international), "0" and
    a carrier code (13 digits or more) and "90" (collect call).
    """
    international = typed.startswith("+")
    digits = _without_separators(typed[1:] if international else typed)
    if not (digits.isdigit() and digits.isascii()):
        return None
    if international or (len(digits) > _MOBILE_DIGITS and not digits.startswith(_TRUNK_PREFIX)):
        national = digits[2:] if digits.startswith(_COUNTRY_CODE) else ""
    elif digits.startswith(_TRUNK_PREFIX):
        national = digits[1:]
    else:
        national = digits
    if not _LANDLINE_DIGITS <= len(national) <= _MOBILE_DIGITS:
        return None
    if national[0] == "0" or national[1] == "0":
        return None
    return national


def _without_separators(text: str) -> str:
    # One replace per separator: five times faster than str.translate with a deletion table,
    # which goes through a dict lookup per character (0.18 against 0.88 us for "(27) 98855-6137").
    for separator in _SEPARATORS:
        text = text.replace(separator, "")
    return text


@dataclass(frozen=True, slots=True)
class _LengthRules:
    """The library's Brazilian number types for national numbers of one length: those whose
    possible lengths exclude it are left out, as the library skips them before their patterns.
    Several types are one alternation: it matches a whole number if any of them does."""

    general: re.Pattern[str]
    other_types: re.Pattern[str] | None  # toll-free, premium, shared-cost...
    diallable: re.Pattern[str] | None  # landline, mobile


def _pattern(descs: Iterable[PhoneNumberDesc | None], length: int) -> re.Pattern[str] | None:
    """One pattern for the types that can match a national number of this length, or None.

    The library never matches an absent or empty pattern, nor a length its type excludes.
    """
    patterns = [
        desc.national_number_pattern
        for desc in descs
        if desc is not None
        and desc.national_number_pattern
        and (not desc.possible_length or length in desc.possible_length)
    ]
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


def _brazilian_rules() -> dict[int, _LengthRules]:
    metadata = PhoneMetadata.metadata_for_region(_BRAZIL)
    if metadata is None:  # pragma: no cover - the library always ships Brazil
        raise RuntimeError("phonenumbers has no metadata for Brazil")
    # The library's number-type order (``_number_type_helper``): a number of any of these types
    # is not a mobile or landline, even where a landline or mobile pattern matches it too.
    others = (
        metadata.premium_rate,
        metadata.toll_free,
        metadata.shared_cost,
        metadata.voip,
        metadata.personal_number,
        metadata.pager,
        metadata.uan,
        metadata.voicemail,
    )
    # With one pattern for both, the library never tries the mobile one on its own.
    diallable = (
        (metadata.fixed_line,)
        if metadata.same_mobile_and_fixed_line_pattern
        else (metadata.fixed_line, metadata.mobile)
    )
    rules: dict[int, _LengthRules] = {}
    for length in range(_LANDLINE_DIGITS, _MOBILE_DIGITS + 1):
        general = _pattern((metadata.general_desc,), length)
        if general is not None:  # else no valid number has this length
            rules[length] = _LengthRules(
                general, _pattern(others, length), _pattern(diallable, length)
            )
    return rules


_RULES_BY_LENGTH = _brazilian_rules()


def _diallable(national: str) -> bool:
    """Whether the library calls this national number a valid mobile or landline."""
    rules = _RULES_BY_LENGTH.get(len(national))
    if rules is None or rules.diallable is None or not rules.general.fullmatch(national):
        return False
    if rules.other_types is not None and rules.other_types.fullmatch(national):
        return False
    return rules.diallable.fullmatch(national) is not None


# --- the library ----------------------------------------------------------------------------


# Whatever the fast path leaves (letters such as "tel:" or "0xx", full-width digits, tabs, invalid
# numbers) is parsed by the library.
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
