"""The evaluation document (DESIGN.md §4) as one typed model family.

The engine and the salary step fill these models; the pipeline returns an `Evaluation`;
views, the CLI, the API and costing read its typed fields (amounts are `Decimal`, dates are
`date`). It becomes JSON once, at the edge: `Evaluation.to_dict()` gives the JSON document
(amounts as decimal strings, dates as `YYYY-MM-DD`), whose keys and order are the contract of
`mccredit evaluate --json` and the API.

Keys the contract writes only sometimes are fields with `exclude_if` (a ledger line's `kind`
only when not `award`, its `notes` only when there are some, a document's `proposal` only for
a what-if...). To extend the document, add a field where its key goes in the JSON (fields
serialize in declaration order), with `exclude_if` when older documents must stay
byte-identical without it.

An amount is kept as the engine shows it: quantized to its unit's increment
(`Plan.shown`), so `str()` of it is the JSON text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from ._trace import Trace
from ._warnings import WarningCode, placeholders

__all__ = [
    "Advancement",
    "AlternativeResult",
    "Allocation",
    "CategoryProgress",
    "Check",
    "Cycle",
    "CycleCap",
    "Evaluation",
    "LedgerKind",
    "LedgerLine",
    "PayPeriod",
    "ProposalApplied",
    "Renewal",
    "RenewalStatus",
    "RulesetRef",
    "Salary",
    "SalaryChange",
    "SalaryStep",
    "Span",
    "Unmet",
    "Warning",
]

RenewalStatus = Literal["complete", "not_started", "expired", "at_risk", "on_track"]
LedgerKind = Literal["award", "stack", "evaluation", "salary"]
PayMode = Literal["full_year", "half_year", "first_pay_period_after", "next_school_year"]
Amounts = dict[str, Decimal]


def _is_none(value: object) -> bool:
    return value is None


def _is_empty(value: object) -> bool:
    return not value


# BaseModel's slots, set through their descriptors (what `model_construct` sets, without
# going through `object.__setattr__` by name)
_SET_DICT = BaseModel.__dict__["__dict__"].__set__
_SET_FIELDS = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__
_DEFAULTS: dict[type, tuple[int, tuple[tuple[str, Any, bool], ...], set[str]]] = {}


def _defaults(cls: type[BaseModel]) -> tuple[int, tuple[tuple[str, Any, bool], ...], set[str]]:
    """How many fields `cls` has, (name, default or factory, is a factory) of each field with
    a default, and the set of all field names (the fields set of a part given every field:
    one set per class, never changed, since parts are frozen and `model_copy` copies it)."""
    found = _DEFAULTS.get(cls)
    if found is None:
        fields = cls.model_fields
        found = (
            len(fields),
            tuple(
                (name, f.default_factory, True)
                if f.default_factory is not None
                else (name, f.default, False)
                for name, f in fields.items()
                if not f.is_required()
            ),
            set(fields),
        )
        _DEFAULTS[cls] = found
    return found


class _Part(BaseModel):
    """A part of the document: immutable, no unknown keys, JSON keys by alias."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", serialize_by_alias=True, validate_by_name=True
    )

    def to_dict(self) -> dict[str, Any]:
        """This part as JSON data (decimals as strings, dates as `YYYY-MM-DD`)."""
        return self.model_dump(mode="json")

    @classmethod
    def build(cls, **values: Any) -> Self:
        """The part from values that already have its fields' types (the engine's own:
        `Decimal`, `date`, `list`, parts built the same way), by field name, without
        validating them again. What `model_construct` does for these models (no extra keys,
        no private attributes): defaults filled, the values set as they are; without its
        per-field alias lookups, which cost as much as the validation they skip. Validation
        added about half of an evaluation's time (issue 14); tests/unit/result/test_build.py
        re-validates every part of every bundled case's result and finds the same values of
        the same types (so the same JSON)."""
        count, defaults, every = _defaults(cls)
        if len(values) < count:
            given = set(values)
            for name, default, factory in defaults:
                if name not in values:
                    values[name] = default() if factory else default
        else:
            given = every
        part = cls.__new__(cls)
        _SET_DICT(part, values)
        _SET_FIELDS(part, given)
        _SET_EXTRA(part, None)
        _SET_PRIVATE(part, None)
        return part

    @classmethod
    def whole(cls, values: dict[str, Any]) -> Self:
        """`build` for values that give every field (no defaults to fill): `values` becomes
        the part's own dict, so the caller must not keep or change it."""
        part = cls.__new__(cls)
        _SET_DICT(part, values)
        _SET_FIELDS(part, _defaults(cls)[2])
        _SET_EXTRA(part, None)
        _SET_PRIVATE(part, None)
        return part


class RulesetRef(_Part):
    id: str = Field(description="`<jurisdiction>@<version>`.")
    sha256: str = Field(description="SHA-256 of the jurisdiction's rule files.")


class ProposalApplied(_Part):
    name: str | None
    sha256: str
    effective: dt.date


class Warning(_Part):
    """Something the result does not count, or may not be able to: a stable code, what it is
    about, and the code's message (`WarningCode.render`)."""

    code: WarningCode
    credential: str | None
    rule: str | None
    message: str

    @classmethod
    def of(
        cls,
        code: WarningCode,
        /,
        *,
        credential: str | None = None,
        rule: str | None = None,
        **params: object,
    ) -> Warning:
        """The warning `code` about `credential`/`rule`, its message filled with `params`
        (`credential` and `rule` fill placeholders of those names too)."""
        names = placeholders(code)
        if "credential" in names:
            params["credential"] = credential
        if "rule" in names:
            params["rule"] = rule
        return cls.build(code=code, credential=credential, rule=rule, message=code.render(**params))


