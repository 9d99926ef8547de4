"""The Dask path (LocalCluster, 2 workers) gives the local path's results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

import mccredit
from mccredit.batch import run_batch

from .conftest import AS_OF, generate_roster

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as c:
        yield c.scheduler_address


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("roster") / "tn"
    return generate_roster(out, educators=300, seed=3, jurisdiction="us-tn", bad_rate=0.01)


@pytest.mark.parametrize("jid", ["us-tn", "us-tx"])
def test_dask_equals_local(
    rules: mccredit.RuleSet, cluster: str, generated: Path, tmp_path: Path, jid: str
) -> None:
    kw = {"rules": rules, "jurisdiction": jid, "as_of": AS_OF}
    loc = run_batch(
        generated,
        out=tmp_path / "local.parquet",
        ledger_out=tmp_path / "local.ledger.parquet",
        **kw,
    )  # type: ignore[arg-type]
    dsk = run_batch(
        generated,
        out=tmp_path / "dask.parquet",
        ledger_out=tmp_path / "dask.ledger.parquet",
        engine="dask",
        scheduler=cluster,
        partitions=3,
        **kw,
    )  # type: ignore[arg-type]
    key = ["educator_id", "license_issued", "license_type", "license_id"]
    a = pl.read_parquet(tmp_path / "local.parquet").sort(key, nulls_last=True)
    b = pl.read_parquet(tmp_path / "dask.parquet").sort(key, nulls_last=True)
    assert a.height > 300 and a.equals(b)
    lk = ["educator_id", "date", "credential", "rule", "unit"]
    la = pl.read_parquet(tmp_path / "local.ledger.parquet").sort(lk)
    lb = pl.read_parquet(tmp_path / "dask.ledger.parquet").sort(lk)
    assert la.equals(lb)
    ra = pl.read_csv(tmp_path / "local.rejects.csv").sort("table", "row")
    rb = pl.read_csv(tmp_path / "dask.rejects.csv").sort("table", "row")
    assert ra.height > 0 and ra.equals(rb)
    wk = ["educator_id", "credential", "code", "row"]
    wa = pl.read_parquet(tmp_path / "local.warnings.parquet").sort(wk, nulls_last=True)
    wb = pl.read_parquet(tmp_path / "dask.warnings.parquet").sort(wk, nulls_last=True)
    assert wa.equals(wb)
    assert loc.stats.educators == dsk.stats.educators
    assert loc.exit_code == dsk.exit_code == 1
    assert not list(tmp_path.glob(".*parts"))  # partition files cleaned up


@pytest.fixture
def dashboard_port_taken() -> Iterator[None]:
    """Something else listening on Dask's default dashboard port (8787: a notebook's cluster,
    another run): held by the test, or already by another process (the case itself)."""
    import errno
    import socket

    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past connections' TIME_WAIT
    try:
        s.bind(("0.0.0.0", 8787))
    except OSError as e:
        s.close()
        if e.errno != errno.EADDRINUSE:
            pytest.skip(f"port 8787 cannot be had for the test: {e}")
        yield  # another process holds it: the case the test is about
        return
    s.listen()
    try:
        yield
    finally:
        s.close()


def test_dask_without_a_scheduler_runs_while_the_dashboard_port_is_taken(
    rules: mccredit.RuleSet, generated: Path, tmp_path: Path, dashboard_port_taken: None
) -> None:
    """`--engine dask` without `--scheduler` starts its own LocalCluster: with 8787 taken it
    used to warn 'Port 8787 is already in use' (an error under this suite's warning filter,
    and noise on a user's terminal); its dashboard now takes a free port."""
    s = run_batch(
        generated,
        rules=rules,
        jurisdiction="us-tn",
        as_of=AS_OF,
        out=tmp_path / "dask.parquet",
        engine="dask",
        partitions=2,
    )
    assert s.stats.educators == 300
    assert pl.read_parquet(tmp_path / "dask.parquet").height > 300
