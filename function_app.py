"""Azure Functions entry point: registers each consumer's functions, nothing else.

* ``project_customers`` (``adapters/customers/function.py``): customer changes into Bank 2's
  telesales contacts (always).
* ``process_transactions`` (``adapters/payments/function.py``): card transactions decided, stored
  and answered (when ``KAFKA_TRANSACTIONS_TOPIC`` is set).
* ``submit_transaction``, ``list_transactions``, ``get_transaction``, ``gateway_panel``
  (``adapters/gateway/function.py``): the payment gateway's HTTP intake, status and panel (when
  ``GATEWAY_FINGERPRINT_KEY`` is set).

The broker and its security come from app settings, read here once when the worker indexes the
app; each consumer is built on its function's first batch (``adapters/bootstrap.py``).
"""

from __future__ import annotations

import azure.functions as func

from adapters.customers import function as customers
from adapters.settings import gateway_enabled, payments_enabled
from adapters.stream.bindings import KafkaBindings

app = func.FunctionApp()
kafka = KafkaBindings.from_environment()
app.register_functions(customers.blueprint(kafka))
if payments_enabled():
    # Imported only where it is registered: a customer-only app never loads the payment code.
    from adapters.payments import function as payments

    app.register_functions(payments.blueprint(kafka))
if gateway_enabled():
    from adapters.gateway import function as gateway

    app.register_functions(gateway.blueprint(kafka))
