"""The payment gateway's application services: the intake, the status, and account secrets."""
