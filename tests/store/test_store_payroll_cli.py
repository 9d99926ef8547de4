"""`mccredit payroll export|show|layouts` through the real CLI, on SQLite and PostgreSQL
(issue 15): the same layouts as the API, the district's default layout, once-only exports,
byte-identical re-delivery, no file and nothing exported when anything fails."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import select
from test_store_repositories import salary_change, transition
from typer.testing import CliRunner, Result

from mccredit.cli import app as cli
from mccredit.store import read_session
from mccredit.store.tables import AuditEntry, PayrollChange


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def _approve(db: Engine, *who: str, jurisdiction: str = "us-va/pwcs") -> None:
    for w in who:
        transition(db, salary_change(db, w, jurisdiction=jurisdiction).id, "approved")


def _statuses(db: Engine) -> dict[str, str]:
    with read_session(db) as s:
        return {c.educator_id: c.status for c in s.exec(select(PayrollChange)).all()}


def test_export_in_a_layout_once_then_show_gives_the_same_bytes(
    db: Engine, url: str, tmp_path: Path
) -> None:
    _approve(db, "P-1", "P-2")
    out = tmp_path / "munis.csv"
    r = run(
        "payroll", "export", "--layout", "tyler-munis-personnel-action", "-o", out, "--url", url
    )
    assert r.exit_code == 0, r.output
    assert "exported 2 change(s) as exp_" in r.stderr and "tyler-munis-personnel-action" in r.stderr
    export_id = r.stderr.split(" as ")[1].split()[0]
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["Employee Number"] for r in rows if r["Reason Code"].startswith("SALCHG")] == [
        "P-1",
        "P-2",
    ]
    assert {r["Reference"] for r in rows} == {export_id}
    assert _statuses(db) == {"P-1": "exported", "P-2": "exported"}
    again = run("payroll", "export", "--url", url, "-o", tmp_path / "again.csv")
    assert again.exit_code == 0 and "nothing approved" in again.stderr
    assert not (tmp_path / "again.csv").exists()
    shown = run(
        "payroll", "show", export_id, "--layout", "tyler-munis-personnel-action", "--url", url
    )
    assert shown.exit_code == 0 and shown.stdout_bytes == out.read_bytes()
    generic = run("payroll", "show", export_id, "--url", url)
    assert generic.stdout.startswith("export_id,change_id,educator_id,")
    with read_session(db) as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "payroll.export")).one()
    assert entry.target == export_id and '"layout":"tyler-munis-personnel-action"' in entry.detail


def test_export_uses_the_districts_default_layout(db: Engine, url: str, tmp_path: Path) -> None:
    _approve(db, "T-1", jurisdiction="us-il/troy-30c")
    _approve(db, "P-1")
    r = run("payroll", "export", "-j", "us-il/troy-30c", "--url", url, "-o", tmp_path / "t.csv")
    assert r.exit_code == 0, r.output
    assert "in layout powerschool-future-pay-rates" in r.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8"))))
    assert [(r["Employee Number"], r["Increase Flag"]) for r in rows] == [("T-1", "M")]
    assert _statuses(db) == {"T-1": "exported", "P-1": "approved"}


def test_export_workday_writes_a_workbook(db: Engine, url: str, tmp_path: Path) -> None:
    _approve(db, "P-1")
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.MonkeyPatch.context() as m:
        m.chdir(folder)
        r = run("payroll", "export", "-l", "workday-comp-change", "--url", url)
    assert r.exit_code == 0, r.output
    assert [p.suffix for p in folder.iterdir()] == [".xlsx"]  # no temporary file left
    (path,) = folder.glob("exp_*.workday-comp-change.xlsx")
    ws = load_workbook(path).active
    assert ws is not None
    assert [c.value for c in ws[1]][:3] == ["Employee ID", "Effective Date", "Reason"]
    assert ws["A2"].value == "P-1"
    export_id = path.name.split(".")[0]
    shown = run("payroll", "show", export_id, "-l", "workday-comp-change", "--url", url)
    assert shown.stdout_bytes == path.read_bytes()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--layout", "sap"), "unknown layout 'sap'; known layouts: generic-csv,"),
        (("-j", "us-zz"), "unknown jurisdiction 'us-zz'"),
        (("--effective-through", "June"), "--effective-through: not a date"),
    ],
)
def test_bad_options_export_nothing_and_print_no_traceback(
    db: Engine, url: str, tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    _approve(db, "P-1")
    folder = tmp_path / "out"
    folder.mkdir()
    r = run("payroll", "export", *args, "--url", url, "-o", folder / "x.csv")
    assert r.exit_code == 2 and words in r.stderr and "Traceback" not in r.output
    assert _statuses(db) == {"P-1": "approved"} and list(folder.iterdir()) == []


def test_a_file_that_cannot_be_written_exports_nothing(
    db: Engine, url: str, tmp_path: Path
) -> None:
    _approve(db, "P-1")
    r = run("payroll", "export", "--url", url, "-o", tmp_path / "missing" / "x.csv")
    assert r.exit_code == 2 and "error:" in r.stderr and "Traceback" not in r.output
    assert _statuses(db) == {"P-1": "approved"}
    assert not (tmp_path / "missing").exists()


def test_show_an_unknown_export(db: Engine, url: str) -> None:
    r = run("payroll", "show", "exp_nope", "--url", url)
    assert r.exit_code == 2 and "no export 'exp_nope'" in r.stderr


def test_layouts_lists_each_layout_and_the_districts_using_it() -> None:
    r = run("--wide", "payroll", "layouts")
    assert r.exit_code == 0, r.output
    for lid in (
        "generic-csv",
        "workday-comp-change",
        "tyler-munis-personnel-action",
        "powerschool-future-pay-rates",
    ):
        assert lid in r.stdout
    assert "us-il/troy-30c" in r.stdout and "xlsx" in r.stdout
