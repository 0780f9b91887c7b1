"""The demo: realistic Bank 1 customer traffic, run end to end through the function."""
