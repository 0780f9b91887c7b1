"""Customer names as telesales see them."""

import re
import unicodedata

MAX_NAME_LENGTH = 120

_WHITESPACE = re.compile(r"\s+")


# Cc: C0/C1 controls; Cf: invisible format characters (zero-width space, BOM, bidi overrides);
# Cs: lone surrogates, which no database driver can encode (the batch would fail on every retry).
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in _REMOVED_CATEGORIES


def normalize_name(raw: object) -> str | None:
    """Return the name trimmed, controls removed and inner whitespace collapsed, or None if invalid.

    A valid name has 1 to 120 characters after normalisation. Controls that separate words (tab,
    newline) become spaces first, so "Maria\\tSouza" stays two words.
    """
    if not isinstance(raw, str):
        return None
    spaced = _WHITESPACE.sub(" ", raw)
    cleaned = "".join(char for char in spaced if not _is_control(char))
    # Compose before measuring: "ç" sent decomposed is one character, not two; and the stored
    # form is the one whose length is checked.
    name = unicodedata.normalize("NFC", _WHITESPACE.sub(" ", cleaned).strip())
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        return None
    return name
