"""Rosters in CSV and Parquet, bad rows, unreadable files, unsorted rosters, atomic writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

import mccredit
from mccredit.batch import _roster as _roster_mod
from mccredit.batch import _runner, run_batch
from mccredit.cli import app

from .conftest import AS_OF, chunk_of, write_roster

EDU = [
    {
        "educator_id": "A1",
        "license_type": "professional",
        "license_issued": "2021-09-01",
        "license_expires": "2027-08-31",
    },
    {
        "educator_id": "A2",
        "license_type": "practitioner",
        "license_issued": "2023-08-01",
        "license_expires": "2026-07-31",
        "experience_years": "3",
    },
    {"educator_id": "A3"},
]
CRED = [
    {
        "educator_id": "A1",
        "credential_id": "c1",
        "kind": "micro_credential",
        "issuer": "digital-promise",
        "code": "DP-LIT-201",
        "earned": "2022-03-01",
    },
    {
        "educator_id": "A1",
        "credential_id": "c2",
        "kind": "graduate_course",
        "earned": "2023-12-15",
        "semester_credits": "3",
    },
    {
        "educator_id": "A1",
        "credential_id": "c3",
        "kind": "workshop",
        "earned": "2024-06-01",
        "contact_hours": "19.5",
    },
    {
        "educator_id": "A2",
        "credential_id": "c1",
        "kind": "micro_credential",
        "issuer": "badgemill",
        "earned": "2024-01-10",
    },
    {
        "educator_id": "A2",
        "credential_id": "c2",
        "kind": "workshop",
        "earned": "2024-02-10",
        "contact_hours": "30",
    },
]
BAD = [
    {
        "educator_id": None,
        "credential_id": "x1",
        "kind": "workshop",
        "earned": "2024-01-01",
        "contact_hours": "1",
    },
    {
        "educator_id": "A1",
        "credential_id": "x2",
        "kind": "workshop",
        "earned": "2024-02-30",
        "contact_hours": "1",
    },
    {
        "educator_id": "A1",
        "credential_id": "x3",
        "kind": "workshop",
        "earned": "2024-01-01",
        "contact_hours": "-2",
    },
    {"educator_id": "A1", "credential_id": "x4", "kind": "webinar", "earned": "2024-01-01"},
    {
        "educator_id": "A1",
        "credential_id": "c1",
        "kind": "workshop",
        "earned": "2024-01-01",
        "contact_hours": "1",
    },
    {"educator_id": "A1", "credential_id": None, "kind": "workshop", "earned": "2024-01-01"},
    {"educator_id": "ZZ", "credential_id": "x5", "kind": "workshop", "earned": "2024-01-01"},
]
EVALS = [{"educator_id": "A2", "year": 2025, "score": 4}]


def _roster(tmp: Path, fmt: str, bad: bool = False) -> Path:
    cred = CRED + (BAD if bad else [])
    cred = sorted(cred, key=lambda r: (r["educator_id"] is not None, r["educator_id"] or ""))
    return write_roster(tmp / f"roster-{fmt}", chunk_of(EDU, cred, EVALS), fmt)


def _run(rules: mccredit.RuleSet, roster: Path, out: Path, **kw: object) -> _runner.BatchSummary:
    return run_batch(roster, rules=rules, jurisdiction="us-tn", as_of=AS_OF, out=out, **kw)  # type: ignore[arg-type]


def test_csv_and_parquet_give_the_same_results(rules: mccredit.RuleSet, tmp_path: Path) -> None:
    a = _run(rules, _roster(tmp_path, "csv"), tmp_path / "a.parquet")
    b = _run(rules, _roster(tmp_path, "parquet"), tmp_path / "b.parquet")
    ra = pl.read_parquet(tmp_path / "a.parquet")
    rb = pl.read_parquet(tmp_path / "b.parquet")
    assert ra.equals(rb)
    assert a.exit_code == b.exit_code == 0
    assert ra.height == 3  # one row per educator and license, A3 without one
    a1 = ra.filter(pl.col("educator_id") == "A1").row(0, named=True)
    assert str(a1["total_pdp"]) == "55.50" and a1["status"] in ("on_track", "at_risk")
    w = pl.read_parquet(tmp_path / "a.warnings.parquet")
    assert w.filter(pl.col("code") == "issuer_not_accepted").row(0, named=True)["row"] == 4


def test_bad_rows_go_to_the_rejects_file_with_file_and_row(
    rules: mccredit.RuleSet, tmp_path: Path
) -> None:
    roster = _roster(tmp_path, "csv", bad=True)
    res = CliRunner().invoke(
        app,
        [
            "batch",
            str(roster),
            "-j",
            "us-tn",
            "--as-of",
            "2026-06-30",
            "--out",
            str(tmp_path / "r.csv"),
            "-q",
        ],
    )
    assert res.exit_code == 1, res.output
    rej = pl.read_csv(tmp_path / "r.rejects.csv")
    assert rej.height == len(BAD)
    assert set(rej.get_column("file")) == {str(roster / "credentials.csv")}
    reasons = " | ".join(rej.get_column("reason"))
    for words in (
        "educator_id is missing",
        "is not a date",
        "is negative",
        "unknown kind",
        "duplicate credential id",
        "credential_id is missing",
        "not in the educators table",
    ):
        assert words in reasons
    # the row numbers point at the data rows of the file (CSV line = row + 1)
    lines = (roster / "credentials.csv").read_text().splitlines()
    for r in rej.iter_rows(named=True):
        assert "webinar" not in r["reason"] or "webinar" in lines[r["row"]]
    # good rows were still evaluated, as without the bad rows
    ok = _run(rules, _roster(tmp_path, "csv"), tmp_path / "ok.csv")
    assert ok.exit_code == 0
    assert pl.read_csv(tmp_path / "r.csv").equals(pl.read_csv(tmp_path / "ok.csv"))
    assert "rejected rows: 7" in res.output


@pytest.mark.parametrize("damage", ["missing", "corrupt", "no_column", "empty"])
def test_an_unreadable_roster_exits_2(tmp_path: Path, damage: str) -> None:
    roster = _roster(tmp_path, "parquet")
    target = roster / "credentials.parquet"
    if damage == "missing":
        target.unlink()
    elif damage == "corrupt":
        target.write_bytes(b"PAR1 this is not parquet")
    elif damage == "no_column":
        pl.read_parquet(target).drop("kind").write_parquet(target)
    else:
        target.unlink()
        (roster / "credentials.csv").write_text("")
    res = CliRunner().invoke(
        app, ["batch", str(roster), "-j", "us-tn", "--out", str(tmp_path / "r.parquet"), "-q"]
    )
    assert res.exit_code == 2, res.output
    assert not (tmp_path / "r.parquet").exists()


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_unsorted_rosters_are_read_by_hash_partitions(
    rules: mccredit.RuleSet, tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    spill_dir = tmp_path / "tmp"
    spill_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill_dir))
    spilled: list[str] = []
    real_spill = _roster_mod._spill

    def spill(f: Path, *a: Any, **kw: Any) -> Any:
        spilled.append(f.name)
        return real_spill(f, *a, **kw)

    monkeypatch.setattr(_roster_mod, "_spill", spill)
    sorted_r = _roster(tmp_path, "parquet", bad=True)
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    for f in sorted_r.iterdir():
        df = pl.read_parquet(f)
        # educators in descending order, each educator's rows in their own order
        df = df.sort("educator_id", descending=True, maintain_order=True, nulls_last=True)
        if fmt == "csv":
            df.write_csv(shuffled / f.name.replace(".parquet", ".csv"))
        else:
            df.write_parquet(shuffled / f.name)
    a = _run(rules, sorted_r, tmp_path / "a.parquet")
    b = _run(rules, shuffled, tmp_path / "b.parquet", partitions=3)
    c = _run(rules, shuffled, tmp_path / "c.parquet", partitions=12)
    key = ["educator_id", "license_issued", "license_type"]
    ra = pl.read_parquet(tmp_path / "a.parquet").sort(key, nulls_last=True)
    rb = pl.read_parquet(tmp_path / "b.parquet").sort(key, nulls_last=True)
    rc = pl.read_parquet(tmp_path / "c.parquet").sort(key, nulls_last=True)
    assert ra.equals(rb) and rb.equals(rc)
    assert a.stats.rejected == b.stats.rejected == c.stats.rejected == len(BAD)
    # the same rows rejected, with the same file and row numbers, on both paths
    rej_b = pl.read_csv(tmp_path / "b.rejects.csv").sort(pl.all())
    rej_c = pl.read_csv(tmp_path / "c.rejects.csv").sort(pl.all())
    assert rej_b.height == len(BAD) and rej_b.equals(rej_c)
    # one pass over each table (educators, credentials, evaluations) per run, whatever the
    # number of partitions
    assert spilled == [f"{t}.{fmt}" for t in ("educators", "credentials", "evaluations")] * 2
    assert not list(spill_dir.iterdir())  # the spilled partitions are removed


def test_an_interrupted_run_leaves_no_partial_file(
    rules: mccredit.RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster = _roster(tmp_path, "parquet")
    out = tmp_path / "out" / "results.parquet"
    _run(rules, roster, out)
    before = out.read_bytes()
    real = _runner.process_chunk
    calls = {"n": 0}

    def dies(*a: object, **kw: object) -> object:
        calls["n"] += 1
        if calls["n"] > 1:
            raise KeyboardInterrupt("operator pressed Ctrl-C")
        return real(*a, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(_runner, "process_chunk", dies)
    with pytest.raises(KeyboardInterrupt):
        _run(rules, roster, out, chunk_educators=1, ledger_out=tmp_path / "out" / "l.parquet")
    assert calls["n"] == 2
    assert out.read_bytes() == before  # the previous results are untouched
    assert not (tmp_path / "out" / "l.parquet").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(
        ["results.parquet", "results.warnings.parquet", "results.rejects.csv"]
    )


def test_a_killed_run_s_temp_files_are_removed_by_the_next_run(
    rules: mccredit.RuleSet, tmp_path: Path
) -> None:
    """Issue 14: a batch killed with SIGKILL left hidden `.<name>.<pid>.tmp` files forever.
    The run here is a real process killed while it writes; the next run removes its files
    and leaves a live process's temp file alone."""
    roster = _roster(tmp_path, "parquet")
    out = tmp_path / "out" / "results.parquet"
    out.parent.mkdir()
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "import pyarrow as pa\n"
        "from mccredit.batch._runner import AtomicTable\n"
        "t = AtomicTable(Path(sys.argv[1]), pa.schema([('a', pa.int64())]), 'parquet')\n"
        "t.write(pa.table({'a': [1, 2, 3]}))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", code, str(out)], check=False)
    assert killed.returncode == -signal.SIGKILL
    left = sorted(p.name for p in out.parent.iterdir())
    assert left == [f".results.parquet.{killed_pid(left)}.tmp"]
    live = out.parent / f".results.parquet.{os.getppid()}.tmp"  # a live process's file
    live.write_bytes(b"in progress")
    _run(rules, roster, out)
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(
        [live.name, "results.parquet", "results.warnings.parquet", "results.rejects.csv"]
    )


