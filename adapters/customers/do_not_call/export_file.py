"""A do-not-call list's export as a CSV file: its checksum and its lines, streamed.

The accepted shape (docs/do-not-call.md):

* UTF-8, with or without a byte-order mark; lines end in LF or CRLF;
* a header line naming the columns; the phone is the first column named ``telefone``, ``phone``,
  ``numero``/``número``, ``fone``, ``celular`` or ``msisdn`` (names compared without case,
  accents or surrounding spaces and quotes), optionally with a separate ``ddd`` column holding
  the area code; a listing date, optional, is the first column named ``data``, ``date``,
  ``listed_on``, ``data_inclusao``/``data de inclusão``, ``data_cadastro`` or ``data_adesao``;
  other columns are ignored;
* fields separated by ``;`` (as Brazilian exports write them), ``,`` or a tab: the header's
  first one of these tells; fields may be double-quoted.

The file is read as bytes, one line at a time, and hashed as it is read: memory does not grow
with the file, and a file that changed since its checksum was taken is refused at the end
(``ExportChangedError``), which rolls the load back. A line the format cannot read (not UTF-8,
longer than any phone list's line, fewer fields than the phone's column) is a ``BadLine``
reason, never an error, and its text is never kept.
"""

from __future__ import annotations

import csv
import hashlib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from domain.customers.do_not_call import BadLineReason
from service.customers.do_not_call import (
    BadLine,
    DoNotCallError,
    ExportChangedError,
    ListLine,
)

PHONE_COLUMNS = ("telefone", "phone", "numero", "fone", "celular", "msisdn")
AREA_CODE_COLUMN = "ddd"
DATE_COLUMNS = ("data", "date", "listed_on", "data_inclusao", "data_cadastro", "data_adesao")
SEPARATORS = (";", ",", "\t")
MAX_LINE_BYTES = 1_024  # a phone list's line is a few dozen bytes
_BLOCK_BYTES = 1 << 20
_BOM = b"\xef\xbb\xbf"


class ExportFormatError(DoNotCallError):
    """The file is not a list export this format reads (no header, no phone column...)."""


@dataclass(frozen=True, slots=True)
class _Columns:
    separator: str | None  # None: one column, nothing to split
    phone: int
    area_code: int | None
    listed_on: int | None

    @property
    def needed(self) -> int:
        """How many fields a line must have to hold the phone (and its area code)."""
        return max(i for i in (self.phone, self.area_code) if i is not None) + 1


class ExportFile:
    """``ListExport`` on a CSV file."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._sha256: str | None = None

    @property
    def sha256(self) -> str:
        """The file's SHA-256, hex, read once."""
        if self._sha256 is None:
            digest = hashlib.sha256()
            with self._open() as file:
                while block := file.read(_BLOCK_BYTES):
                    digest.update(block)
            self._sha256 = digest.hexdigest()
        return self._sha256

    def lines(self) -> Iterator[ListLine | BadLine]:
        expected = self.sha256
        digest = hashlib.sha256()
        with self._open() as file:
            header = file.readline(MAX_LINE_BYTES + 1)
            digest.update(header)
            columns = _columns(header)
            number = 1
            while raw := file.readline(MAX_LINE_BYTES + 1):
                digest.update(raw)
                number += 1
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    _skip_rest_of_line(file, digest.update)
                    yield BadLine(number, BadLineReason.TOO_LONG)
                    continue
                line = _read_line(raw, number, columns)
                if line is not None:
                    yield line
        if digest.hexdigest() != expected:
            raise ExportChangedError(
                "the export file changed while it was being loaded; nothing was loaded"
            )

    def _open(self) -> BinaryIO:
        try:
            return self._path.open("rb")
        except OSError as error:
            reason = error.strerror or type(error).__name__
        raise ExportFormatError(f"cannot open the export file: {reason}")


def _skip_rest_of_line(file: BinaryIO, hashed: Callable[[bytes], None]) -> None:
    while rest := file.readline(MAX_LINE_BYTES):
        hashed(rest)
        if rest.endswith(b"\n"):
            return


def _decoded(raw: bytes) -> str | None:
    """The line's text without its line end, or None if it is not UTF-8."""
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        return None


def _read_line(raw: bytes, number: int, columns: _Columns) -> ListLine | BadLine | None:
    """One data line; None for a blank one."""
    text = _decoded(raw)
    if text is None:
        return BadLine(number, BadLineReason.NOT_UTF8)
    if not text.strip():
        return None
    fields = _fields(text, columns.separator)
    if len(fields) < columns.needed:
        return BadLine(number, BadLineReason.MISSING_FIELD)
    phone = fields[columns.phone]
    if columns.area_code is not None:
        phone = f"{fields[columns.area_code].strip()} {phone.strip()}"
    listed_on = None
    if columns.listed_on is not None and columns.listed_on < len(fields):
        listed_on = fields[columns.listed_on]
    return ListLine(number, phone, listed_on)


def _fields(text: str, separator: str | None) -> list[str]:
    if separator is None:
        return [text.strip().strip('"')]
    if '"' not in text:
        return text.split(separator)
    try:
        return next(csv.reader([text], delimiter=separator, strict=True))
    except (csv.Error, StopIteration):
        return []  # unbalanced quotes: no field can be trusted


def _columns(header: bytes) -> _Columns:
    if not header.strip():
        raise ExportFormatError("the export file is empty or its first line is blank")
    if len(header) > MAX_LINE_BYTES:
        raise ExportFormatError(_NO_PHONE_COLUMN)
    text = _decoded(header.removeprefix(_BOM))
    if text is None:  # raised here, outside the handler: the decoder's error quotes the bytes
        raise ExportFormatError("the export's header is not UTF-8 text")
    separator = next((s for s in SEPARATORS if s in text), None)
    names = [_column_name(field) for field in _fields(text, separator)]
    phone = _first_of(PHONE_COLUMNS, names)
    if phone is None:
        raise ExportFormatError(_NO_PHONE_COLUMN)
    area_code = names.index(AREA_CODE_COLUMN) if AREA_CODE_COLUMN in names else None
    return _Columns(separator, phone, area_code, _first_of(DATE_COLUMNS, names))


_NO_PHONE_COLUMN = (
    "the export's first line must be a header naming the phone column ("
    + ", ".join(PHONE_COLUMNS)
    + "); see docs/do-not-call.md"
)


def _first_of(wanted: tuple[str, ...], names: list[str]) -> int | None:
    for name in wanted:
        if name in names:
            return names.index(name)
    return None


def _column_name(field: str) -> str:
    """``" Data de Inclusão "`` -> ``data_de_inclusao``, then the words ``de``/``da`` dropped:
    ``data_inclusao``."""
    plain = unicodedata.normalize("NFKD", field.strip().strip('"').strip().lower())
    ascii_only = "".join(char for char in plain if not unicodedata.combining(char))
    words = ascii_only.replace("-", " ").replace("_", " ").split()
    return "_".join(word for word in words if word not in {"de", "da", "do"})
