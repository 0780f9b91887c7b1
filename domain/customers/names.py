"""Customer names as telesales see them."""

import re
import unicodedata

MAX_NAME_LENGTH = 120
# As sent, before spaces and controls are removed: four times the limit is room for any real
# name's spacing. Longer text is refused before any other work on it (once the padding of a
# fixed-width column is stripped), so that no message costs more than a few microseconds here
# however it was built.
_MAX_SENT_LENGTH = 4 * MAX_NAME_LENGTH
_REPLACEMENT_CHARACTER = "\ufffd"

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
    if len(raw) > _MAX_SENT_LENGTH:
        raw = raw.strip()  # a fixed-width CHAR column pads with spaces
        if len(raw) > _MAX_SENT_LENGTH:
            return None
    # Shortcuts for the common cases: every Cc, Cf and Cs character is unprintable, and so is
    # all whitespace but the plain space.
    if raw.isprintable() and "  " not in raw:
        name = raw.strip()  # nothing to remove or collapse
    else:
        spaced = _WHITESPACE.sub(" ", raw)
        if spaced.isprintable():
            name = spaced.strip()  # nothing left to remove
        else:
            cleaned = "".join(char for char in spaced if not _is_control(char))
            name = _WHITESPACE.sub(" ", cleaned).strip()
    # Compose before measuring: "ç" sent decomposed is one character, not two; and the stored
    # form is the one whose length is checked. ASCII text is always composed.
    if not name.isascii():
        name = unicodedata.normalize("NFC", name)
    # U+FFFD is what a UTF-8 decoder leaves of bytes in another encoding ("Jo\xe3o" in Latin-1):
    # the real name is lost, and storing the replacement would show telesales a garbled one.
    if not 1 <= len(name) <= MAX_NAME_LENGTH or _REPLACEMENT_CHARACTER in name:
        return None
    return name
