"""The per-educator path on worker processes gives the serial path's outputs byte for byte."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import mccredit
from mccredit.batch import run_batch
from mccredit.batch._compile import compile_columnar
from mccredit.batch._pool import MIN_PARALLEL, FallbackPool
from mccredit.evaluation import plan_for

from .conftest import AS_OF, generate_roster


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("roster") / "nc"
    return generate_roster(out, educators=400, seed=5, jurisdiction="us-nc", bad_rate=0.01)


def test_workers_give_the_serial_outputs(
    rules: mccredit.RuleSet, roster: Path, tmp_path: Path
) -> None:
    runs = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        runs[workers] = run_batch(
            roster,
            rules=rules,
            jurisdiction="us-nc",
            as_of=AS_OF,
            out=out / "results.parquet",
            ledger_out=out / "ledger.parquet",
            engine="reference",  # everyone per educator: the pool carries the whole roster
            workers=workers,
        )
    assert runs[1].stats.fallback == runs[2].stats.fallback >= MIN_PARALLEL
    assert runs[1].stats == runs[2].stats
    for name in ("results.parquet", "results.warnings.parquet", "ledger.parquet"):
        a = pl.read_parquet(tmp_path / "w1" / name)
        b = pl.read_parquet(tmp_path / "w2" / name)
        assert a.height > 0
        assert a.equals(b), name  # same rows in the same order
    rejects = "results.rejects.csv"
    assert (tmp_path / "w1" / rejects).read_bytes() == (tmp_path / "w2" / rejects).read_bytes()


def test_slices_share_the_work() -> None:
    cp = compile_columnar(plan_for(mccredit.default_rules(), "us-nc", AS_OF))
    assert FallbackPool(cp, 1).slice_size(5000, 1000) == 1000
    assert FallbackPool(cp, 2).slice_size(MIN_PARALLEL - 1, 1000) == 1000
    assert FallbackPool(cp, 2).slice_size(2000, 1000) == 500  # two slices per worker
    assert FallbackPool(cp, 2).slice_size(400, 1000) == 100


def test_workers_leave_ctrl_c_to_the_batch() -> None:
    """Review 2026-12-04: a terminal's Ctrl-C reaches the worker processes too (one process
    group), and each printed a KeyboardInterrupt traceback while the batch itself stopped
    cleanly. Workers ignore SIGINT; the batch shuts them down."""
    import signal

    cp = compile_columnar(plan_for(mccredit.default_rules(), "us-tn", AS_OF))
    with FallbackPool(cp, 1) as pool:
        ex = pool._executor()
        assert ex.submit(signal.getsignal, signal.SIGINT).result(120) == signal.SIG_IGN
