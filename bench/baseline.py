"""The code before a change, checked out beside this one, so that one benchmark run measures both.

``Baseline`` adds a detached ``git worktree`` of a pinned commit inside the run's work folder and
removes it afterwards; the benchmark runs that tree's own ``bench.run`` with the same interpreter,
spool and configuration as this tree's, by turns (``python -m bench --baseline <commit>``). The
default commit is the last one before issue 16 ("Performance"), whose figures the issue quotes.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import TracebackType
from typing import Self

# main before issue 16: "Performance page: the LGPD records' statements per batch".
BEFORE_ISSUE_16 = "e6ac9df88e9e67b0752abf3c660931cae0199120"


class BaselineUnavailableError(Exception):
    """No git, no repository, or no such commit: the run goes on without the baseline."""


class Baseline:
    """A detached worktree of ``commit`` under ``folder``, for the length of a ``with`` block."""

    def __init__(self, root: Path, commit: str, folder: Path) -> None:
        self.root = root
        self.commit = commit
        self.path = folder / "baseline"

    def __enter__(self) -> Self:
        git = shutil.which("git")
        if git is None:
            raise BaselineUnavailableError("git is not installed")
        added = subprocess.run(  # noqa: S603 - git, with our own arguments
            [git, "-C", str(self.root), "worktree", "add", "--detach", str(self.path), self.commit],
            capture_output=True,
            text=True,
            check=False,
        )
        if added.returncode != 0:
            reason = added.stderr.strip().splitlines()[-1:] or ["git worktree add failed"]
            raise BaselineUnavailableError(reason[0])
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        git = shutil.which("git") or "git"
        subprocess.run(  # noqa: S603 - git, with our own arguments
            [git, "-C", str(self.root), "worktree", "remove", "--force", str(self.path)],
            capture_output=True,
            check=False,
        )
