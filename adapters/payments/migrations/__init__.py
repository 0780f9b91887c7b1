"""The payment processor's migration stream: one folder of numbered ``.sql`` files per engine."""
