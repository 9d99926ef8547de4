"""Shared API test data and helpers (a uniquely named module, not `conftest`, so test files
can import it whichever conftest pytest loaded first)."""

from __future__ import annotations

from typing import Any

from educator_support import TN, pwcs
from fastapi.testclient import TestClient

__all__ = ["TN", "As", "pwcs"]


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
