"""Badge intake fixtures: the TEST Digital Promise registry (helpers in badge_support)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from badge_support import dp_registry, sign

from mccredit.verify import TrustRegistry


@pytest.fixture(scope="session")
def registry() -> TrustRegistry:
    return dp_registry()


@pytest.fixture(scope="session")
def signer() -> Callable[..., dict[str, Any]]:
    return sign
