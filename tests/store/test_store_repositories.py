"""Repositories on SQLite and PostgreSQL: idempotent intake, reproducible evaluations,
payroll state machine, keys, scopes."""

from __future__ import annotations

import copy
import json
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import select

import mccredit
from mccredit.store import ConflictError, read_session, write_session
from mccredit.store import repositories as repo
from mccredit.store.repositories._payroll import _cell
from mccredit.store.tables import CredentialRecord, EvaluationRecord, PayrollChange

TN: dict[str, Any] = {
    "id": "E-1",
    "jurisdiction": "us-tn",
    "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
    "credentials": [
        {"id": "m1", "kind": "micro_credential", "issuer": "nea", "earned": "2023-01-01"}
    ],
}


def pwcs(educator_id: str = "P-1", jurisdiction: str = "us-va/pwcs") -> dict[str, Any]:
    return {
        "id": educator_id,
        "jurisdiction": jurisdiction,
        "salary": {"lane": "BA", "step": 4},
        "credentials": [
            {
                "id": f"g{i}",
                "kind": "graduate_course",
                "earned": f"2024-0{i + 1}-15",
                "semester_credits": 3,
            }
            for i in range(5)
        ],
    }


ALL = ("*",)


def put(engine: Engine, data: dict[str, Any], scopes: tuple[str, ...] = ALL) -> Any:
    with write_session(engine) as s:
        got = repo.put_educator(
            session=s, educator=mccredit.to_educator(data), scopes=scopes, actor="test"
        )
        s.commit()
    return got


def store(engine: Engine, data: dict[str, Any], as_of: str) -> tuple[Any, Any]:
    ed = mccredit.to_educator(data)
    doc = mccredit.evaluate(ed, as_of=as_of)
    with write_session(engine) as s:
        ev, change = repo.store_evaluation(
            session=s,
            educator_input=repo.educator_document(ed),
            result=doc,
            result_json=mccredit.to_json(doc),
            actor="test",
        )
        s.commit()
    return ev, change


def test_put_educator_creates_then_replaces_and_keeps_credentials(db: Engine) -> None:
    rec, created = put(db, TN)
    assert created and rec.jurisdiction == "us-tn"
    changed = {**TN, "credentials": [], "experience_years": 5}
    rec2, created2 = put(db, changed)
    assert not created2 and rec2.sha256 != rec.sha256
    with read_session(db) as s:
        doc = repo.educator_input(
            session=s, record=repo.get_educator(session=s, educator_id="E-1", scopes=ALL)
        )
    assert [c["id"] for c in doc["credentials"]] == ["m1"]  # not listed, still kept
    assert doc["experience_years"] == "5"
    assert mccredit.to_educator(doc).experience_years == 5


def test_put_educator_outside_scope_is_none(db: Engine) -> None:
    assert put(db, TN, scopes=("us-va",)) is None
    with read_session(db) as s:
        assert repo.get_educator(session=s, educator_id="E-1", scopes=ALL) is None


def test_ids_are_namespaced_by_jurisdiction(db: Engine) -> None:
    """Issue 14: the same id in another jurisdiction is another educator. Storing it neither
    depends on nor touches the one outside the key's scope (before: None, a 404 that told a
    `us-va` key that E-1 existed elsewhere)."""
    put(db, TN)
    elsewhere = {**TN, "jurisdiction": "us-va/pwcs", "credentials": [], "experience_years": 2}
    got = put(db, elsewhere, scopes=("us-va",))
    assert got is not None and got[1] and got[0].jurisdiction == "us-va/pwcs"
    with read_session(db) as s:
        tn = repo.get_educator(session=s, educator_id="E-1", scopes=("us-tn",))
        va = repo.get_educator(session=s, educator_id="E-1", scopes=("us-va",))
        assert tn is not None and va is not None and tn.sha256 != va.sha256
        assert [c["id"] for c in repo.educator_input(session=s, record=tn)["credentials"]] == ["m1"]
        assert repo.educator_input(session=s, record=va)["credentials"] == []
        assert repo.get_educator(session=s, educator_id="E-1", scopes=("us",)) is None
        with pytest.raises(repo.ConflictError, match="more than one jurisdiction"):
            repo.get_educator(session=s, educator_id="E-1", scopes=ALL)
        one = repo.get_educator(session=s, educator_id="E-1", scopes=ALL, jurisdiction="us-tn")
        assert one is not None and one.sha256 == tn.sha256
        docs = repo.educator_inputs(session=s, records=[tn, va])
        assert set(docs) == {("E-1", "us-tn"), ("E-1", "us-va/pwcs")}


def intake(engine: Engine, cred: dict[str, Any], educator_id: str = "E-1") -> tuple[Any, bool]:
    with write_session(engine) as s:
        ed = repo.get_educator(session=s, educator_id=educator_id, scopes=ALL)
        assert ed is not None
        got = repo.intake_credential(
            session=s,
            educator=ed,
            credential=mccredit.Credential.model_validate(cred),
            actor="test",
        )
        s.commit()
    return got


