"""The main job (`mccredit demo`): the database is reached and migrated once, before any
example is evaluated, and every example's evaluation is stored in it."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlmodel import Session, select

from mccredit.demo import example_educators, run_demo
from mccredit.evaluation import to_json
from mccredit.store import _demo, make_engine
from mccredit.store.tables import EvaluationRecord


def test_demo_migrates_once_and_stores_every_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    calls: list[Any] = []
    real = _demo.upgrade

    def counted(engine: Any) -> None:
        calls.append(engine)
        real(engine)

    monkeypatch.setattr(_demo, "upgrade", counted)
    out = io.StringIO()
    docs = run_demo(Console(file=out, width=200), database_url=url)
    assert len(calls) == 1
    assert len(docs) == len(example_educators())
    assert f"Saved {len(docs)} evaluations" in out.getvalue()
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            rows = session.exec(select(EvaluationRecord)).all()
            stored = {(r.educator_id, r.as_of, r.result_sha256) for r in rows}
    finally:
        engine.dispose()
    shown = {(d.educator, d.as_of, hashlib.sha256(to_json(d).encode()).hexdigest()) for d in docs}
    assert stored == shown


def test_demo_without_a_store_touches_no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_demo, "upgrade", lambda engine: pytest.fail("migrated"))
    docs = run_demo(Console(file=io.StringIO(), width=200), as_json=True, store=False)
    assert docs and all(d.ruleset.sha256 for d in docs)
