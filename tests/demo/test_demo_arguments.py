"""A wrong demo argument is a one-line argparse error with status 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo import payments
from demo.__main__ import main


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--events", "0"], "argument --events: must be at least 1, not 0"),
        (["--events", "-5"], "argument --events: must be at least 1, not -5"),
        (["--customers", "0"], "argument --customers: must be at least 1"),
        (["--batch-size", "0"], "argument --batch-size: must be at least 1"),
        (["--partitions", "0"], "argument --partitions: must be at least 1"),
        (["--events", "many"], "argument --events: 'many' is not a whole number"),
    ],
)
def test_a_count_below_one_is_refused_by_name(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*arguments, "--quiet"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_a_directory_as_bank2_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "keep.txt").write_text("kept")
    with pytest.raises(SystemExit) as exit_:
        main(["--bank2", str(tmp_path), "--events", "10", "--quiet"])
    assert exit_.value.code == 2
    assert f"argument --bank2: {tmp_path} is a directory" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "kept"


def test_a_bank2_under_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "plain").write_text("")
    with pytest.raises(SystemExit) as exit_:
        main(["--bank2", str(tmp_path / "plain" / "bank2.db"), "--quiet"])
    assert exit_.value.code == 2
    assert "is a file, so" in capsys.readouterr().err


def test_a_missing_folder_for_bank2_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo sets the app settings as the host would; put them back afterwards.
    for name in ("BANK2_URL", "KAFKA_CONSUMER_GROUP", "KAFKA_CUSTOMERS_TOPIC", "KAFKA_BROKER_LIST"):
        monkeypatch.setenv(name, "")
    bank2 = tmp_path / "new" / "folder" / "bank2.db"
    assert main(["--bank2", str(bank2), "--events", "200", "--customers", "20", "--quiet"]) == 0
    assert bank2.is_file()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--transactions", "0"], "argument --transactions: must be at least 1, not 0"),
        (["--batch-size", "0"], "argument --batch-size: must be at least 1"),
        (["--database", "."], "argument --database: . is a directory"),
    ],
)
def test_the_payments_demo_refuses_the_same_way(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        payments.main([*arguments, "--quiet"])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
