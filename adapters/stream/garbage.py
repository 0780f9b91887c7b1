"""The worker's long-lived objects, kept out of the garbage collector's full passes.

A full collection walks every tracked object of the process: the modules of the worker, of
``azure-functions``, msgspec, phonenumbers' metadata, the database driver, OpenTelemetry.
Hundreds of thousands of objects that live as long as the worker, walked again each time the
newer ones pile up: a pause of tens of milliseconds inside a batch. Once the first function's
composition root is built, on its first batch, nearly all of them exist, so they are frozen
(with that batch's own objects, once): full collections then walk only what came after. A
database driver imported a moment later, at the first connection, or the other function's
collaborators stay in the collector's view, a small part of the whole.
"""

from __future__ import annotations

import gc
from functools import cache


@cache
def freeze_long_lived_objects() -> None:
    """Freeze the objects alive now; only the first call does anything."""
    # Collect first: cyclic garbage left by the imports would otherwise stay forever.
    gc.collect()
    gc.freeze()
