"""The Kafka side of the stream kernel: trigger batches, bindings, dead letters, telemetry."""
