"""Whole rosters at once: chunked CSV/Parquet reading, columnar evaluation with a
per-educator fallback, atomic outputs, and the same computation on Dask (docs/BATCH.md)."""

# Names load on first use (see mccredit._lazy).
from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

if TYPE_CHECKING:
    from ._chunk import ChunkOut, Stats, process_chunk, results_schema
    from ._compile import ColumnarPlan, compile_columnar
    from ._roster import Roster, RosterError, open_roster
    from ._runner import BatchSummary, run_batch

_WHERE = {
    "ChunkOut": "_chunk",
    "Stats": "_chunk",
    "process_chunk": "_chunk",
    "results_schema": "_chunk",
    "ColumnarPlan": "_compile",
    "compile_columnar": "_compile",
    "Roster": "_roster",
    "RosterError": "_roster",
    "open_roster": "_roster",
    "BatchSummary": "_runner",
    "run_batch": "_runner",
}


__getattr__ = lazy_getattr(__name__, _WHERE)


__all__ = [
    "BatchSummary",
    "ChunkOut",
    "ColumnarPlan",
    "Roster",
    "RosterError",
    "Stats",
    "compile_columnar",
    "open_roster",
    "process_chunk",
    "results_schema",
    "run_batch",
]
