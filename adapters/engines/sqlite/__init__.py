"""SQLite, through the standard library: the embedded default for local runs and tests.

``engine`` connects and classifies errors (``errors``); ``session`` declares its migration
capabilities. Nothing here is imported unless a URL names SQLite (``adapters.engines.registry``).
"""
