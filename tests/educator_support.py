"""Educator documents the API, store and benchmark tests share (a uniquely named module at
the top of tests/, importable from any test folder): a TN educator and PWCS educators with
graduate courses (`pwcs(id, n)`)."""

from __future__ import annotations

from typing import Any

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
