"""Azure Functions entry point: the app and its Kafka-triggered functions.

* ``project_customers``: customer changes into Bank 2's telesales contacts (always).
* ``process_transactions``: card transactions decided, stored and answered (when
  ``KAFKA_TRANSACTIONS_TOPIC`` is set).

Each function lives in ``adapters/functions/``; the broker and its security come from app
settings, read here once when the worker indexes the app.
"""

from __future__ import annotations

import azure.functions as func

from adapters.customers import function as customers
from adapters.payments import function as payments
from adapters.settings import payments_enabled
from adapters.stream.bindings import KafkaBindings

# The composition roots, built on each function's first batch; tools and tests reset them.
customer_projection = customers.customer_projection
payment_processing = payments.payment_processing

app = func.FunctionApp()
kafka = KafkaBindings.from_environment()
customers.register(app, kafka)
if payments_enabled():
    payments.register(app, kafka)
