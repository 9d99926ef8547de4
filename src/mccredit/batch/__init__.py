"""Whole rosters at once: chunked CSV/Parquet reading, columnar evaluation with a
per-educator fallback, atomic outputs, and the same computation on Dask (docs/BATCH.md)."""

from ._chunk import ChunkOut, Stats, process_chunk, results_schema
from ._compile import ColumnarPlan, compile_columnar
from ._educators import roster_educators
from ._roster import Roster, RosterError, open_roster
from ._runner import BatchSummary, run_batch

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
    "roster_educators",
    "run_batch",
]
