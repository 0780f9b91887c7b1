"""A list's CSV export as the command reads it: the accepted shapes, streamed line by line, bad
lines told by number and reason, never by content, and a file that changes mid-load refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from adapters.customers.do_not_call.export_file import (
    MAX_LINE_BYTES,
    ExportFile,
    ExportFormatError,
)
from domain.customers.do_not_call import BadLineReason
from service.customers.do_not_call import BadLine, ExportChangedError, ListLine


def read(path: Path) -> list[ListLine | BadLine]:
    return list(ExportFile(path).lines())


def test_a_brazilian_export_semicolons_bom_crlf_and_a_date_column(tmp_path: Path) -> None:
    path = tmp_path / "procon.csv"
    text = "\ufeffTelefone;Data de Inclusão\r\n(11) 98765-4321;15/03/2024\r\n1134567890;\r\n\r\n"
    path.write_bytes(text.encode())

    assert read(path) == [
        ListLine(2, "(11) 98765-4321", "15/03/2024"),
        ListLine(3, "1134567890", ""),  # the blank line 4 is skipped, not counted
    ]
    assert ExportFile(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_commas_quotes_other_columns_and_no_date(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text('id,"nome, completo",phone\n1,"Silva, Ana","+55 11 98765-4321"\n')

    assert read(path) == [ListLine(2, "+55 11 98765-4321", None)]


def test_an_area_code_in_its_own_column_is_put_before_the_number(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("DDD;NUMERO;DATA\n11;987654321;2024-01-02\n")

    assert read(path) == [ListLine(2, "11 987654321", "2024-01-02")]


def test_a_single_column_export(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("msisdn\n5511987654321\n")

    assert read(path) == [ListLine(2, "5511987654321", None)]


def test_lines_the_format_cannot_read_are_bad_lines_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(
        b"telefone;data\n"
        b"11987654321;2024-01-02\n"
        b"\xff\xfe11 98765-4321;\n"  # not UTF-8
        + b"1"
        * (MAX_LINE_BYTES * 3)  # far longer than any list's line
        + b"\n"
        b'"11987654321;2024-01-02\n'  # an unbalanced quote
        b"21998765432\n"  # no date field: no date
    )

    assert read(path) == [
        ListLine(2, "11987654321", "2024-01-02"),
        BadLine(3, BadLineReason.NOT_UTF8),
        BadLine(4, BadLineReason.TOO_LONG),
        BadLine(5, BadLineReason.MISSING_FIELD),
        ListLine(6, "21998765432", None),
    ]


def test_a_line_missing_the_phone_column_is_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("id;telefone\n17\n")

    assert read(path) == [BadLine(2, BadLineReason.MISSING_FIELD)]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\n11987654321\n",
        b"11987654321\n21998765432\n",  # no header: the first line is a phone
        b"nome;email\nAna;ana@example.com\n",
        b"\xff\xfetelefone\n",
    ],
)
def test_a_file_without_a_header_naming_the_phone_is_refused_without_quoting_it(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(content)

    with pytest.raises(ExportFormatError) as refused:
        read(path)

    message = str(refused.value)
    assert "987654321" not in message
    assert "ana" not in message.lower()
    assert refused.value.__cause__ is None
    assert refused.value.__context__ is None


def test_a_missing_file_is_refused_on_one_line(tmp_path: Path) -> None:
    with pytest.raises(ExportFormatError, match="cannot open the export file"):
        _ = ExportFile(tmp_path / "absent.csv").sha256


def test_a_file_that_changes_while_it_is_read_is_refused_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("telefone\n11987654321\n")
    export = ExportFile(path)
    _ = export.sha256
    path.write_text("telefone\n21998765432\n")

    lines = export.lines()
    assert next(lines) == ListLine(2, "21998765432", None)
    with pytest.raises(ExportChangedError, match="changed while it was being loaded"):
        next(lines)


def peak_bytes_reading(path: Path, lines: int) -> int:
    import tracemalloc  # noqa: PLC0415

    with path.open("w") as file:
        file.write("telefone\n")
        for n in range(lines):
            file.write(f"11{900_000_000 + n}\n")
    tracemalloc.start()
    try:
        assert sum(1 for _ in ExportFile(path).lines()) == lines
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_export_streams_in_memory_that_does_not_grow_with_its_size(tmp_path: Path) -> None:
    small = peak_bytes_reading(tmp_path / "small.csv", 100_000)
    large = peak_bytes_reading(tmp_path / "large.csv", 300_000)

    assert large < small + 100_000  # a line at a time (and the checksum's 1 MiB block)
