"""The benchmark: ``python -m bench`` (see docs/performance.md and docs/capacity.md).

Realistic events from the demo's generator go through the real code path (the host's batch
decoded by ``KafkaTriggerConverter``, ``function_app``'s function, the service, the Bank 2
adapter) and, on the same events in the same process, through a naive per-message consumer.
Each configuration runs in its own process, so that its peak RSS is its own.
"""
