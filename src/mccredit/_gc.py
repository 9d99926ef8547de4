"""`paused_gc`: the cyclic garbage collector paused around a bulk job of the main thread.

Loading a roster into typed educators, evaluating a district educator by educator, or
projecting a workforce allocates millions of small objects that stay alive until the job ends
(models, rows, ledger entries). Each allocation burst triggers a collection, and the
collections of the older generations scan everything alive again and again: on generated
rosters a third of the batch fallback's loop, about 60% of reading a costing roster and 20%
of the projection (issue 14). Reference counting still frees every acyclic object at once;
the collector runs again when the job ends, so cycles made meanwhile are collected then.

Only the main thread pauses it: the collector is global to the process, and a job running in
a server's worker thread (the API's scenario runs) must not pause it for the requests served
meanwhile. Nested pauses are one pause: the outermost restores the collector.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic collector paused for the block, when called from the main thread."""
    if threading.current_thread() is not threading.main_thread() or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
