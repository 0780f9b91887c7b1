"""Customer names as telesales see them."""

import re
import unicodedata

MAX_NAME_LENGTH = 120

_WHITESPACE = re.compile(r"\s+")


def _is_control(char: str) -> bool:
    # Cc: C0/C1 controls; Cf: invisible format characters (zero-width space, BOM, bidi overrides).
    return unicodedata.category(char) in {"Cc", "Cf"}


def normalize_name(raw: object) -> str | None:
    """Return the name trimmed, controls removed and inner whitespace collapsed, or None if invalid.

    A valid name has 1 to 120 characters after normalisation. Controls that separate words (tab,
    newline) become spaces first, so "Maria\\tSouza" stays two words.
    """
    if not isinstance(raw, str):
        return None
    spaced = _WHITESPACE.sub(" ", raw)
    cleaned = "".join(char for char in spaced if not _is_control(char))
    name = _WHITESPACE.sub(" ", cleaned).strip()
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        return None
    return unicodedata.normalize("NFC", name)
