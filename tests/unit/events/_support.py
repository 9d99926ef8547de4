"""Shared event-test data: a rules tree with a stack bonus, a renewal requirement and the
events it declares; educators; intake through the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

import mccredit
from mccredit.store import write_session
from mccredit.store.repositories import put_educator
from mccredit.store.tables import OutboxEvent

#: a one-unit test jurisdiction (clock hours, issuer acme) without events
BASE = """\
id: xx-yy
name: Test jurisdiction
uses: [mini]
accept:
  issuers: [acme]
license_types: [professional]
units:
  hr: {title: Clock hour, round: "0.01", rounding: half_up}
sources:
  law: {title: Test law, address: "https://example.org/law"}
"""
JURISDICTION = (
    BASE
    + """\
events:
  stack_completed: {}
  renewal_at_risk: {days_before_end: 180, min_remaining: "0.01"}
  renewal_complete: {}
"""
)

RULES = """\
awards:
  - id: xx.hr.micro
    title: A micro-credential earns 6 hours
    source: {ref: law, section: "1"}
    when: {kind: micro_credential, accepted: true}
    unit: hr
    per: credential
    amount: 6
stacks:
  - id: xx.stack.trio
    title: Completing the trio earns 10 more
    source: {ref: law, section: "2"}
    unit: hr
    stack: acme.trio
    amount: 10
requirements:
  - id: xx.renew.professional
    title: Renew with hours
    source: {ref: law, section: "3"}
    license: professional
    cycle_years: 5
    requires: {hr: REQUIRED}
"""


def tree(write_tree: Callable[..., Path], root: Path, required: int = 90) -> mccredit.RuleSet:
    """The rules tree (`write_tree` is the suite's `tree_writer` fixture)."""
    path = write_tree(
        root,
        {"rules/r.yaml": RULES.replace("REQUIRED", str(required))},
        jurisdiction=JURISDICTION,
    )
    return mccredit.load_rules(path)


def mc(id: str, earned: str, code: str) -> dict[str, Any]:
    return {"id": id, "kind": "micro_credential", "issuer": "acme", "code": code, "earned": earned}


TRIO = [
    mc("s1", "2021-01-01", "A-S1"),
    mc("s2", "2021-01-20", "A-S2"),
    mc("s3", "2021-03-01", "A-S3"),
]


def educator(id: str = "E-1", *creds: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": id,
        "jurisdiction": "xx-yy",
        "licenses": [{"type": "professional", "issued": "2020-07-01", "expires": "2025-06-30"}],
        "credentials": list(creds),
    }


def ingest(engine: Engine, rules: mccredit.RuleSet, *docs: dict[str, Any]) -> None:
    with write_session(engine) as s:
        for d in docs:
            put_educator(
                session=s, educator=mccredit.to_educator(d, rules=rules), scopes=["*"], actor="t"
            )
        s.commit()


def outbox(engine: Engine) -> list[tuple[str, str, str, str]]:
    t = OutboxEvent.__table__  # type: ignore[attr-defined]
    with engine.connect() as c:
        rows = c.execute(sa.select(t.c.kind, t.c.educator_id, t.c.subject, t.c.period))
        return sorted((r[0], r[1], r[2], r[3]) for r in rows)
