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


# `mccredit batch --engine dask` in a process group of its own, as a terminal runs a command
# (SIGINT's disposition explicit: a shell may start the suite with it ignored)
_CTRL_C_CHILD = (
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from mccredit.cli import main; main()"
)


def _marked(mark: str) -> list[int]:
    """The processes whose environment carries `mark` (the run and all it started)."""
    out = []
    for env in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"MCCREDIT_TEST_RUN={mark}".encode() in env.read_bytes().split(b"\0"):
                out.append(int(env.parent.name))
        except OSError:
            continue
    return out


@pytest.fixture(scope="module")
def larger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("roster") / "tn"
    return generate_roster(out, educators=20000, seed=4, jurisdiction="us-tn", bad_rate=0)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
@pytest.mark.parametrize("when", ["starting", "running"])
def test_ctrl_c_stops_a_dask_run_with_one_line_and_leaves_nothing(
    larger: Path, tmp_path: Path, when: str
) -> None:
    """A terminal's Ctrl-C goes to its whole process group. The LocalCluster's workers, in
    the run's own group, each printed a KeyboardInterrupt traceback and the run ended in
    distributed's "Nanny failed to start" (58-208 lines, exit 1) or in the nannies' logs.
    Now the cluster runs in a session of its own: the run stops as any interrupted run, with
    one line and exit code 130, and leaves no output, partition files or process behind.
    `starting`: while the cluster starts (the partitions are written first); `running`: once
    its two workers are up, partitions being evaluated."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import uuid

    mark = uuid.uuid4().hex
    out = tmp_path / "out" / "results.parquet"
    args = ["batch", str(larger), "-j", "us-tn", "--as-of", "2026-06-30", "--out", str(out)]
    args += ["--engine", "dask", "--partitions", "8", "-q"]
    proc = subprocess.Popen(
        [sys.executable, "-c", _CTRL_C_CHILD, *args],
        env={**os.environ, "MCCREDIT_TEST_RUN": mark},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        parts = out.parent / f".{out.name}.parts"
        while time.monotonic() < deadline and proc.poll() is None:
            # running: the run, the cluster, its two workers and multiprocessing's tracker
            if parts.exists() and (when == "starting" or len(_marked(mark)) >= 5):
                break
            time.sleep(0.01)
        if when == "running":
            time.sleep(0.5)
        assert proc.poll() is None, "the run ended before the Ctrl-C: a larger roster is needed"
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, stderr
    assert stderr.splitlines() == ["interrupted: no output was written (previous files are kept)"]
    assert stdout == ""
    assert not parts.exists()
    assert not out.parent.exists() or not list(out.parent.iterdir())
    for _ in range(100):  # the cluster's session is ended before the run exits; reaped soon
        if not _marked(mark):
            break
        time.sleep(0.05)
    assert not _marked(mark)


def test_a_cluster_that_cannot_start_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its last log line is the error (the CLI prints it as one line, exit 2)."""
    from mccredit.batch import _cluster
    from mccredit.errors import ClusterError

    child = "import sys; sys.stderr.write('distributed: no such module\\n'); sys.exit(3)"
    monkeypatch.setattr(_cluster, "_CHILD", child)
    with pytest.raises(ClusterError, match=r"did not start: distributed: no such module$"):
        with _cluster.local_cluster(2) as starting:
            starting.address()


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_a_batch_killed_outright_leaves_no_cluster_behind() -> None:
    """The cluster shuts down when its standard input closes: with the batch's process, even
    one killed by SIGKILL (no cleanup of its own runs)."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import uuid

    mark = uuid.uuid4().hex
    code = (
        "from mccredit.batch._cluster import local_cluster\n"
        "import time\n"
        "with local_cluster(2) as s:\n"
        "    print(s.address(), flush=True)\n"
        "    time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, "MCCREDIT_TEST_RUN": mark},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("tcp://")
        assert len(_marked(mark)) >= 4  # the batch, the cluster and its two workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        for _ in range(600):
            if not _marked(mark):
                break
            time.sleep(0.05)
        assert not _marked(mark)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for pid in _marked(mark):  # pragma: no cover - only where the test failed
            os.kill(pid, signal.SIGKILL)
