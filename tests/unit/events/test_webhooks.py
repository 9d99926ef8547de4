"""Issue 13: webhooks against a real receiver on 127.0.0.1: HMAC-SHA256 signatures, retries
with backoff on an injected clock (nothing sleeps), a dead letter after N failures, and
exactly one delivery per event through a kill -9 between deliveries."""

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
from sqlalchemy import Engine
from webhook_receiver import receiver

from mccredit.errors import StoreError
from mccredit.events import DeliveryPolicy, deliver_due, http_sender, run_events, verify_signature
from mccredit.events._webhooks import create_webhook, list_deliveries
from mccredit.store import read_session, write_session
from mccredit.store.repositories import create_api_key

from ._support import TRIO, educator, ingest, outbox, tree

REPO = Path(__file__).resolve().parents[3]
SECRET = "s3cret-for-tests-0123456789"
T0 = dt.datetime(2025, 1, 1, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def rules(tree_writer, tmp_path):
    return tree(tree_writer, tmp_path / "rules")


class Clock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


def hook(db: Engine, url: str, **kw) -> int:
    with write_session(db) as s:
        h, _ = create_webhook(session=s, url=url, secret=SECRET, **kw)
        s.commit()
        return h.id or 0


def derive(db, rules, day: str = "2025-01-01") -> None:
    """Write the day's events (queued for delivery at T0), delivering nothing yet."""
    run_events(db, rules=rules, today=dt.date.fromisoformat(day), deliver=False, now=Clock(T0))


def deliveries(db):
    with read_session(db) as s:
        return list_deliveries(session=s)


def test_each_event_is_delivered_once_signed(db, rules) -> None:
    ingest(db, rules, educator("E-1", *TRIO), educator("E-2", *TRIO[:1]))
    with receiver() as rx:
        hook(db, rx.url, scopes=["xx-yy"])
        hook(db, rx.url + "?other", scopes=["zz-zz"])  # another jurisdiction: never called
        clock = Clock(T0)
        report = run_events(
            db, rules=rules, today=dt.date(2025, 1, 1), send=http_sender(), now=clock
        )
        assert report.delivery is not None and report.delivery.delivered == 3
        keys = outbox(db)  # E-1: stack + at risk; E-2: at risk
        assert len(keys) == 3 and len(rx.requests) == 3
        assert sorted(rx.event_ids()) == sorted(set(rx.event_ids()))
        for r in rx.requests:
            assert r.path == "/hook"
            assert verify_signature(SECRET, r.headers, r.body, now=clock())
            assert not verify_signature(SECRET, r.headers, r.body + b" ", now=clock())
            assert not verify_signature("another-secret-0000", r.headers, r.body)
            # a replay an hour later is refused
            assert not verify_signature(
                SECRET, r.headers, r.body, now=clock() + dt.timedelta(hours=1)
            )
            body = json.loads(r.body)
            assert r.headers["X-Mccredit-Event"] == body["kind"]
            assert str(body["id"]) == r.headers["X-Mccredit-Event-Id"]
            assert (body["kind"], body["educator"], body["subject"], body["period"]) in keys
        # a second run the same day: nothing new, nothing resent
        again = run_events(
            db, rules=rules, today=dt.date(2025, 1, 1), send=http_sender(), now=clock
        )
        assert again.delivery is not None and again.delivery.attempted == 0
        assert len(rx.requests) == 3


def test_failures_retry_with_backoff_on_the_injected_clock(db, rules) -> None:
    ingest(db, rules, educator("E-2", *TRIO[:1]))  # one event: renewal at risk
    policy = DeliveryPolicy(max_attempts=5, base_delay=60, factor=2, max_delay=3600)
    with receiver() as rx:
        hook(db, rx.url, scopes=["xx-yy"])
        derive(db, rules)
        rx.statuses = [500, 503]
        clock = Clock(T0)

        def attempt() -> None:
            deliver_due(db, send=http_sender(), now=clock, policy=policy)

        attempt()  # fails (500): next attempt after 60 s
        (d,) = deliveries(db)
        assert (d.status, d.attempts, d.last_status) == ("pending", 1, 500)
        assert d.next_attempt == T0 + dt.timedelta(seconds=60)
        clock.at = T0 + dt.timedelta(seconds=59)
        attempt()  # not due yet: nothing sent
        assert len(rx.requests) == 1
        clock.at = T0 + dt.timedelta(seconds=60)
        attempt()  # fails (503): next after 120 s more
        (d,) = deliveries(db)
        assert (d.attempts, d.last_status) == (2, 503)
        assert d.next_attempt == clock.at + dt.timedelta(seconds=120)
        clock.at += dt.timedelta(seconds=120)
        attempt()  # 200
        (d,) = deliveries(db)
        assert (d.status, d.attempts, d.delivered_at) == ("delivered", 3, clock.at)
        assert len(set(rx.event_ids())) == 1 and len(rx.requests) == 3
        clock.at += dt.timedelta(days=1)
        attempt()
        assert len(rx.requests) == 3


def test_dead_letter_after_the_last_failed_attempt(db, rules) -> None:
    ingest(db, rules, educator("E-2", *TRIO[:1]))
    policy = DeliveryPolicy(max_attempts=3, base_delay=10, max_delay=10)
    with receiver() as rx:
        hook(db, rx.url, scopes=["xx-yy"])
        derive(db, rules)
        rx.statuses = [500] * 10
        clock = Clock(T0)
        for _ in range(5):
            deliver_due(db, send=http_sender(), now=clock, policy=policy)
            clock.at += dt.timedelta(seconds=10)
        (d,) = deliveries(db)
        assert (d.status, d.attempts, d.last_error) == ("dead", 3, "HTTP 500")
        assert len(rx.requests) == 3  # nothing after the dead letter


def test_no_answer_is_a_failed_attempt(db, rules) -> None:
    ingest(db, rules, educator("E-2", *TRIO[:1]))
    with receiver() as rx:
        closed = rx.url
    hook(db, closed, scopes=["xx-yy"])  # the receiver is gone: connection refused
    derive(db, rules)
    report = deliver_due(db, send=http_sender(timeout=5), now=Clock(T0))
    assert (report.attempted, report.failed) == (1, 1)
    (d,) = deliveries(db)
    assert d.status == "pending" and d.last_status is None and "Connect" in (d.last_error or "")


def test_webhook_following_a_key_and_kind_filter(db, rules) -> None:
    with write_session(db) as s:
        lic, _ = create_api_key(session=s, role="licensure", scopes=["xx-yy"])
        uni, _ = create_api_key(session=s, role="union", scopes=["xx-yy"])
        s.commit()
        with pytest.raises(StoreError, match="union"):
            create_webhook(session=s, url="http://127.0.0.1:9/h", key_id=uni.key_id)
        with pytest.raises(StoreError, match="http"):
            create_webhook(session=s, url="ftp://example.org/h", scopes=["xx-yy"])
        with pytest.raises(StoreError, match="kind"):
            create_webhook(session=s, url="http://h.example/h", scopes=["x"], kinds=["nope"])
    ingest(db, rules, educator("E-1", *TRIO))
    with receiver() as rx:
        hook(db, rx.url, key_id=lic.key_id)
        hook(db, rx.url + "s", scopes=["xx-yy"], kinds=["stack_completed"])
        run_events(db, rules=rules, today=dt.date(2025, 1, 1), send=http_sender(), now=Clock(T0))
        kinds = sorted((r.path, r.headers["X-Mccredit-Event"]) for r in rx.requests)
    assert kinds == [
        ("/hook", "renewal_at_risk"),
        ("/hook", "stack_completed"),
        ("/hooks", "stack_completed"),
    ]


KILLER = """
import datetime as dt, os, signal, sys
import mccredit
from mccredit.events import http_sender, run_events
from mccredit.store import make_engine

url, rules_root, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
real, sent = http_sender(), 0

def send(target, body, headers):
    global sent
    if sent == kill_at:  # the earlier outcomes are committed: die before the next POST
        os.kill(os.getpid(), signal.SIGKILL)
    sent += 1
    return real(target, body, headers)

run_events(make_engine(url), rules=mccredit.load_rules(rules_root), today=dt.date(2025, 1, 1),
           batch_size=2, send=send)
"""


def test_kill_9_between_deliveries_then_run_again_delivers_each_event_once(
    db, url, rules, tmp_path
) -> None:
    ingest(db, rules, *[educator(f"E-{i}", *TRIO[: 1 + i % 3]) for i in range(5)])
    with receiver() as rx:
        hook(db, rx.url, scopes=["xx-yy"])
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        proc = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(KILLER), url, str(tmp_path / "rules"), "3"],
            env=env,
            capture_output=True,
            timeout=300,
        )
        assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
        assert len(rx.requests) == 3
        # the killed run queued on the real clock: so does this one
        report = run_events(db, rules=rules, today=dt.date(2025, 1, 1), send=http_sender())
        assert report.educators == 0  # every batch was committed before the kill
        assert report.delivery is not None and report.delivery.delivered == 3
        ids = rx.event_ids()
        assert len(ids) == len(set(ids)) == len(outbox(db)) == 6
    assert {d.status for d in deliveries(db)} == {"delivered"}


