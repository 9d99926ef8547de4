"""Shared field types for the pydantic models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator

__all__ = ["Date"]


def _not_a_number(value: Any) -> Any:
    # pydantic's lax mode would read 86400 as a Unix timestamp (1970-01-02): a date is written
    # as YYYY-MM-DD, never as a number.
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        raise ValueError(f"expected a date YYYY-MM-DD, got the number {value}")
    return value


Date = Annotated[dt.date, BeforeValidator(_not_a_number)]
