"""Every route × every role: allowed roles get past the role check, others get 403."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import TN, As, pwcs
from sqlalchemy import Engine

from mccredit.store import make_engine, upgrade

ROLES = ("licensure", "payroll", "union", "admin")
EVERYONE = set(ROLES)
RECORDS = {"licensure", "payroll", "admin"}
PAYROLL = {"payroll", "admin"}

# (method, path, json body, roles allowed). Keys are scoped: admin "*", licensure us-tn,
# payroll us-va/pwcs, union us-tn + us-va; paths name records each allowed key may see.
ROUTES = [
    ("get", "/v1/jurisdictions", None, EVERYONE),
    ("get", "/v1/jurisdictions/us-tn", None, EVERYONE),
    ("post", "/v1/evaluate", {"educator": TN}, EVERYONE),
    ("post", "/v1/evaluate/batch", {"educators": [TN]}, EVERYONE),
    ("post", "/v1/explain", {"educator": TN}, EVERYONE),
    ("get", "/v1/educators", None, RECORDS),
    ("get", "/v1/educators/{own}", None, RECORDS),
    ("put", "/v1/educators/{own}", "{own_body}", RECORDS),
    (
        "post",
        "/v1/educators/{own}/credentials",
        {"id": "zz", "kind": "workshop", "earned": "2024-01-01", "contact_hours": 1},
        RECORDS,
    ),
    ("get", "/v1/educators/{own}/evaluation", None, RECORDS),
    ("get", "/v1/educators/{own}/evaluations", None, RECORDS),
    ("get", "/v1/payroll/changes", None, PAYROLL),
    ("post", "/v1/payroll/exports", {}, PAYROLL),
    ("get", "/v1/payroll/exports", None, PAYROLL),
    ("get", "/v1/audit", None, {"admin"}),
]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """Role checks come before any storage: SQLite alone is enough here."""
    e = make_engine(f"sqlite:///{tmp_path / 'roles.db'}")
    upgrade(e)
    yield e
    e.dispose()


@pytest.fixture
def seeded(as_: As) -> None:
    assert as_["admin"].put("/v1/educators/E-1", json=TN).status_code == 201
    assert as_["admin"].put("/v1/educators/P-1", json=pwcs()).status_code == 201


OWN = {
    "licensure": ("E-1", TN),
    "union": ("E-1", TN),
    "admin": ("E-1", TN),
    "payroll": ("P-1", pwcs()),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"), ROUTES, ids=[f"{m.upper()} {p}" for m, p, _, _ in ROUTES]
)
def test_role_matrix(
    as_: As, seeded: None, role: str, method: str, path: str, body: object, allowed: set[str]
) -> None:
    own_id, own_doc = OWN[role]
    url = path.replace("{own}", own_id)
    kw = {}
    if body == "{own_body}":
        kw["json"] = own_doc
    elif body is not None:
        kw["json"] = body
    if role == "payroll" and "/evaluate" in url or role == "payroll" and "/explain" in url:
        kw["json"] = {"educator": pwcs()} if "batch" not in url else {"educators": [pwcs()]}
    r = getattr(as_[role], method)(url, **kw)
    if role in allowed:
        assert r.status_code < 400, (r.status_code, r.text)
    else:
        assert r.status_code == 403, (r.status_code, r.text)
        assert r.json()["type"] == "/problems/forbidden-role"
