"""``./dev`` on a first run: one line per setup step, pip quiet when the output is not a terminal.

A stand-in interpreter records how it is called, so the test takes a second, not a real install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Creates the venv's python as a copy of itself for ``-m venv DIR``; logs every call except the
# version probe, which it answers with FAKE_VERSION (3.13 unless told).
FAKE_PYTHON = """#!/usr/bin/env bash
if [ "$1" = "-c" ]; then
    echo "${FAKE_VERSION:-3.13}"
    exit 0
fi
echo "$*" >> "$FAKE_LOG"
if [ "$1 $2" = "-m venv" ]; then
    mkdir -p "$3/bin" && cp "$0" "$3/bin/python"
fi
"""


def _project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dev", "requirements.txt", "requirements-dev.txt"):
        shutil.copy2(ROOT / name, project / name)
    python = tmp_path / "python3"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    log = tmp_path / "calls.log"
    env = {**os.environ, "PYTHON": str(python), "FAKE_LOG": str(log)}
    return project, env


def _dev(
    project: Path, env: dict[str, str], *arguments: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the project's own script
        ["bash", str(project / "dev"), *arguments],  # noqa: S607 - bash from PATH, as a user runs it
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=check,
    )


def test_the_first_run_says_what_it_does_and_keeps_pip_quiet_off_a_terminal(
    tmp_path: Path,
) -> None:
    project, env = _project(tmp_path)
    first = _dev(project, env, "demo", "--events", "10")
    steps = first.stderr.splitlines()
    assert [line.split(" (")[0] for line in steps[:3]] == [
        f"./dev: creating the virtual environment .venv with {env['PYTHON']}",
        "./dev: upgrading pip",
        "./dev: installing requirements-dev.txt",
    ]
    assert steps[3].startswith("./dev: environment ready in ")
    assert len(steps) == 4
    calls = Path(env["FAKE_LOG"]).read_text().splitlines()
    pip_calls = [call for call in calls if call.startswith("-m pip install")]
    assert len(pip_calls) == 2
    assert all("--quiet" in call and "--progress-bar off" in call for call in pip_calls)
    assert calls[-1] == "-m demo --events 10"


def test_a_second_run_prints_nothing_of_its_own(tmp_path: Path) -> None:
    project, env = _project(tmp_path)
    _dev(project, env, "demo")
    again = _dev(project, env, "demo")
    assert again.stderr == ""


def test_an_interpreter_that_is_not_3_13_is_refused_by_name(tmp_path: Path) -> None:
    project, env = _project(tmp_path)
    refused = _dev(project, {**env, "FAKE_VERSION": "3.11"}, "demo", check=False)
    assert refused.returncode != 0
    assert f"PYTHON={env['PYTHON']} is not Python 3.13" in refused.stderr
    assert not (project / ".venv").exists()


def test_a_venv_of_another_python_is_replaced(tmp_path: Path) -> None:
    project, env = _project(tmp_path)
    _dev(project, {**env, "FAKE_VERSION": "3.13"}, "demo")
    old = project / ".venv" / "bin" / "python"
    old.write_text(FAKE_PYTHON.replace("${FAKE_VERSION:-3.13}", "3.11"))
    again = _dev(project, env, "demo")
    assert again.stderr.splitlines()[0] == (
        "./dev: replacing .venv: it has Python 3.11, the app needs 3.13"
    )
    assert "3.11" not in old.read_text()
