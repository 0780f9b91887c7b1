"""The do-not-call store on every backend: the in-memory reference and each real engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.customers.do_not_call.support import BACKENDS, Backend, backend_on


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    with backend_on(request.param, tmp_path) as found:
        yield found