def test_cli_webhooks_add_list_disable_and_deliveries(db, url, rules, tmp_path) -> None:
    from typer.testing import CliRunner

    from mccredit.cli import app

    cli = CliRunner()
    ingest(db, rules, educator("E-2", *TRIO[:1]))
    with receiver() as rx:
        added = cli.invoke(
            app, ["events", "webhooks", "add", rx.url, "--scope", "xx-yy", "--url", url]
        )
        assert added.exit_code == 0, added.output
        secret = added.stdout.strip().splitlines()[-1]
        assert len(secret) >= 32 and " " not in secret
        ran = cli.invoke(
            app,
            [
                "events",
                "run",
                "--today",
                "2025-01-01",
                "--url",
                url,
                "--rules",
                str(tmp_path / "rules"),
            ],
        )
        assert ran.exit_code == 0, ran.output
        assert "1 delivered" in ran.stdout
        (r,) = rx.requests
        assert verify_signature(secret, r.headers, r.body)
    listed = cli.invoke(app, ["events", "webhooks", "list", "--url", url])
    assert "active" in listed.stdout and "delivered 1" in listed.stdout
    assert secret not in listed.stdout
    shown = cli.invoke(app, ["events", "deliveries", "--status", "delivered", "--url", url])
    assert "attempts 1" in shown.stdout
    off = cli.invoke(app, ["events", "webhooks", "disable", "1", "--url", url])
    assert off.exit_code == 0 and "disabled" in off.stdout
    bad = cli.invoke(
        app, ["events", "webhooks", "add", "ftp://x", "--scope", "xx-yy", "--url", url]
    )
    assert bad.exit_code == 2 and "http" in bad.stderr
