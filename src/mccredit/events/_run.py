"""`mccredit events run`: derive what changed since the last run, in bounded batches.

What counts as changed, per educator (the `event_state` row is the cursor, one per educator):

- its profile (`educator.sha256`) or its newest credential row (credentials are never edited,
  only added, so a higher row id means intake);
- the ruleset sha256 of its jurisdiction (a new rule version);
- the date: a run for a later day than the last re-derives it (deadlines and windows pass).

A run takes the changed educators in id order, `batch_size` at a time. Each batch is one
transaction: evaluate, derive (minus the keys already in the outbox), write the new events,
queue their webhook deliveries, propose the payroll change a `lane_eligible` move implies
(through the existing payroll workflow: `store_evaluation` → proposed), move each educator's
cursor and the run's counters. A run killed anywhere loses at most its open batch, which the
next run does again; the outbox's unique key makes a re-derived event a no-op. So every event
is written exactly once. Then due webhook deliveries are attempted (see `_deliver`).

One run at a time per store: PostgreSQL holds an advisory lock (keyed by schema), SQLite an
OS lock on a file beside the database; both die with the process, so a killed run never
blocks the next.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mccredit.errors import EventsBusyError, MccreditError
from mccredit.evaluation import evaluate_plan, plan_for, to_educator, to_json
from mccredit.events._deliver import (
    DEFAULT_POLICY,
    DeliveryPolicy,
    DeliveryReport,
    Sender,
    deliver_due,
)
from mccredit.events._durable import DurableEvents
from mccredit.events._durable import available as durable_available
from mccredit.events._outbox import (
    active_webhooks,
    outbox_keys_by_jurisdiction,
    write_events_in,
)
from mccredit.events._plain import Event, derive, review_dates, settings_for
from mccredit.io.educator import Educator
from mccredit.result import Evaluation
from mccredit.rules import RuleSet
from mccredit.rules._models import EventSettings
from mccredit.store import write_session
from mccredit.store.repositories import educator_document, educator_inputs, store_evaluation
from mccredit.store.tables import (
    CredentialRecord,
    EducatorRecord,
    EventRun,
    EventState,
    utcnow,
)

__all__ = ["ACTOR", "RunReport", "events_lock", "run_events"]

ACTOR = "events"
_LOCK_ID = 0x6D63_6576  # "mcev"


@dataclass
class RunReport:
    """What one `events run` did (the `--json` output of the command)."""

    run_id: int
    today: dt.date
    resumed: bool
    batches: int = 0
    educators: int = 0
    events: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    payroll_proposed: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    finished: bool = False
    delivery: DeliveryReport | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "today": self.today.isoformat(),
            "resumed": self.resumed,
            "finished": self.finished,
            "batches": self.batches,
            "educators": self.educators,
            "events": self.events,
            "by_kind": dict(sorted(self.by_kind.items())),
            "payroll_proposed": self.payroll_proposed,
            "skipped": dict(sorted(self.skipped.items())),
            "delivery": None
            if self.delivery is None
            else {
                "attempted": self.delivery.attempted,
                "delivered": self.delivery.delivered,
                "failed": self.delivery.failed,
                "dead": self.delivery.dead,
            },
        }


def _t(model: object) -> sa.Table:
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table


@contextlib.contextmanager
def events_lock(engine: Engine, *, wait_seconds: float = 10.0) -> Iterator[None]:
    """Hold the store's events lock, or raise `EventsBusyError`.

    PostgreSQL waits up to `wait_seconds` for it (the server's `lock_timeout`, no polling):
    a run killed a moment ago holds it until the server notices its connection is gone.
    SQLite's file lock is released by the kernel with the process, so it never waits."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.exc import OperationalError

        with engine.connect() as conn:
            ms = max(int(wait_seconds * 1000), 1)
            conn.execute(sa.text(f"SET lock_timeout = {ms}"))
            try:
                # keyed by schema too: two stores in one database do not block each other
                conn.execute(
                    sa.text("SELECT pg_advisory_lock(:k, hashtext(current_schema()))"),
                    {"k": _LOCK_ID},
                )
            except OperationalError:
                raise EventsBusyError(
                    "another `mccredit events run` is working on this store"
                ) from None
            conn.execute(sa.text("RESET lock_timeout"))
            conn.commit()
            try:
                yield
            finally:
                conn.execute(
                    sa.text("SELECT pg_advisory_unlock(:k, hashtext(current_schema()))"),
                    {"k": _LOCK_ID},
                )
                conn.commit()
        return
    db = engine.url.database
    if not db or db == ":memory:":
        yield
        return
    import fcntl

    path = Path(db).with_name(Path(db).name + ".events-lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise EventsBusyError(
                f"another `mccredit events run` is working on this store ({path} is locked)"
            ) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@dataclass
class _Context:
    rules: RuleSet
    today: dt.date
    now: Callable[[], dt.datetime] = utcnow
    durable: DurableEvents | None = None
    plans: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, EventSettings] = field(default_factory=dict)
    reviews: dict[str, dict[str, dt.date]] = field(default_factory=dict)

    def prepare(self, jid: str) -> None:
        if jid not in self.plans:
            j = self.rules.get(jid)
            self.plans[jid] = plan_for(self.rules, j, self.today)
            self.settings[jid] = settings_for(j, self.rules)
            self.reviews[jid] = review_dates(j)