def test_intake_is_idempotent_and_conflicts_are_refused(db: Engine) -> None:
    put(db, TN)
    cred = {"id": "b2", "kind": "micro_credential", "issuer": "nea", "earned": "2024-02-01"}
    first, created = intake(db, cred)
    again, created_again = intake(db, dict(cred))
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(ConflictError, match="different content") as e:
        intake(db, {**cred, "earned": "2024-03-01"})
    assert e.value.field == "earned"
    with pytest.raises(ConflictError, match="issuer"):
        intake(db, {**cred, "issuer": "bloomboard"})
    with read_session(db) as s:
        n = s.exec(select(sa.func.count()).select_from(CredentialRecord)).one()
    assert n == 2


def test_same_credential_from_eight_threads_is_one_row(db: Engine) -> None:
    put(db, {**TN, "credentials": []})
    cred = {"id": "race", "kind": "micro_credential", "issuer": "nea", "earned": "2024-02-01"}
    barrier = threading.Barrier(8)
    results: list[Any] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(intake(db, cred))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(1 for _, created in results if created) == 1
    assert len({rec.pk for rec, _ in results}) == 1
    with read_session(db) as s:
        rows = s.exec(
            select(CredentialRecord).where(CredentialRecord.credential_id == "race")
        ).all()
    assert len(rows) == 1


def test_stored_evaluation_reruns_byte_identical_and_is_not_duplicated(db: Engine) -> None:
    put(db, TN)
    ev, change = store(db, TN, "2026-06-30")
    assert change is None  # no salary in us-tn
    again, _ = store(db, copy.deepcopy(TN), "2026-06-30")
    assert again.id == ev.id
    other, _ = store(db, TN, "2026-07-01")
    assert other.id != ev.id
    with read_session(db) as s:
        rec = s.get(EvaluationRecord, ev.id)
    assert rec is not None
    rerun = mccredit.evaluate(mccredit.to_educator(json.loads(rec.input_json)), as_of=rec.as_of)
    assert mccredit.to_json(rerun) == rec.result_json
    assert repo.sha256_text(rec.result_json) == rec.result_sha256
    assert rec.ruleset_sha256 == mccredit.default_rules().get("us-tn").sha256


def test_lane_move_proposes_one_payroll_change(db: Engine) -> None:
    put(db, pwcs())
    ev, change = store(db, pwcs(), "2024-12-01")
    assert change is not None and change.status == "proposed"
    assert (change.lane, change.new_lane, change.step) == ("BA", "BA+15", "4")
    assert (
        change.effective_date.isoformat() == json.loads(ev.result_json)["salary"]["effective_date"]
    )
    _, again = store(db, pwcs(), "2024-12-02")  # another evaluation, the same move
    assert again is not None and again.id == change.id
    with read_session(db) as s:
        assert s.exec(select(sa.func.count()).select_from(PayrollChange)).one() == 1
        hist = repo.list_transitions(session=s, change_id=change.id)
    assert [(t.from_status, t.to_status) for t in hist] == [(None, "proposed")]


def salary_change(
    engine: Engine, educator_id: str, jurisdiction: str = "us-va/pwcs", new_lane: str = "MA"
) -> PayrollChange:
    """A change from a hand-made salary result (what a district result carries)."""
    put(engine, pwcs(educator_id, jurisdiction))
    with write_session(engine) as s:
        ev = EvaluationRecord(
            educator_id=educator_id,
            jurisdiction=jurisdiction,
            as_of=sa.func.current_date(),
            input_json="{}",
            input_sha256="i",
            ruleset_id="r",
            ruleset_sha256="s",
            result_json="{}",
            result_sha256="h",
            created_by="test",
        )
        import datetime as dt

        ev.as_of = dt.date(2024, 12, 1)
        s.add(ev)
        s.flush()
        change = repo.propose_payroll_change(
            session=s,
            evaluation=ev,
            actor="test",
            salary={
                "lane": "BA",
                "step": 4,
                "annual": "63213.00",
                "new_lane": new_lane,
                "new_step": 4,
                "new_annual": "70000.00",
                "annual_delta": "6787.00",
                "effective_date": "2024-08-15",
                "this_year_delta": "5000.00",
                "retro": "1234.56",
            },
        )
        s.commit()
    assert change is not None
    return change


def transition(engine: Engine, change_id: int, to: Any, scopes: tuple[str, ...] = ALL) -> Any:
    with write_session(engine) as s:
        got = repo.transition_payroll_change(
            session=s, change_id=change_id, scopes=scopes, to=to, actor="test", note="ok"
        )
        s.commit()
    return got


