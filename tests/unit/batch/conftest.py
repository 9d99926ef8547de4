"""Fixtures and helpers for the batch tests: rosters from plain rows, both paths compared."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import mccredit
from mccredit.batch._chunk import ChunkOut, process_chunk
from mccredit.batch._columns import TABLES
from mccredit.batch._compile import ColumnarPlan, compile_columnar
from mccredit.batch._roster import Chunk
from mccredit.evaluation import plan_for

AS_OF = dt.date(2026, 6, 30)
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def rules() -> mccredit.RuleSet:
    return mccredit.default_rules()


def compiled(rules: mccredit.RuleSet, jid: str, as_of: dt.date = AS_OF) -> ColumnarPlan:
    return compile_columnar(plan_for(rules, jid, as_of))


def frame(rows: list[dict[str, Any]], columns: list[str]) -> pl.DataFrame:
    """Raw string-typed table (as a CSV would give), with `_row` and `_key`."""
    data = {c: [None if r.get(c) is None else str(r[c]) for r in rows] for c in columns}
    df = pl.DataFrame(data, schema=dict.fromkeys(columns, pl.String))
    return df.with_columns(
        pl.int_range(1, df.height + 1, dtype=pl.Int64).alias("_row"),
        pl.col("educator_id").alias("_key"),
    )


# the roster's own column lists (batch/_columns.py), so a column added there is tested here
EDU_COLS = [c.name for c in TABLES["educators"]]
CRED_COLS = [c.name for c in TABLES["credentials"]]
EVAL_COLS = [c.name for c in TABLES["evaluations"]]


def chunk_of(
    edu: list[dict[str, Any]], cred: list[dict[str, Any]], evals: list[dict[str, Any]]
) -> Chunk:
    return Chunk(frame(edu, EDU_COLS), frame(cred, CRED_COLS), frame(evals, EVAL_COLS))


FILES = {
    "educators": "educators.csv",
    "credentials": "credentials.csv",
    "evaluations": "evaluations.csv",
}


def both(cp: ColumnarPlan, chunk: Chunk) -> tuple[ChunkOut, ChunkOut]:
    v = process_chunk(cp, chunk, files=FILES, mode="vector", with_ledger=True)
    r = process_chunk(cp, chunk, files=FILES, mode="reference", with_ledger=True)
    return v, r


def assert_same(v: ChunkOut, r: ChunkOut) -> None:
    assert v.results.to_pylist() == r.results.to_pylist()
    key = ["educator_id", "credential", "code", "rule", "message", "file", "row"]
    wv = sorted(map(repr, v.warnings.select(key).to_pylist()))
    wr = sorted(map(repr, r.warnings.select(key).to_pylist()))
    assert wv == wr
    assert v.ledger is not None and r.ledger is not None
    assert v.ledger.to_pylist() == r.ledger.to_pylist()
    assert v.rejects.to_pylist() == r.rejects.to_pylist()


def generate_roster(out: Path, **kw: Any) -> Path:
    """A roster folder written by `benchmarks/roster.py`'s `generate` (keyword arguments
    as there: educators, seed, jurisdiction, bad_rate, ...)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("roster_gen", REPO / "benchmarks/roster.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.generate(out=out, **kw)
    return out


def write_roster(folder: Path, chunk: Chunk, fmt: str) -> Path:
    """Write a chunk's raw tables as a roster folder (CSV or Parquet)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, df in (
        ("educators", chunk.educators),
        ("credentials", chunk.credentials),
        ("evaluations", chunk.evaluations),
    ):
        assert df is not None
        df = df.drop("_row", "_key")
        if fmt == "csv":
            df.write_csv(folder / f"{name}.csv")
        else:
            df.write_parquet(folder / f"{name}.parquet")
    return folder