def _changed(
    engine: Engine,
    shas: dict[str, str],
    today: dt.date,
    after: tuple[str, str] | None,
    limit: int,
) -> list[tuple[str, str, str, int]]:
    """The next `limit` changed educators after (id, jurisdiction) `after` (educator ids are
    namespaced by jurisdiction): (id, jurisdiction, profile sha, newest credential row)."""
    e, c, s = _t(EducatorRecord), _t(CredentialRecord), _t(EventState)
    newest = (
        sa.select(sa.func.coalesce(sa.func.max(c.c.pk), 0))
        .where(c.c.educator_id == e.c.id, c.c.jurisdiction == e.c.jurisdiction)
        .scalar_subquery()
    )
    current_sha = sa.case(dict(shas), value=e.c.jurisdiction, else_="") if shas else sa.literal("")
    cond = sa.or_(
        s.c.educator_id.is_(None),
        s.c.profile_sha256 != e.c.sha256,
        s.c.credential_pk < newest,
        s.c.ruleset_sha256 != current_sha,
        s.c.checked_on < today,
    )
    q = (
        sa.select(e.c.id, e.c.jurisdiction, e.c.sha256, newest)
        .select_from(
            e.outerjoin(s, sa.and_(s.c.educator_id == e.c.id, s.c.jurisdiction == e.c.jurisdiction))
        )
        .where(cond)
        .order_by(e.c.id, e.c.jurisdiction)
        .limit(limit)
    )
    if after is not None:
        q = q.where(sa.tuple_(e.c.id, e.c.jurisdiction) > sa.tuple_(*after))
    with engine.connect() as conn:
        return [(r[0], r[1], r[2], int(r[3])) for r in conn.execute(q)]


_STATE_COLUMNS = ("profile_sha256", "credential_pk", "ruleset_sha256", "checked_on", "run_id")


