"""Fixtures for credential verification: the copied 1EdTech / W3C fixtures and a test registry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mccredit.verify import ContextLoader, TrustRegistry, load_registry

CRED = Path(__file__).resolve().parents[2] / "fixtures" / "credentials"
ONE = CRED / "1edtech"
W3C = CRED / "w3c-vc-di-eddsa"
VECTORS = W3C / "TestVectors"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
#: the day the fixture expectations hold on (a fixed date: results do not drift with the clock)
AS_OF = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def registry() -> TrustRegistry:
    return load_registry(CRED / "trust-registry.yaml")


@pytest.fixture(scope="session")
def w3c_loader() -> ContextLoader:
    """The vendored contexts plus the W3C examples context the test vectors use."""
    return ContextLoader({EXAMPLES_V2: W3C / "contexts" / "credentials-examples-v2.json"})
