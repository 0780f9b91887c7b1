"""Adapters: message formats, Kafka records and the Bank 2 stores, at the edge of the service."""
