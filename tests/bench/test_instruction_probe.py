"""The instruction counter's probes read the stream as the benchmark does, under valgrind or not.

``python -m bench.instructions`` runs each probe under valgrind; here each one runs bare on a
few events (the count itself is valgrind's): the function and the floor read every event of
the batches built for them, the empty probe none, and each removes its Bank 2.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import spool
from bench.instructions import CONSUMERS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("instructions") / "customers.spool"
    spool.write(path, spool.Workload(customers=50, partitions=2, seed=7), 600)
    return path


@pytest.mark.parametrize("consumer", CONSUMERS)
def test_each_probe_reads_the_stream_and_leaves_nothing_behind(
    consumer: str, stream: Path, tmp_path: Path
) -> None:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.instructions", "--probe", consumer, str(stream), "600"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path)},
    )

    assert completed.returncode == 0, completed.stderr[-2000:]
    read = 0 if consumer == "none" else 600
    assert completed.stdout.strip() == f"{consumer} read {read} events"
    assert list(tmp_path.iterdir()) == []  # its Bank 2s were removed


def test_a_run_without_valgrind_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import instructions  # noqa: PLC0415

    monkeypatch.setattr(shutil, "which", lambda name: None)

    assert instructions.main([]) == 1
