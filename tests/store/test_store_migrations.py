"""Migrations from empty, one step down and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from mccredit.store import downgrade, migration_state, upgrade
from mccredit.store._migrate import head_revision

ALL = {
    "educator",
    "credential",
    "evaluation",
    "api_key",
    "audit_log",
    "payroll_change",
    "payroll_transition",
    "payroll_export",
    "outbox",
    "event_run",
    "event_state",
    "webhook",
    "webhook_delivery",
    "scenario_run",
    "badge_document",
}
EVENTS = {"event_run", "event_state", "webhook", "webhook_delivery"}
PAYROLL = {"payroll_change", "payroll_transition", "payroll_export"}


def tables(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_downgrade_one_upgrade_again(engine: Engine) -> None:
    assert migration_state(engine).current is None
    assert tables(engine) == set()
    state = upgrade(engine)
    assert state.current == head_revision() and not state.pending
    assert tables(engine) == ALL
    state = downgrade(engine)
    assert state.pending and state.current == "0007_badge_documents"
    assert tables(engine) == ALL
    assert "jurisdiction" not in {c["name"] for c in sa.inspect(engine).get_columns("credential")}
    state = downgrade(engine)
    assert state.pending and state.current == "0006_scenario_runs"
    assert tables(engine) == ALL - {"badge_document"}
    assert "badge_sha256" not in {c["name"] for c in sa.inspect(engine).get_columns("credential")}
    state = downgrade(engine)
    assert state.pending and state.current == "0005_events"
    assert tables(engine) == ALL - {"scenario_run", "badge_document"}
    state = downgrade(engine, "0004_no_overwrite")
    assert state.pending and state.current == "0004_no_overwrite"
    assert tables(engine) == ALL - EVENTS - {"scenario_run", "badge_document"}
    assert "acknowledged_by" not in {c["name"] for c in sa.inspect(engine).get_columns("outbox")}
    state = downgrade(engine, "0003_outbox")
    assert tables(engine) == ALL - EVENTS - {
        "scenario_run",
        "badge_document",
    }  # 0004 only adds triggers
    state = downgrade(engine, "0002_payroll")
    assert state.pending and state.current == "0002_payroll"
    assert tables(engine) == ALL - EVENTS - {"outbox", "scenario_run", "badge_document"}
    state = downgrade(engine, "0001_initial")
    assert state.pending and state.current == "0001_initial"
    assert tables(engine) == ALL - EVENTS - PAYROLL - {"outbox", "scenario_run", "badge_document"}
    state = upgrade(engine)
    assert not state.pending
    assert tables(engine) == ALL
    downgrade(engine, "base")
    assert tables(engine) == set()


def test_upgrade_is_idempotent(engine: Engine) -> None:
    upgrade(engine)
    upgrade(engine)
    assert not migration_state(engine).pending


def test_schema_matches_the_models(db: Engine) -> None:
    """Autogenerate finds nothing to do: the migrations and the SQLModel tables agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import mccredit.store.tables as t

    ours = sa.MetaData()
    for name in ALL:
        SQLModel.metadata.tables[name].to_metadata(ours)
    assert t.EducatorRecord.__tablename__ == "educator"
    with db.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = [
            d
            for d in compare_metadata(ctx, ours)
            if not (isinstance(d, tuple) and d[0] in ("remove_table",))
        ]
    assert diff == []


@pytest.mark.parametrize("table", ["audit_log", "payroll_transition", "payroll_export"])
def test_append_only_tables_refuse_update_and_delete(db: Engine, table: str) -> None:
    _one_row(db, table)
    for stmt in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.begin() as conn:
            conn.execute(sa.text(stmt))


@pytest.mark.parametrize("table", ["audit_log", "payroll_transition", "payroll_export"])
def test_append_only_tables_refuse_replace_and_truncate(db: Engine, table: str) -> None:
    """Issue 14: `INSERT OR REPLACE` overwrote audit rows on SQLite and `TRUNCATE` emptied the
    audit log on PostgreSQL; both are refused now and the row is still there."""
    _one_row(db, table)
    with db.connect() as conn:
        before = conn.execute(sa.text(f"SELECT * FROM {table}")).all()
    assert len(before) == 1
    if db.dialect.name == "sqlite":
        cols = list(before[0]._mapping)
        names = ", ".join(cols)
        marks = ", ".join(f":{c}" for c in cols)
        row = dict(before[0]._mapping)
        for verb in ("INSERT OR REPLACE", "REPLACE"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.begin() as conn:
                conn.execute(sa.text(f"{verb} INTO {table} ({names}) VALUES ({marks})"), row)
    else:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {table} CASCADE"))
    with db.connect() as conn:
        assert conn.execute(sa.text(f"SELECT * FROM {table}")).all() == before


def _one_row(db: Engine, table: str) -> None:
    with db.begin() as conn:
        if table == "payroll_export":
            conn.execute(
                sa.text(
                    "INSERT INTO payroll_export (id, created, created_by, count, csv, sha256) "
                    "VALUES ('exp_1', CURRENT_TIMESTAMP, 't', 0, 'a\n', 'x')"
                )
            )
        elif table == "audit_log":
            conn.execute(
                sa.text(
                    "INSERT INTO audit_log (at, actor, action) "
                    "VALUES (CURRENT_TIMESTAMP, 'test', 'x')"
                )
            )
        else:
            conn.execute(
                sa.text(
                    "INSERT INTO evaluation (educator_id, jurisdiction, as_of, input_json, "
                    "input_sha256, ruleset_id, ruleset_sha256, proposal_sha256, result_json, "
                    "result_sha256, created, created_by) VALUES ('E', 'j', '2024-01-01', '{}', "
                    "'a', 'r', 's', '', '{}', 'h', CURRENT_TIMESTAMP, 't')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO payroll_change (educator_id, jurisdiction, evaluation_id, "
                    "new_lane, effective_date, status, created, created_by) VALUES ('E', 'j', "
                    "(SELECT max(id) FROM evaluation), 'MA', '2024-08-15', 'proposed', "
                    "CURRENT_TIMESTAMP, 't')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO payroll_transition (change_id, to_status, by, at) VALUES "
                    "((SELECT max(id) FROM payroll_change), 'proposed', 't', CURRENT_TIMESTAMP)"
                )
            )


def test_0008_upgrades_a_populated_sqlite_database(tmp_path: Path) -> None:
    """0008 rebuilds `educator` (its key becomes (id, jurisdiction)); with foreign keys enforced
    during the copy, a database holding credentials failed with FOREIGN KEY constraint failed."""
    from mccredit.store import make_engine
    from mccredit.store._migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0007_badge_documents")
    with engine.begin() as c:
        c.exec_driver_sql(
            "INSERT INTO educator VALUES ('E-1', 'us-tn', '{}', 'x', '2026-01-01', '2026-01-01')"
        )
        c.exec_driver_sql(
            "INSERT INTO credential (pk, educator_id, credential_id, document, sha256, created,"
            " created_by) VALUES (1, 'E-1', 'C-1', '{}', 'y', '2026-01-01', 'test')"
        )
    upgrade(engine)
    with engine.connect() as c:
        rows = c.exec_driver_sql("SELECT educator_id, jurisdiction FROM credential").fetchall()
        assert [tuple(r) for r in rows] == [("E-1", "us-tn")]
        assert c.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