def killed_pid(names: list[str]) -> str:
    assert len(names) == 1 and names[0].startswith(".results.parquet."), names
    return names[0].removeprefix(".results.parquet.").removesuffix(".tmp")


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_other_output_formats_and_payroll(
    rules: mccredit.RuleSet, tmp_path: Path, fmt: str
) -> None:
    roster = _roster(tmp_path, "csv")
    s = _run(
        rules,
        roster,
        tmp_path / f"r.{fmt}",
        payroll_out=tmp_path / "pay.csv",
        ledger_out=tmp_path / "ledger.csv",
    )
    text = (tmp_path / f"r.{fmt}").read_text()
    assert "A1" in text and "55.50" in text
    assert (tmp_path / "pay.csv").read_text().startswith('"educator_id"')
    led = pl.read_csv(tmp_path / "ledger.csv")
    assert led.height == 5 and set(led.get_column("rule")) >= {"tn.pdp.micro_credential"}
    assert s.outputs["payroll"].endswith("pay.csv")


def test_one_wide_file_roster(rules: mccredit.RuleSet, tmp_path: Path) -> None:
    """One file: credential rows carrying their educator's columns (no evaluations)."""
    by_id = {r["educator_id"]: r for r in EDU}
    wide = [{**by_id[c["educator_id"]], **c} for c in CRED] + [{"educator_id": "A3"}]
    cols = list(dict.fromkeys(k for r in EDU + CRED for k in r))
    df = pl.DataFrame(
        [{c: r.get(c) for c in cols} for r in wide], schema=dict.fromkeys(cols, pl.String)
    )
    f = tmp_path / "wide.csv"
    df.write_csv(f)
    folder = write_roster(tmp_path / "folder", chunk_of(EDU, CRED, []), "csv")
    a = _run(rules, f, tmp_path / "wide-out.parquet")
    b = _run(rules, folder, tmp_path / "folder-out.parquet")
    assert a.exit_code == b.exit_code == 0
    assert pl.read_parquet(tmp_path / "wide-out.parquet").equals(
        pl.read_parquet(tmp_path / "folder-out.parquet")
    )
    w = pl.read_parquet(tmp_path / "wide-out.warnings.parquet")
    assert w.get_column("file").to_list() == [str(f)]
