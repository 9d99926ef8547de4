"""The Dask cluster `--engine dask` starts when no `--scheduler` is given: a LocalCluster (two
worker processes) in a process of its own session.

A terminal's Ctrl-C (SIGINT) goes to its whole foreground process group. With the cluster in
the batch's own process, its worker processes got it too: each printed a KeyboardInterrupt
traceback (while importing, or running a partition), the nannies logged their deaths, and a
Ctrl-C while they started ended the run in distributed's "Nanny failed to start" (58 to 208
lines on the terminal, exit 1). In a session of its own (`start_new_session`) the cluster
hears no terminal: the batch alone takes the Ctrl-C (exit 130, one line) and stops the
cluster.

The cluster process prints its scheduler's address, then waits for its standard input to
close: the batch closing it when its run ends, or the batch's own end however it comes (even
SIGKILL: the pipe closes with the process), shuts the cluster down. A batch that stops on an
error or a Ctrl-C does not wait for that: it ends the cluster's session at once (SIGTERM, then
SIGKILL). The cluster's logs go to a temporary file without a name (nothing is left behind,
even by a batch killed outright); when the cluster cannot start, its last line is the error's.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from typing import IO

from ..errors import ClusterError

__all__ = ["Starting", "local_cluster"]

START_SECONDS = 180.0
"""How long the cluster may take to start (two worker processes importing mccredit)."""
STOP_SECONDS = 30.0
"""How long a cluster whose run ended may take to shut down before it is killed."""


_CHILD = """
import logging, os, sys

address = os.fdopen(os.dup(1), "w")  # the pipe the batch reads the address from; what the
os.dup2(2, 1)  # cluster and its workers print goes to the log (a full pipe would stop them)
from distributed import LocalCluster

with LocalCluster(
    n_workers=int(sys.argv[1]),
    threads_per_worker=1,
    processes=True,
    dashboard_address=":0",
    silence_logs=logging.ERROR,
) as cluster:
    address.write(cluster.scheduler_address + "\\n")
    address.close()
    sys.stdin.buffer.read()  # until the batch closes it, or ends
"""
"""The cluster's process: distributed alone (not mccredit: that is for the workers to import,
when the first task arrives), so it starts while the batch partitions the roster. Run with
`-P`: the batch's working directory is not on its path (nor its workers'), so a file there
named like a module it imports cannot stand in for it."""


class Starting:
    """A cluster being started; `address()` waits until its scheduler listens."""

    def __init__(self, proc: subprocess.Popen[bytes], log: IO[bytes]) -> None:
        self.proc, self.log = proc, log
        self._address: str | None = None

    def address(self) -> str:
        if self._address is None:
            self._address = _address(self.proc, self.log)
        return self._address


@contextlib.contextmanager
def local_cluster(workers: int = 2) -> Iterator[Starting]:
    """Start a LocalCluster of `workers` processes in its own session (see the module doc);
    stop it when the block ends."""
    with tempfile.TemporaryFile(prefix="mccredit-dask-", suffix=".log") as log:  # no name
        proc = subprocess.Popen(
            [sys.executable, "-P", "-c", _CHILD, str(workers)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            start_new_session=os.name == "posix",
        )
        ok = False
        try:
            yield Starting(proc, log)
            ok = True
        finally:
            _stop(proc, graceful=ok)


def _address(proc: subprocess.Popen[bytes], log: IO[bytes]) -> str:
    assert proc.stdout is not None
    if os.name == "posix":
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            if not sel.select(START_SECONDS):
                raise ClusterError(f"the local Dask cluster did not start in {START_SECONDS:.0f} s")
    line = proc.stdout.readline().decode("utf-8", "replace").strip()
    if not line.startswith(("tcp://", "inproc://", "tls://")):
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(STOP_SECONDS)
        log.seek(0)
        lines = log.read().decode("utf-8", "replace").strip().splitlines()
        last = lines[-1] if lines else f"exit code {proc.returncode}"
        raise ClusterError(f"the local Dask cluster did not start: {last}")
    return line


def _stop(proc: subprocess.Popen[bytes], *, graceful: bool) -> None:
    """Close the cluster's standard input (it shuts down); wait for it when `graceful`, else
    (or if it takes too long) end its session's processes."""
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    if graceful:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(STOP_SECONDS)
    for sig in (signal.SIGTERM, signal.SIGKILL if os.name == "posix" else signal.SIGTERM):
        if proc.poll() is not None:
            break
        _signal_session(proc, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
    if proc.poll() is None:  # pragma: no cover - a process SIGKILL did not end
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def _signal_session(proc: subprocess.Popen[bytes], sig: int) -> None:
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)  # its own process group: the workers too
    else:  # pragma: no cover - not POSIX
        proc.send_signal(sig)
