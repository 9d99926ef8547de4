"""A fresh PostgreSQL schema for one test, or skip (a failure with CI=true): the one copy of
that rule for the store, API and event tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from mccredit.store._testing import PostgresUnavailable, postgres_schema_url, require_postgres

__all__ = ["postgres_url_or_skip"]


@contextmanager
def postgres_url_or_skip() -> Iterator[str]:
    """A URL on a throw-away schema; an unreachable server skips locally and fails in CI."""
    try:
        ctx = postgres_schema_url()
        url = ctx.__enter__()
    except PostgresUnavailable as exc:
        if require_postgres():
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        ctx.__exit__(None, None, None)
