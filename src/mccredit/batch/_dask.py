"""The distributed path: the same `process_chunk` on Dask workers.

1. The roster is cut into `P` hash partitions of `educator_id` (`hash_chunks`, so every
   educator's rows land in one partition), written as Parquet files
   `<out>.parts/<table>/part-NNNNN.parquet` next to the output, keeping each row's number
   in its original file. On a real cluster that folder must be on storage every worker reads
   (a shared filesystem; an object store through fsspec works the same way).
2. `dask.dataframe.read_parquet` reads each table with one partition per file, and
   `dask.dataframe.map_partitions` zips the three tables partition by partition into
   `process_chunk`, with the compiled plan shipped to every worker once.
3. Each partition returns its output tables as Arrow IPC bytes; the client writes them in
   partition order through the same atomic writers as the local path, so results are
   identical (row order: by partition, then educator id).

`scheduler`: a Dask scheduler address (`tcp://host:8786`); without one, a `LocalCluster`
with two workers is started for the run, in a process of its own session (`_cluster`: a
terminal's Ctrl-C reaches the batch alone).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd  # type: ignore[import-untyped]
import polars as pl
import pyarrow as pa

from ._chunk import ChunkOut, Stats, process_chunk
from ._compile import ColumnarPlan
from ._roster import Chunk, Roster, hash_chunks, hash_parts

__all__ = ["dask_chunks", "partition_roster"]

_TABLES = ("educators", "credentials", "evaluations")
_OUTS = ("results", "warnings", "ledger", "rejects")


def partition_roster(roster: Roster, folder: Path, parts: int) -> dict[str, list[str]]:
    """Write `parts` hash partitions of every table; return the files per table."""
    if folder.exists():
        shutil.rmtree(folder)
    files: dict[str, list[str]] = {t: [] for t in _TABLES}
    for t in _TABLES:
        (folder / t).mkdir(parents=True)
    for k, ch in enumerate(hash_chunks(roster, parts)):
        for t, df in (
            ("educators", ch.educators),
            ("credentials", ch.credentials),
            ("evaluations", ch.evaluations),
        ):
            if df is None:
                df = pl.DataFrame(
                    schema={"educator_id": pl.String, "_row": pl.Int64, "_key": pl.String}
                )
            p = folder / t / f"part-{k:05d}.parquet"
            # a partition with no rows still carries a row, so every file is a partition
            df.with_columns(pl.lit(False).alias("_pad")).vstack(_pad_row(df)).write_parquet(p)
            files[t].append(str(p))
    return files


def _pad_row(df: pl.DataFrame) -> pl.DataFrame:
    pad = pl.DataFrame({c: [None] for c in df.columns}, schema=df.schema)
    return pad.with_columns(pl.lit(True).alias("_pad"))


def _to_polars(pdf: pd.DataFrame) -> pl.DataFrame | None:
    table = pa.Table.from_pandas(pdf, preserve_index=False)
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    df = df.filter(~pl.col("_pad")).drop("_pad")
    return df if df.height else None


def _ipc(t: pa.Table | None) -> bytes | None:
    if t is None:
        return None
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, t.schema) as w:
        w.write_table(t)
    return bytes(sink.getvalue().to_pybytes())


def _from_ipc(b: bytes | None) -> pa.Table | None:
    if b is None:
        return None
    return pa.ipc.open_stream(pa.py_buffer(b)).read_all()


def evaluate_partition(
    edu: pd.DataFrame,
    cred: pd.DataFrame,
    evals: pd.DataFrame,
    *,
    cp: ColumnarPlan,
    files: dict[str, str],
    with_ledger: bool,
    single: bool = False,
) -> pd.DataFrame:
    """One Parquet partition of each table → one row of Arrow IPC outputs and stats."""
    e = _to_polars(edu)
    ch = Chunk(
        e if e is not None else pl.DataFrame(schema={"educator_id": pl.String, "_row": pl.Int64}),
        _to_polars(cred),
        _to_polars(evals),
    )
    ch.single = single
    co = process_chunk(cp, ch, files=files, mode="vector", with_ledger=with_ledger)
    row: dict[str, Any] = {
        "results": _ipc(co.results),
        "warnings": _ipc(co.warnings),
        "ledger": _ipc(co.ledger),
        "rejects": _ipc(co.rejects),
        "stats": [co.stats],
    }
    return pd.DataFrame({k: [v] if k != "stats" else v for k, v in row.items()})


def _meta() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in (*_OUTS, "stats")})


def dask_chunks(
    roster: Roster,
    cp: ColumnarPlan,
    *,
    files: dict[str, str],
    with_ledger: bool,
    scheduler: str | None,
    partitions: int | None,
    work: Path | None = None,
) -> Iterator[ChunkOut]:
    import dask
    import dask.dataframe as dd
    from distributed import Client

    from ._cluster import local_cluster

    parts = partitions or max(2, hash_parts(roster, 500_000))
    folder = work or roster.root / ".mccredit-parts"
    try:
        with contextlib.ExitStack() as stack:
            # without a scheduler, a cluster in a session of its own (`_cluster`), starting
            # while the roster is partitioned
            starting = None if scheduler else stack.enter_context(local_cluster(2))
            paths = partition_roster(roster, folder, parts)
            address = starting.address() if starting is not None else scheduler
            client = stack.enter_context(Client(address))  # type: ignore[no-untyped-call]
            stack.enter_context(dask.config.set({"dataframe.convert-string": False}))
            tables = [
                dd.read_parquet(paths[t], dtype_backend="pyarrow", split_row_groups=False)
                for t in _TABLES
            ]
            out = dd.map_partitions(  # type: ignore[no-untyped-call]
                evaluate_partition,
                *tables,
                cp=cp,
                files=files,
                with_ledger=with_ledger,
                single=roster.single,
                meta=_meta(),
                align_dataframes=False,
                enforce_metadata=False,
            )
            futures = client.compute(out.to_delayed())
            for fut in futures:
                pdf = fut.result()
                fut.release()
                r = pdf.iloc[0]
                results = _from_ipc(r["results"])
                warnings = _from_ipc(r["warnings"])
                rejects = _from_ipc(r["rejects"])
                assert results is not None and warnings is not None and rejects is not None
                stats: Stats = r["stats"]
                yield ChunkOut(
                    results=results,
                    warnings=warnings,
                    ledger=_from_ipc(r["ledger"]),
                    rejects=rejects,
                    stats=stats,
                    results_frame=pl.DataFrame(),
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
