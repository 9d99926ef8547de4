"""The suite runs every property under one Hypothesis profile (tests/conftest.py): no deadline,
so a slow example on a loaded machine is never a failure."""

from __future__ import annotations

from hypothesis import settings


def test_the_loaded_profile_has_no_deadline() -> None:
    assert settings().deadline is None
    assert settings.get_profile("ci").derandomize is True
    assert (
        settings.get_profile("stress").max_examples > settings.get_profile("mccredit").max_examples
    )