class LedgerLine(_Part):
    """One ledger entry as the document shows it: the amount, its rule and why."""

    credential: str
    unit: str
    amount: Decimal
    rule: str
    title: str
    source: str
    file: str
    line: int
    date: dt.date
    basis: str
    categories: list[str]
    kind: LedgerKind = Field("award", exclude_if=lambda v: v == "award")
    before_caps: Decimal | None = Field(None, exclude_if=_is_none)
    notes: list[str] = Field(default_factory=list, exclude_if=_is_empty)
    consumed_by: str | None = Field(None, exclude_if=_is_none)
    verification: dict[str, Any] | None = Field(
        None,
        exclude_if=_is_none,
        description="What verifying the credential's badge found (a badge credential only).",
    )


class Cycle(_Part):
    start: dt.date
    end: dt.date


class CategoryProgress(_Part):
    required: Decimal
    earned: Decimal
    remaining: Decimal


class CycleCap(_Part):
    """A cycle cap that excluded credit from this renewal."""

    cap: str
    title: str
    source: str
    file: str | None
    line: int | None
    unit: str
    limit: Decimal
    excluded: Decimal


class Allocation(_Part):
    """Credit of one ledger line allocated to one requirement category."""

    credential: str
    rule: str
    category: str
    amount: Decimal


class Check(_Part):
    """One condition of an alternative: what it requires, what was found, whether it holds."""

    condition: str
    required: str
    found: str | None
    met: bool
    message: str


class Span(_Part):
    """When an alternative is in force (either end open)."""

    from_: dt.date | None = Field(alias="from")
    until: dt.date | None


class AlternativeResult(_Part):
    """Another way to meet a requirement or advancement than its credit, checked."""

    id: str
    title: str
    source: str | None
    effective: Span | None
    met: bool
    conditions: list[Check]


class Renewal(_Part):
    """One license's renewal: its cycle, what is required, earned and remaining."""

    license: str
    license_id: str | None
    cycle: Cycle
    required: Amounts
    earned: Amounts
    remaining: Amounts
    categories: dict[str, CategoryProgress]
    complete: bool
    status: RenewalStatus
    short_categories: list[str]
    rule: str
    title: str
    source: str
    file: str | None
    line: int | None
    capped: list[CycleCap]
    allocation: list[Allocation]
    satisfied_by: str | None = Field(
        description="The alternative that completes the renewal when the credit does not."
    )
    alternatives: list[AlternativeResult]


class Unmet(_Part):
    """A condition of an advancement tier not met yet."""

    condition: str
    required: str
    found: str | None
    message: str


class Advancement(_Part):
    """A tier reachable from a license held, eligible or not."""

    tier: str
    from_: str = Field(alias="from")
    eligible: bool
    unmet: list[Unmet]
    rule: str
    title: str
    source: str
    file: str | None
    line: int | None
    satisfied_by: str | None
    alternatives: list[AlternativeResult]


class PayPeriod(_Part):
    date: dt.date
    amount: Decimal


class SalaryChange(_Part):
    """A lane move or base increase, priced (or listed unpriced, with why)."""

    kind: Literal["lane_move", "base_increase"]
    from_lane: str | None = Field(None, exclude_if=_is_none)
    to_lane: str | None = Field(None, exclude_if=_is_none)
    step_on_move: str | None = Field(
        None, exclude_if=_is_none, description="A lane move's step rule (`lateral`, `advance`)."
    )
    credential: str | None = Field(None, exclude_if=_is_none)
    rule: str
    title: str
    source: str
    file: str | None
    line: int | None
    filed: dt.date
    effective_date: dt.date
    pay: PayMode
    annual_delta: Decimal | None
    this_year_delta: Decimal | None
    retro: Decimal | None
    periods: list[PayPeriod]
    unpriced: bool = Field(False, exclude_if=_is_empty)
    unpriced_reason: str | None = Field(None, exclude_if=_is_none)


class SalaryStep(_Part):
    """One step of the salary trace: the placement, then each priced change."""

    what: str
    detail: str
    rule: str | None
    title: str | None = Field(None, exclude_if=_is_none)
    source: str
    file: str | None
    line: int | None


class Salary(_Part):
    """Placement on the salary schedule and the change the credit earns."""

    schedule: str
    schedule_title: str
    lane: str
    step: int
    annual: Decimal
    new_lane: str | None
    new_step: int | None
    new_annual: Decimal | None
    annual_delta: Decimal | None
    effective_date: dt.date | None
    this_year_delta: Decimal | None
    retro: Decimal | None
    pay_periods: int
    unpriced: bool
    changes: list[SalaryChange]
    trace: list[SalaryStep]
    unpriced_reason: str | None = Field(None, exclude_if=_is_none)


class Evaluation(_Part):
    """The evaluation of one educator in one jurisdiction on one date (DESIGN.md §4)."""

    educator: str
    jurisdiction: str
    as_of: dt.date
    ruleset: RulesetRef
    proposal: ProposalApplied | None = Field(
        None, exclude_if=_is_none, description="The what-if applied, if any."
    )
    totals: Amounts = Field(description="Unit → the sum of the ledger.")
    renewal: list[Renewal]
    advancement: list[Advancement]
    salary: Salary | None
    ledger: list[LedgerLine]
    warnings: list[Warning]
    trace: Trace | None = Field(
        None,
        exclude_if=_is_none,
        description="The account behind every figure (`mccredit explain --json` only; see "
        "`mccredit.evaluation._trace`).",
    )

    @classmethod
    def read(cls, doc: Evaluation | Mapping[str, Any]) -> Evaluation:
        """`doc` itself, or the evaluation its JSON document (`to_dict()`, e.g. a stored one)
        holds: consumers take either and read typed fields."""
        return doc if isinstance(doc, Evaluation) else cls.model_validate(doc)
