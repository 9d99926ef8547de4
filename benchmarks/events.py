"""Event-layer benchmark (issue 13): events/s through durable_rules and through the plain path
on the same educators, printed as a ratio, and the outbox write rate on SQLite and PostgreSQL.

    python benchmarks/events.py [--educators 100000] [--distinct 2000] [--seed 13]
                                [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                [--run 2000]

1. Evaluations: `--distinct` Tennessee educators (fixed seed: licenses ending 0-400 days after
   the run's day, 0-14 micro-credentials and workshops) are evaluated once by the engine; the
   `--educators` documents derived from are these, cycled under distinct educator ids (event
   derivation, not the engine, is what is measured here).
2. Derivation: the same documents through `mccredit.events.derive` (plain, the baseline) and
   through the durable_rules adapter (`DurableEvents`: a session per evaluation, its state
   deleted after); prints evaluations/s and events/s each, the ratio plain / durable, and
   checks both raised the same events.
3. Outbox: the plain path's events written in transactions of 1,000 (`write_events_in`: ON
   CONFLICT DO NOTHING RETURNING id, exactly once), then written again (every key already
   there: all skipped), against a baseline in the same run: a bare executemany INSERT of the
   same rows into a scratch table with no unique key. SQLite always; PostgreSQL when
   `--pg-url` (or MCCREDIT_TEST_POSTGRES_URL) reaches a server (a throw-away schema).
4. `events run` end to end on SQLite for `--run` stored educators (0 to skip): educators/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import mccredit
from mccredit.events import DurableEvents, derive, durable_available, review_dates, settings_for
from mccredit.events._outbox import write_events_in
from mccredit.events._plain import Event
from mccredit.store import make_engine, upgrade, write_session

TODAY = dt.date(2026, 6, 30)
CODES = [
    ("digital-promise", "DP-DL-101"),
    ("digital-promise", "DP-LIT-201"),
    ("digital-promise", "DP-LIT-202"),
    ("bloomboard", "BB-SPED-110"),
    ("nea", "NEA-CM-01"),
    ("ctq", "CTQ-TL-01"),
]


def educator(rng: random.Random, i: int) -> dict[str, Any]:
    end = TODAY + dt.timedelta(days=rng.randint(0, 400))
    issued = end.replace(year=end.year - 6) + dt.timedelta(days=1)
    creds: list[dict[str, Any]] = []
    for k in range(rng.randint(0, 14)):
        earned = issued + dt.timedelta(days=rng.randint(0, (TODAY - issued).days))
        if rng.random() < 0.6:
            issuer, code = rng.choice(CODES)
            creds.append(
                {
                    "id": f"m{k}",
                    "kind": "micro_credential",
                    "issuer": issuer,
                    "code": code,
                    "earned": earned.isoformat(),
                }
            )
        else:
            creds.append(
                {
                    "id": f"w{k}",
                    "kind": "workshop",
                    "earned": earned.isoformat(),
                    "contact_hours": rng.choice([3, 6, 10, 19]),
                }
            )
    return {
        "id": f"TN-{i:06d}",
        "jurisdiction": "us-tn",
        "licenses": [
            {"type": "professional", "issued": issued.isoformat(), "expires": end.isoformat()}
        ],
        "experience_years": rng.randint(1, 30),
        "credentials": creds,
    }


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def outbox_rates(url: str, events: list[Event], label: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    scratch = sa.Table(
        "bench_outbox_scratch",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(40)),
        sa.Column("educator_id", sa.String(200)),
        sa.Column("subject", sa.String(300)),
        sa.Column("period", sa.String(100)),
        sa.Column("jurisdiction", sa.String(200)),
        sa.Column("detail", sa.Text),
        sa.Column("created", sa.DateTime(timezone=True)),
    )
    scratch.drop(engine, checkfirst=True)
    scratch.create(engine)
    import json

    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "kind": e.kind,
            "educator_id": e.educator,
            "subject": e.subject,
            "period": e.period,
            "jurisdiction": e.jurisdiction,
            "detail": json.dumps(dict(e.detail), default=str),
            "created": now,
        }
        for e in events
    ]
    step = 1000

    def timed(fn: Any) -> float:
        t = time.perf_counter()
        for i in range(0, len(events), step):
            with write_session(engine) as s:
                fn(s.connection(), i)
                s.commit()
        return time.perf_counter() - t

    base = timed(lambda c, i: c.execute(sa.insert(scratch), rows[i : i + step]))
    written = 0

    def once(c: Any, i: int) -> None:
        nonlocal written
        written += len(write_events_in(c, events[i : i + step]))

    first = timed(once)
    assert written == len({e.key for e in events}), (written, len(events))
    written = 0
    again = timed(once)
    assert written == 0
    n = len(events)
    print(
        f"outbox {label}: {rate(n, first):,.0f} events/s written exactly once; "
        f"{rate(n, again):,.0f} events/s re-derived (all skipped); baseline bare INSERT "
        f"{rate(n, base):,.0f} rows/s; ratio baseline/exactly-once {first / base:.2f}, "
        f"baseline/re-derive {again / base:.2f}"
    )
    scratch.drop(engine)
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--educators", type=int, default=100_000)
    p.add_argument("--distinct", type=int, default=2000)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--pg-url", default=os.environ.get("MCCREDIT_TEST_POSTGRES_URL"))
    p.add_argument("--run", type=int, default=2000)
    a = p.parse_args(argv)
    rules = mccredit.default_rules()
    tn = rules.get("us-tn")
    settings = settings_for(tn, rules)
    reviews = review_dates(tn)
    rng = random.Random(a.seed)
    t = time.perf_counter()
    pool = [
        mccredit.evaluate(educator(rng, i), as_of=TODAY, rules=rules) for i in range(a.distinct)
    ]
    t_eval = time.perf_counter() - t
    print(f"engine: {a.distinct} evaluations in {t_eval:.1f} s ({rate(a.distinct, t_eval):,.0f}/s)")
    docs = [{**pool[i % a.distinct], "educator": f"TN-{i:06d}"} for i in range(a.educators)]
    t = time.perf_counter()
    plain = [e for d in docs for e in derive(d, settings, now=TODAY, review_by=reviews)]
    t_plain = time.perf_counter() - t
    print(
        f"plain:   {a.educators:,} evaluations in {t_plain:.2f} s: "
        f"{rate(a.educators, t_plain):,.0f} evaluations/s, {rate(len(plain), t_plain):,.0f} "
        f"events/s ({len(plain):,} events)"
    )
    if durable_available():
        engine = DurableEvents()
        t = time.perf_counter()
        durable = [
            e
            for d in docs
            for e in engine.derive(
                d, settings, ruleset_sha256=tn.sha256, now=TODAY, review_by=reviews
            )
        ]
        t_durable = time.perf_counter() - t
        same = [(e.key, dict(e.detail)) for e in durable] == [
            (e.key, dict(e.detail)) for e in plain
        ]
        print(
            f"durable: {a.educators:,} evaluations in {t_durable:.2f} s: "
            f"{rate(a.educators, t_durable):,.0f} evaluations/s, "
            f"{rate(len(durable), t_durable):,.0f} events/s ({len(durable):,} events; "
            f"{'identical to plain' if same else 'DIFFERENT FROM PLAIN'}); "
            f"ratio plain/durable {t_durable / t_plain:.1f}x"
        )
        if not same:
            return 1
    else:
        print("durable: durable_rules is not installed (pip install 'mccredit[events]')")
    with tempfile.TemporaryDirectory() as tmp:
        outbox_rates(f"sqlite:///{Path(tmp) / 'bench.db'}", plain, "SQLite")
        if a.pg_url:
            from mccredit.store._testing import PostgresUnavailable, postgres_schema_url

            try:
                with postgres_schema_url(a.pg_url) as url:
                    outbox_rates(url, plain, "PostgreSQL")
            except PostgresUnavailable as e:
                print(f"outbox PostgreSQL: skipped ({e})")
        if a.run:
            from mccredit.events import run_events
            from mccredit.store.repositories import put_educator

            engine = make_engine(f"sqlite:///{Path(tmp) / 'run.db'}")
            upgrade(engine)
            rng = random.Random(a.seed)
            with write_session(engine) as s:
                for i in range(a.run):
                    ed = mccredit.to_educator(educator(rng, i), rules=rules)
                    put_educator(session=s, educator=ed, scopes=["*"], actor="bench")
                s.commit()
            for name in ("plain", "durable") if durable_available() else ("plain",):
                t = time.perf_counter()
                r = run_events(
                    engine,
                    rules=rules,
                    today=TODAY + dt.timedelta(days=1 if name == "plain" else 2),
                    deliver=False,
                    engine_name=name,
                )
                t_run = time.perf_counter() - t
                print(
                    f"events run ({name}, SQLite): {r.educators:,} educators in {r.batches} "
                    f"batches, {t_run:.1f} s: {rate(r.educators, t_run):,.0f} educators/s "
                    f"(evaluate + derive + write), {r.events:,} new events"
                )
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
