"""The customer projection's adapters: its message formats, its store, its function."""
