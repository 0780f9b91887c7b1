"""A failing batch must give up within the Kafka consumer's max.poll.interval.ms.

While an invocation and its host-level retries run, the extension does not poll Kafka; past
``maxPollIntervalMs`` the broker evicts the consumer and rebalances. Nothing is lost then (the
offsets were not committed), but every instance pays for the rebalance. So the worst case of one
failing batch is added up from the real settings: the host's retry policy, the in-invocation
retry budget, and the longest an attempt can hang before an engine's timeout fires.
"""

from __future__ import annotations

import json
from pathlib import Path

import function_app
from adapters.bootstrap import BANK2_RETRY
from adapters.engines.engine import ATTEMPT_STALL_S
from demo.functions_host import indexed_functions

ROOT = Path(__file__).resolve().parents[2]
SAFETY = 0.9


def _seconds(hh_mm_ss: str) -> int:
    hours, minutes, seconds = (int(part) for part in hh_mm_ss.split(":"))
    return hours * 3600 + minutes * 60 + seconds


def test_a_failing_batch_gives_up_inside_the_max_poll_interval() -> None:
    (function,) = [
        f
        for f in indexed_functions(function_app.app)
        if f.get_function_name() == "project_customers"
    ]
    retry = function.get_settings_dict("retry_policy")
    assert retry is not None
    invocations = int(retry["max_retry_count"]) + 1
    delay, ceiling = _seconds(retry["minimum_interval"]), _seconds(retry["maximum_interval"])
    host_delays = 0
    for _ in range(invocations - 1):
        host_delays += min(delay, ceiling)
        delay *= 2

    # The budget is checked before each sleep, so one attempt may still start at its very end.
    one_invocation = BANK2_RETRY.budget_s + ATTEMPT_STALL_S
    worst_case = invocations * one_invocation + host_delays

    host = json.loads((ROOT / "host.json").read_text())
    max_poll_interval_s = host["extensions"]["kafka"]["maxPollIntervalMs"] / 1000
    assert worst_case <= SAFETY * max_poll_interval_s, (worst_case, max_poll_interval_s)
