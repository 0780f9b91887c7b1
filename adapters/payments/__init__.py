"""The payment processor's adapters: its message format, its store, its answers, its function."""
