"""The account behind every figure (`trace`, issue 10) as typed models: what
`evaluation._trace.build_trace` returns and `mccredit explain --json` shows under `trace`.

Immutable, no unknown keys; JSON once at the edge (`Trace.to_dict()`: decimals as strings,
dates as `YYYY-MM-DD`). Keys and reason codes are a contract like `--json`: added to, never
renamed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Reason",
    "Trace",
    "TraceAdvancement",
    "TraceCondition",
    "TraceCounted",
    "TraceCredential",
    "TraceCut",
    "TraceMissed",
    "TraceNote",
    "TraceOutside",
    "TracePart",
    "TraceRenewal",
    "TraceSalaryLine",
    "TraceWindow",
]

#: why an amount did not count toward a figure
Reason = Literal[
    "outside_window",
    "capped",
    "not_accepted",
    "not_verified",
    "duplicate",
    "no_rule",
    "measure_missing",
    "late_evidence",
    "not_approved",
    "expired",
    "banked",
    "already_in_placement",
    "future_dated",
    "consumed_by_lane_move",
]
SalaryStatus = Literal["consumed_by_lane_move", "banked", "already_in_placement", "raises_base"]


class _Node(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", serialize_by_alias=True, validate_by_name=True
    )

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class TraceCounted(_Node):
    """An amount of a credential that counted toward a figure."""

    figure: str
    unit: str
    amount: Decimal
    rule: str
    by: str | None = Field(None, exclude_if=lambda v: v is None)


class TraceMissed(_Node):
    """An amount (or all) of a credential that did not count toward a figure, and why."""

    figure: str
    reason: Reason
    unit: str | None
    amount: Decimal | None
    rule: str | None
    detail: str


class TraceCredential(_Node):
    credential: str
    kind: str
    earned: dt.date
    counted: list[TraceCounted]
    not_counted: list[TraceMissed]


class TraceOutside(_Node):
    credential: str
    rule: str
    unit: str
    date: dt.date
    amount: Decimal
    detail: str


class TraceWindow(_Node):
    total: dict[str, Decimal]
    entries: list[TraceOutside]


class TraceCut(_Node):
    credential: str
    rule: str
    unit: str
    date: dt.date
    cap: str
    before: Decimal
    counted: Decimal
    excluded: Decimal


class TracePart(_Node):
    """One part of the category allocation; `category` None: credit placed in no category."""

    credential: str
    rule: str
    category: str | None
    amount: Decimal


class TraceRenewal(_Node):
    license: str
    cycle: dict[str, dt.date]
    rule: str
    ledger_total: dict[str, Decimal]
    earned: dict[str, Decimal]
    outside_window: TraceWindow
    capped: list[TraceCut]
    allocation: list[TracePart]


class TraceCondition(_Node):
    condition: str
    required: str
    found: str | None
    met: bool
    message: str


class TraceAdvancement(_Node):
    tier: str
    from_: str = Field(alias="from")
    eligible: bool
    rule: str
    window: dict[str, dt.date] | None
    conditions: list[TraceCondition]
    satisfied_by: str | None
    alternatives: list[dict[str, Any]]


class TraceSalaryLine(_Node):
    credential: str
    rule: str
    unit: str
    amount: Decimal
    status: SalaryStatus
    by: str | None
    notes: list[str]


class TraceNote(_Node):
    rule: str
    title: str
    tag: Literal["S", "I"]
    note: str
    file: str | None
    line: int | None


class Trace(_Node):
    """The account: every credential, each renewal, each advancement tier, the salary credit
    and the rule notes (see `evaluation._trace`)."""

    credentials: list[TraceCredential]
    renewal: list[TraceRenewal]
    advancement: list[TraceAdvancement]
    salary: list[TraceSalaryLine]
    notes: list[TraceNote]