def _upsert_states(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Move the cursor of every educator of a batch (one executemany upsert)."""
    if not rows:
        return
    t = _t(EventState)
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    stmt = insert(t)
    stmt = stmt.on_conflict_do_update(
        index_elements=["educator_id", "jurisdiction"],
        set_={k: stmt.excluded[k] for k in _STATE_COLUMNS},
    )
    conn.execute(stmt, rows)


def _start_run(engine: Engine, today: dt.date) -> tuple[int, bool]:
    """The unfinished run to resume (its day moved to `today`), or a new one."""
    r = _t(EventRun)
    with write_session(engine) as session:
        conn = session.connection()
        open_run = conn.execute(
            sa.select(r.c.id).where(r.c.finished.is_(None)).order_by(r.c.id.desc()).limit(1)
        ).scalar()
        if open_run is not None:
            conn.execute(r.update().where(r.c.id == open_run).values(today=today))
            session.commit()
            return int(open_run), True
        run_id = conn.execute(
            sa.insert(r)
            .values(today=today, started=utcnow(), batches=0, educators=0, events=0)
            .returning(r.c.id)
        ).scalar_one()
        session.commit()
        return int(run_id), False


def _batch(
    engine: Engine,
    ctx: _Context,
    run_id: int,
    todo: list[tuple[str, str, str, int]],
    report: RunReport,
) -> None:
    """Derive and write one batch in one transaction."""
    ids = [t[0] for t in todo]
    with write_session(engine) as session:
        conn = session.connection()
        recs = list(
            session.exec(select(EducatorRecord).where(col(EducatorRecord.id).in_(ids))).all()
        )
        docs = educator_inputs(session=session, records=recs)
        previous = outbox_keys_by_jurisdiction(conn, ids)
        hooks = active_webhooks(conn)
        kinds: Counter[str] = Counter()
        states: list[dict[str, Any]] = []
        derived: list[Event] = []
        proposed = 0
        for educator_id, jid, profile_sha, newest in todo:
            sha = ""
            try:
                ctx.prepare(jid)
                sha = ctx.rules.get(jid).sha256
                ed = to_educator(docs[educator_id, jid], rules=ctx.rules, stored=True)
                doc = evaluate_plan(ctx.plans[jid], ed)
                if ctx.durable is not None:
                    events = ctx.durable.derive(
                        doc,
                        ctx.settings[jid],
                        ruleset_sha256=sha,
                        now=ctx.today,
                        previous=previous.get(jid, set()),
                        review_by=ctx.reviews[jid],
                    )
                else:
                    events = derive(
                        doc,
                        ctx.settings[jid],
                        now=ctx.today,
                        previous=previous.get(jid, set()),
                        review_by=ctx.reviews[jid],
                    )
                if any(ev.kind == "lane_eligible" for ev in events):
                    events, n = _propose(session, ed, doc, events)
                    proposed += n
                derived.extend(events)
            except MccreditError as e:  # an educator the rules cannot evaluate: reported
                report.skipped[educator_id] = f"{type(e).__name__}: {e}"[:300]
            states.append(
                {
                    "educator_id": educator_id,
                    "jurisdiction": jid,
                    "profile_sha256": profile_sha,
                    "credential_pk": newest,
                    "ruleset_sha256": sha,
                    "checked_on": ctx.today,
                    "run_id": run_id,
                }
            )
        new = write_events_in(conn, derived, webhooks=hooks, now=ctx.now)
        written = len(new)
        kinds.update(ev.kind for _, ev in new)
        _upsert_states(conn, states)
        r = _t(EventRun)
        conn.execute(
            r.update()
            .where(r.c.id == run_id)
            .values(
                batches=r.c.batches + 1,
                educators=r.c.educators + len(todo),
                events=r.c.events + written,
                last_educator=ids[-1],
            )
        )
        session.commit()
    report.batches += 1
    report.educators += len(todo)
    report.events += written
    report.payroll_proposed += proposed
    for k, n in kinds.items():
        report.by_kind[k] = report.by_kind.get(k, 0) + n


def _propose(
    session: Session, ed: Educator, doc: Evaluation, events: list[Event]
) -> tuple[list[Event], int]:
    """Store the evaluation behind a `lane_eligible` event and propose its payroll change
    (the existing workflow: proposed → approved → exported); the event names the change."""
    _, change = store_evaluation(
        session=session,
        educator_input=educator_document(ed),
        result=doc,
        result_json=to_json(doc),
        actor=ACTOR,
        propose_payroll=True,
    )
    if change is None:
        return events, 0
    out = []
    for ev in events:
        if ev.kind == "lane_eligible" and ev.subject == change.new_lane:
            detail = {**ev.detail, "payroll_change": change.id}
            ev = Event(ev.kind, ev.educator, ev.subject, ev.period, ev.jurisdiction, detail)
        out.append(ev)
    return out, 1


def _engine_for(name: str) -> DurableEvents | None:
    if name == "plain":
        return None
    if name == "durable" or (name == "auto" and durable_available()):
        return DurableEvents()  # raises a clear error where durable_rules is missing
    if name != "auto":
        raise ValueError(f"unknown events engine {name!r}: durable, plain or auto")
    return None


def run_events(
    engine: Engine,
    *,
    rules: RuleSet,
    today: dt.date,
    batch_size: int = 200,
    max_batches: int | None = None,
    deliver: bool = True,
    send: Sender | None = None,
    now: Callable[[], dt.datetime] = utcnow,
    policy: DeliveryPolicy = DEFAULT_POLICY,
    on_batch: Callable[[RunReport], None] | None = None,
    engine_name: str = "auto",
) -> RunReport:
    """One run: every changed educator in batches of `batch_size` (at most `max_batches`
    batches: the run then stays open and the next run resumes it), then the due webhook
    deliveries (`send` defaults to `http_sender()`). `today` is the day evaluated for; `now`
    the clock that stamps events and signs and schedules deliveries. `on_batch` is called after each
    committed batch. `engine_name`: `durable` (durable_rules, see `_durable`), `plain` (the
    plain evaluator) or `auto` (durable_rules where it is installed); both raise the same
    events."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    with events_lock(engine):
        run_id, resumed = _start_run(engine, today)
        report = RunReport(run_id=run_id, today=today, resumed=resumed)
        shas = {jid: j.sha256 for jid, j in rules.jurisdictions.items()}
        ctx = _Context(rules=rules, today=today, now=now, durable=_engine_for(engine_name))
        after: tuple[str, str] | None = None
        done = True
        while True:
            if max_batches is not None and report.batches >= max_batches:
                done = not _changed(engine, shas, today, after, 1)
                break
            todo = _changed(engine, shas, today, after, batch_size)
            if not todo:
                break
            _batch(engine, ctx, run_id, todo, report)
            after = (todo[-1][0], todo[-1][1])
            if on_batch is not None:
                on_batch(report)
        if done:
            r = _t(EventRun)
            with write_session(engine) as session:
                session.connection().execute(
                    r.update().where(r.c.id == run_id).values(finished=utcnow())
                )
                session.commit()
            report.finished = True
        if deliver:
            if send is None:
                from mccredit.events._deliver import http_sender

                send = http_sender()
            report.delivery = deliver_due(engine, send=send, now=now, policy=policy)
        return report
