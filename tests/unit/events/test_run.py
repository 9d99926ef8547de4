"""Issue 13: `events run` derives what changed, in batches, once each, resumable after a
stop between batches or a kill -9 inside one; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from mccredit.errors import EventsBusyError
from mccredit.events import run_events
from mccredit.events._run import events_lock
from mccredit.store.tables import EventRun

from ._support import TRIO, educator, ingest, mc, outbox, tree

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def rules(tree_writer, tmp_path):
    return tree(tree_writer, tmp_path / "rules")


def run(db: Engine, rules, today: str, **kw):
    return run_events(db, rules=rules, today=dt.date.fromisoformat(today), deliver=False, **kw)


def test_same_credential_ingested_twice_raises_one_stack_completed(db, rules) -> None:
    ingest(db, rules, educator("E-1", *TRIO))
    first = run(db, rules, "2024-01-01")
    assert first.finished and first.educators == 1
    assert first.by_kind == {"stack_completed": 1}
    ingest(db, rules, educator("E-1", *TRIO))  # a replay: nothing new is stored
    again = run(db, rules, "2024-01-01")
    assert again.educators == 0 and again.events == 0
    # a new credential re-derives the educator; the stack is not raised a second time
    ingest(db, rules, educator("E-1", *TRIO, mc("s4", "2021-04-01", "A-LIT")))
    third = run(db, rules, "2024-01-01")
    assert third.educators == 1 and third.events == 0
    assert outbox(db) == [("stack_completed", "E-1", "stack:acme.trio", "2021-03-01")]


def test_renewal_at_risk_once_per_cycle_as_days_pass(db, rules) -> None:
    # 18 of 90 hours; the cycle ends 2025-06-30; 180 days' notice opens on 2025-01-01
    ingest(db, rules, educator("E-1", *TRIO))
    seen = {}
    for day in ("2024-12-31", "2025-01-01", "2025-01-02", "2025-06-30"):
        r = run(db, rules, day)
        assert r.educators == 1  # a new day re-derives everyone
        seen[day] = dict(r.by_kind)
    assert seen["2024-12-31"] == {"stack_completed": 1}
    assert seen["2025-01-01"] == {"renewal_at_risk": 1}
    assert seen["2025-01-02"] == {} and seen["2025-06-30"] == {}
    assert ("renewal_at_risk", "E-1", "professional", "2020-07-01/2025-06-30") in outbox(db)
    # the same day again: nothing changed, nobody is re-derived
    assert run(db, rules, "2025-06-30").educators == 0


def test_a_rule_version_change_re_derives_its_jurisdiction(db, rules, tree_writer, tmp_path):
    ingest(db, rules, educator("E-1", *TRIO))
    assert run(db, rules, "2024-01-01").by_kind == {"stack_completed": 1}
    lower = tree(tree_writer, tmp_path / "rules", required=20)  # 28 hours now suffice
    assert lower.get("xx-yy").sha256 != rules.get("xx-yy").sha256
    r = run(db, lower, "2024-01-01")
    assert r.educators == 1 and r.by_kind == {"renewal_complete": 1}


def _population(db, rules, n: int = 7) -> None:
    docs = [educator(f"E-{i}", *TRIO[: 1 + i % 3]) for i in range(n)]
    ingest(db, rules, *docs)


def test_stop_between_batches_then_resume_loses_and_doubles_nothing(db, rules, tmp_path) -> None:
    _population(db, rules)
    reference = _reference(rules, tmp_path)
    part = run(db, rules, "2025-01-01", batch_size=2, max_batches=2)
    assert not part.finished and part.educators == 4
    rest = run(db, rules, "2025-01-01", batch_size=2)
    assert rest.resumed and rest.finished and rest.run_id == part.run_id
    assert rest.educators == 3
    assert outbox(db) == reference
    assert part.events + rest.events == len(reference)
    t = EventRun.__table__  # type: ignore[attr-defined]
    with db.connect() as c:
        (row,) = c.execute(sa.select(t)).all()
    assert row.batches == 4 and row.educators == 7 and row.finished is not None


def _reference(rules, tmp_path: Path) -> list[tuple[str, str, str, str]]:
    from mccredit.store import make_engine, upgrade

    e = make_engine(f"sqlite:///{tmp_path / 'reference.db'}")
    upgrade(e)
    _population(e, rules)
    run(e, rules, "2025-01-01", batch_size=100)
    out = outbox(e)
    e.dispose()
    assert {k[0] for k in out} == {"stack_completed", "renewal_at_risk"}
    return out


KILLER = """
import datetime as dt, os, signal, sys
import mccredit
from mccredit.events import _run, run_events
from mccredit.store import make_engine

url, rules_root, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
rules = mccredit.load_rules(rules_root)
real = _run.write_events_in
calls = 0

def dying(conn, events, **kw):
    global calls
    written = real(conn, events, **kw)
    calls += 1
    if calls == kill_at:  # rows written, transaction open: die like kill -9
        os.kill(os.getpid(), signal.SIGKILL)
    return written

_run.write_events_in = dying
run_events(make_engine(url), rules=rules, today=dt.date(2025, 1, 1), batch_size=2,
           deliver=False)
"""


def test_kill_9_inside_a_batch_then_run_again_writes_every_event_once(
    db, url, rules, tmp_path
) -> None:
    _population(db, rules)
    reference = _reference(rules, tmp_path)
    root = str(tmp_path / "rules")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    # batches 1 and 2 are committed, batch 3 dies with its rows written, uncommitted
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLER), url, root, "3"],
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    committed = outbox(db)
    assert 0 < len(committed) < len(reference)
    assert set(committed) <= set(reference)
    again = run(db, rules, "2025-01-01", batch_size=2)
    assert again.resumed and again.finished and again.educators == 3
    assert outbox(db) == reference
    assert len(committed) + again.events == len(reference)


def test_one_run_at_a_time(db, rules) -> None:
    with events_lock(db), pytest.raises(EventsBusyError):
        with events_lock(db, wait_seconds=0.001):
            pass
    assert run(db, rules, "2025-01-01").finished  # released with the holder


def test_cli_events_run_json(db, url, rules, tmp_path) -> None:
    from typer.testing import CliRunner

    from mccredit.cli import app

    ingest(db, rules, educator("E-1", *TRIO))
    res = CliRunner().invoke(
        app,
        [
            "events",
            "run",
            "--today",
            "2025-01-01",
            "--json",
            "--no-deliver",
            "--url",
            url,
            "--rules",
            str(tmp_path / "rules"),
        ],
    )
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert body["by_kind"] == {"renewal_at_risk": 1, "stack_completed": 1}
    assert body["finished"] is True and body["educators"] == 1
    bad = CliRunner().invoke(app, ["events", "run", "--today", "2025-13-01", "--url", url])
    assert bad.exit_code == 2 and "--today" in bad.stderr


@pytest.mark.parametrize("engine_name", ["plain", "durable"])
def test_both_engines_write_the_same_outbox(db, rules, tmp_path, engine_name) -> None:
    from mccredit.events import durable_available

    if engine_name == "durable" and not durable_available():
        pytest.skip("durable_rules is not installed")
    _population(db, rules)
    r = run(db, rules, "2025-01-01", batch_size=3, engine_name=engine_name)
    assert r.finished
    assert outbox(db) == _reference(rules, tmp_path)