def test_payroll_state_machine_and_single_export(db: Engine) -> None:
    a = salary_change(db, "P-1")
    b = salary_change(db, "P-2")
    c = salary_change(db, "P-3", jurisdiction="us-va/other")
    assert transition(db, a.id, "approved", scopes=("us-va/other",)) is None
    assert transition(db, a.id, "approved").status == "approved"
    with pytest.raises(ConflictError):
        transition(db, a.id, "approved")
    assert transition(db, b.id, "rejected").status == "rejected"
    with pytest.raises(ConflictError):
        transition(db, b.id, "approved")
    transition(db, c.id, "approved")
    with write_session(db) as s:
        export = repo.export_payroll(session=s, scopes=("us-va/pwcs",), actor="test")
        s.commit()
    assert export is not None and export.count == 1
    rows = export.csv.splitlines()
    assert rows[0].split(",") == list(repo.EXPORT_COLUMNS)
    assert rows[1].startswith(f"{export.id},{a.id},P-1,us-va/pwcs,BA,4,63213.00,MA,")
    assert "2024-08-15" in rows[1] and "1234.56" in rows[1]
    with write_session(db) as s:
        assert repo.export_payroll(session=s, scopes=("us-va/pwcs",), actor="test") is None
        assert (
            repo.get_payroll_export(session=s, export_id=export.id, scopes=("us-va/other",)) is None
        )
        assert (
            repo.get_payroll_export(session=s, export_id=export.id, scopes=("us-va",)) is not None
        )
    with read_session(db) as s:
        got = repo.get_payroll_change(session=s, change_id=a.id, scopes=ALL)
        assert got is not None and got.status == "exported" and got.export_id == export.id
        hist = [
            (t.from_status, t.to_status) for t in repo.list_transitions(session=s, change_id=a.id)
        ]
    assert hist == [(None, "proposed"), ("proposed", "approved"), ("approved", "exported")]
    with pytest.raises(ConflictError):
        transition(db, a.id, "rejected")


def test_concurrent_exports_export_each_change_once(db: Engine) -> None:
    ids = [salary_change(db, f"P-{i}").id for i in range(4)]
    for i in ids:
        transition(db, i, "approved")
    barrier = threading.Barrier(4)
    exported: list[Any] = []

    def worker() -> None:
        barrier.wait()
        try:
            with write_session(db) as s:
                e = repo.export_payroll(session=s, scopes=ALL, actor="test")
                s.commit()
            if e is not None:
                exported.append(e)
        except ConflictError:
            pass

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(e.count for e in exported) == 4


def test_api_keys_store_only_a_hash_and_revoke(db: Engine) -> None:
    with write_session(db) as s:
        key, token = repo.create_api_key(session=s, role="payroll", scopes=["us-va/pwcs/"])
        s.commit()
    assert token.startswith(f"mcc_{key.key_id}_") and token not in key.key_hash
    assert key.scopes == ("us-va/pwcs",)
    with read_session(db) as s:
        assert repo.authenticate(session=s, token=token) is not None
        assert repo.authenticate(session=s, token=token + "x") is None
        assert repo.authenticate(session=s, token="nope") is None
    with write_session(db) as s:
        assert repo.revoke_api_key(session=s, key_id=key.key_id) is not None
        s.commit()
    with read_session(db) as s:
        assert repo.authenticate(session=s, token=token) is None
        actions = [a.action for a in repo.list_audit(session=s)[0]]
    assert actions[:2] == ["key.revoke", "key.create"]
    with write_session(db) as s, pytest.raises(repo.StoreError):
        repo.create_api_key(session=s, role="root", scopes=["*"])


@pytest.mark.parametrize(
    ("jurisdiction", "scopes", "expected"),
    [
        ("us-va/pwcs", ("us-va",), True),
        ("us-va/pwcs", ("us-va/pwcs",), True),
        ("us-va", ("us-va/pwcs",), False),
        ("us-vax", ("us-va",), False),
        ("us_va/x", ("us-va",), False),
        ("us-tn", ("*",), True),
        ("us-tn", (), False),
    ],
)
def test_scope_filter_agrees_with_in_scope(
    db: Engine, jurisdiction: str, scopes: tuple[str, ...], expected: bool
) -> None:
    put(db, {**TN, "id": "S-1", "jurisdiction": jurisdiction, "credentials": []})
    assert repo.in_scope(jurisdiction, scopes) is expected
    with read_session(db) as s:
        rows, count = repo.list_educators(session=s, scopes=scopes)
    assert (count == 1) is expected


def test_save_demo_results(url: str) -> None:
    from mccredit.store import save_demo_results

    docs = [
        (TN, mccredit.evaluate(TN, as_of="2026-06-30")),
        (pwcs(), mccredit.evaluate(pwcs(), as_of="2024-12-01")),
    ]
    where = save_demo_results(docs, url)
    assert where and "password" not in where
    changed = copy.deepcopy(TN)
    changed["credentials"][0]["earned"] = "2023-02-01"
    save_demo_results([(changed, mccredit.evaluate(changed, as_of="2026-06-30")), *docs[1:]], url)
    from mccredit.store import make_engine

    e = make_engine(url)
    try:
        with read_session(e) as s:
            assert s.exec(select(sa.func.count()).select_from(EvaluationRecord)).one() == 3
            assert s.exec(select(sa.func.count()).select_from(PayrollChange)).one() == 1
            creds = s.exec(
                select(CredentialRecord).where(CredentialRecord.educator_id == "E-1")
            ).all()
            assert [json.loads(c.document)["earned"] for c in creds] == ["2023-02-01"]
    finally:
        e.dispose()


def test_export_cells_cannot_start_formulas() -> None:
    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("@x") == "'@x" and _cell("E-1") == "E-1" and _cell(None) == ""
