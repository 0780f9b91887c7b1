"""The Azure Functions of this app: each module registers one function on the app.

A function's body decodes its batch, calls its application service, and hands the results to its
output bindings; its registration reads the binding settings. Collaborators are built on the
first batch (``functools.cache``) and reused by the worker for every batch after it.
"""
