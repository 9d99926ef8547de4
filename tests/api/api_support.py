"""Shared API test data and helpers (a uniquely named module, not `conftest`, so test files
can import it whichever conftest pytest loaded first)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

TN: dict[str, Any] = {
    "id": "E-1",
    "jurisdiction": "us-tn",
    "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
    "credentials": [
        {"id": "m1", "kind": "micro_credential", "issuer": "nea", "earned": "2023-01-01"}
    ],
}


def pwcs(educator_id: str = "P-1", n: int = 5) -> dict[str, Any]:
    return {
        "id": educator_id,
        "jurisdiction": "us-va/pwcs",
        "salary": {"lane": "BA", "step": 4},
        "credentials": [
            {
                "id": f"g{i}",
                "kind": "graduate_course",
                "earned": f"2024-0{i % 9 + 1}-15",
                "semester_credits": 3,
            }
            for i in range(n)
        ],
    }


class As:
    """`as_["payroll"].get(...)`: a request with that key's bearer token."""

    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def __getitem__(self, name: str) -> Any:
        client, token = self.client, self.tokens[name]

        class _Bound:
            def __getattr__(self, method: str) -> Any:
                fn = getattr(client, method)

                def call(url: str, **kw: Any) -> Any:
                    headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
                    return fn(url, headers=headers, **kw)

                return call

        return _Bound()
