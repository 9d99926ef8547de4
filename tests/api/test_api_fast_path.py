"""`EvaluateFastPath` answers a plain POST /v1/evaluate exactly as the FastAPI route does
(status, headers, bytes), and passes everything else on untouched."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from api_support import TN, As, pwcs
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mccredit.api import _fast
from mccredit.api.deps import get_evaluator

RID = {"X-Request-ID": "fast-path-test"}
BAD_DATE = {**TN, "credentials": [{**TN["credentials"][0], "earned": "2025-02-30"}]}
PROPOSAL = {"proposal": "x", "effective": "2020-01-01", "remove": ["tn.pdp.micro_credential"]}

# (key, query, body or raw bytes, content type): the plain case and each way out of it
REQUESTS: list[tuple[str | None, str, Any, str]] = [
    ("licensure", "", {"educator": TN, "as_of": "2026-06-30"}, "application/json"),
    ("admin", "", {"educator": pwcs(), "as_of": "2024-12-01"}, "application/json"),
    ("admin", "", {"educator": TN, "as_of": "2026-06-30"}, "application/json; charset=utf-8"),
    ("licensure", "", {"educator": TN}, "application/json"),  # as_of today
    ("licensure_va", "", {"educator": TN, "as_of": "2026-06-30"}, "application/json"),  # 404
    ("licensure", "", {"educator": BAD_DATE, "as_of": "2026-06-30"}, "application/json"),
    ("licensure", "", {"educator": TN, "as_of": "30/06/2026"}, "application/json"),
    ("licensure", "", {"educator": TN, "surprise": 1}, "application/json"),
    ("licensure", "", b'{"educator": ', "application/json"),  # not JSON
    ("licensure", "", b"educator=1", "application/x-www-form-urlencoded"),
    (
        "union",
        "",
        {"educator": TN, "as_of": "2026-06-30", "proposal": PROPOSAL},
        "application/json",
    ),
    ("licensure", "?store=true", {"educator": TN, "as_of": "2026-06-30"}, "application/json"),
    ("union", "?store=true", {"educator": TN, "as_of": "2026-06-30"}, "application/json"),  # 403
    ("admin", "?store=1", {"educator": pwcs(), "as_of": "2024-12-01"}, "application/json"),
    (None, "", {"educator": TN, "as_of": "2026-06-30"}, "application/json"),  # no key
    ("bogus", "", {"educator": TN, "as_of": "2026-06-30"}, "application/json"),
]


def _send(client: TestClient, tokens: dict[str, str], req: tuple[str | None, str, Any, str]):
    key, query, body, ctype = req
    headers = {**RID, "Content-Type": ctype}
    if key is not None:
        headers["Authorization"] = f"Bearer {tokens.get(key, 'not-a-key')}"
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(f"/v1/evaluate{query}", content=content, headers=headers)


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Whether the fast path answered each request it looked at (True) or passed it on."""
    seen: list[bool] = []
    real = _fast._answer

    def spy(*args: Any) -> str | None:
        text = real(*args)
        seen.append(text is not None)
        return text

    monkeypatch.setattr(_fast, "_answer", spy)
    yield seen


def test_the_fast_path_answers_as_the_route(
    app: FastAPI, client: TestClient, as_: As, tokens: dict[str, str], answered: list[bool]
) -> None:
    for name in ("licensure", "licensure_va", "admin", "union"):  # each key in the cache
        as_[name].get("/v1/jurisdictions")
    fast = [_send(client, tokens, r) for r in REQUESTS]
    app.dependency_overrides[get_evaluator] = lambda: app.state.evaluator  # the route only
    try:
        slow = [_send(client, tokens, r) for r in REQUESTS]
    finally:
        app.dependency_overrides.clear()
    for req, a, b in zip(REQUESTS, fast, slow, strict=True):
        assert a.status_code == b.status_code, req
        assert a.headers.items() == b.headers.items(), req
        assert a.content == b.content, req
    assert [r.status_code for r in fast[:4]] == [200] * 4
    assert [r.status_code for r in fast[4:]] == [
        *(404, 422, 422, 422, 422, 422, 200, 200, 403, 200, 401, 401)
    ]
    assert fast[11].headers["location"] == f"/v1/evaluations/{fast[11].headers['x-evaluation-id']}"
    # the plain requests and `?store=true` were answered by the fast path, every other one
    # went on (a form body, another query, a role that may not store and an unknown or
    # missing key never reach it)
    assert answered == [True] * 4 + [False] * 6 + [True]
