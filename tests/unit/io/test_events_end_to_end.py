"""Issue 13, done when: a folder of badges ingested for a bundled district (us-va/pwcs,
inheriting us-va's event kinds) produces exactly the expected notifications, visible through
the API and delivered to a local webhook once each, however often the folder is ingested."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fastapi.testclient import TestClient
from webhook_receiver import receiver

import mccredit
from mccredit.api import create_app
from mccredit.events import http_sender, run_events, verify_signature
from mccredit.events._webhooks import create_webhook
from mccredit.io.badge_files import read_badge_paths
from mccredit.io.badges import intake_badges
from mccredit.io.educator import Educator
from mccredit.store import make_engine, upgrade, write_session
from mccredit.store.repositories import create_api_key, put_educator

from .conftest import dp_registry
from .test_folder_intake import dp_badge

SECRET = "end-to-end-secret-0123456789"


def test_a_badge_folder_for_a_district_notifies_once_through_api_and_webhook(
    tmp_path: Path,
) -> None:
    rules = mccredit.default_rules()
    folder = tmp_path / "badges"
    folder.mkdir()
    for n, (code, day) in enumerate([("DP-LIT-201", "2025-01-10"), ("DP-LIT-202", "2025-02-10")]):
        (folder / f"dp-{n}.json").write_text(json.dumps(dp_badge(n + 1, code, code, day)))
    files, unreadable = read_badge_paths([folder])
    assert unreadable == []
    intake = intake_badges(
        files,
        registry=dp_registry(),
        as_of=dt.date(2031, 1, 15),
        known_issuers=rules.issuer_aliases(),
    )
    creds = [c for i in intake for c in i.credentials]
    assert [c["verification"]["status"] for c in creds] == ["verified", "verified"]
    teacher = {
        "id": "PW-E2E",
        "jurisdiction": "us-va/pwcs",
        "licenses": [
            {"type": "collegiate_professional", "issued": "2021-07-01", "expires": "2031-06-30"}
        ],
        "credentials": creds,
    }
    engine = make_engine(f"sqlite:///{tmp_path / 'e2e.db'}")
    upgrade(engine)
    with write_session(engine) as s:
        _, token = create_api_key(session=s, role="payroll", scopes=["us-va/pwcs"])
        for _ in range(2):  # the same folder ingested twice: the second is a replay
            put_educator(
                session=s,
                educator=Educator.model_validate(teacher),
                scopes=["*"],
                actor="t",
            )
        s.commit()
    with receiver() as rx:
        with write_session(engine) as s:
            create_webhook(session=s, url=rx.url, scopes=["us-va/pwcs"], secret=SECRET)
            s.commit()
        for day in ("2031-01-15", "2031-01-16"):  # 166 days before the cycle ends, then a day on
            run_events(engine, rules=rules, today=dt.date.fromisoformat(day), send=http_sender())
        # us-va's kinds, inherited by the district: the renewal is 240 of 270 points short
        # 166 days before its end, and a renewal rule used is past its review_by (2027-06-30)
        bodies = {}
        for r in rx.requests:
            assert verify_signature(SECRET, r.headers, r.body)
            body = json.loads(r.body)
            bodies[body["kind"]] = body
        assert sorted(r.headers["X-Mccredit-Event"] for r in rx.requests) == [
            "renewal_at_risk",
            "rule_stale",
        ]  # each delivered once, over two runs
    risk = bodies["renewal_at_risk"]
    assert (risk["educator"], risk["subject"]) == ("PW-E2E", "collegiate_professional")
    assert risk["detail"]["remaining"] == {"point": "240.00"}
    assert bodies["rule_stale"]["detail"] == {"review_by": "2027-06-30"}
    with TestClient(create_app(engine=engine)) as client:
        listed = client.get(
            "/v1/notifications", headers={"Authorization": f"Bearer {token}"}
        ).json()
    assert sorted((n["id"], n["kind"]) for n in listed["data"]) == sorted(
        (b["id"], k) for k, b in bodies.items()
    )
    engine.dispose()
