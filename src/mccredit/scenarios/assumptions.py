"""Costing assumptions: the file a negotiator states beside the proposals (FACTS.md §8).

```yaml
assumptions: PWCS costing, example values
from_year: 2025            # first school year costed (the year its start date falls in)
years: 3                   # years to cost (the contract term)
effective: "10-01"         # MM-DD within each year where placements are priced
school_year_start: "07-01" # MM-DD a school year starts (in-year cost of a mid-year proposal)
contract_days: 195         # days the scale's annual amounts pay for (with a roster's
                           # `contract_days`: pay × FTE × days ÷ contract_days)
lane_filing: "09-15"       # MM-DD lane-move credit is filed each year: the lane rules'
                           # deadlines give when the move pays and the share of that year
                           # (unset: every move pays the whole year)
cpi: {2026: 0.029}         # Wisconsin: the CPI cap on the total base wage increase, per year
scale_growth: 0.02         # baseline scale growth per year where no published scale covers it
steps: automatic           # automatic: +1 step each year (to the schedule's top) | frozen
accrual:                   # salary credit (graduate semester hours) per educator per year
  source: rate             # rate: `per_lane` below | history: the roster's own average
  per_lane: {BA: 3, BA+15: 3, MA: 2}
  default: 0
  approved: true           # the accrued courses had the district's prior approval
micro_credentials:         # micro-credentials earned per educator per year (example values)
  per_lane: {BA: 2}
  default: 0
  issuer: nea              # who issues them (the district's `accept` gate applies)
  categories: {foundational: 0.5, elective: 0.5}   # share of each year's in each category
  approved: true           # earned with prior approval (lane rules with `prior_approval`)
service_bands:             # the step bands gains are reported by, and the years of service
  - {steps: [0, 5], service_years: "0-5"}          # each stands for (example values)
  - {steps: [6, 99], service_years: "6+"}
attrition: {rate: 0.08, replace_lane: BA, replace_step: 1, seed: 11}
degrees:                   # degrees earned (example values): the share of each lane earning
  code: masters            # one each year, as a credential of kind `degree` with this code,
  per_lane: {BA: 0.04, BA+15: 0.06}   # filed on `filed` (MM-DD) of that school year; who
  filed: "01-20"           # earns one is drawn deterministically from `seed`
  seed: 11
benefits:
  fica_rate: 0.062          # Social Security, up to `wage_base`
  wage_base: 176100         # SSA contribution and benefit base for 2025
  medicare_rate: 0.0145     # on all salary
  retirement_rate: 0.1621   # example value (a state plan's employer rate)
  other_rate: 0.01          # workers' compensation, unemployment: % of salary
  fixed_per_fte: 9000       # health and other fixed benefits per FTE, kept apart
```

Sources: the roll-up and its parts follow FACTS.md §8 (NJSBA "Costing Out the Contract":
FICA 6.2% up to the Social Security wage base plus Medicare 1.45%, a state retirement rate,
workers' compensation and unemployment as % of salary, fixed per-FTE benefits apart). The
6.2% / 1.45% rates are statutory (26 U.S.C. §3111(a), (b)); the wage base is the SSA
"contribution and benefit base" (ssa.gov/oact/cola/cbb.html: $176,100 for 2025). Every other
rate (growth, accrual, attrition, retirement, other, fixed) is an **assumption** of whoever
costs the contract: the defaults here are labelled example values, not sourced figures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .._yaml import Located, ProblemException, load_file, pydantic_problems
from ..errors import InputError

__all__ = [
    "Accrual",
    "Assumptions",
    "MicroCredentials",
    "ServiceBand",
    "Attrition",
    "Benefits",
    "Degrees",
    "load_assumptions",
    "parse_assumptions",
]

#: SSA contribution and benefit base for 2025 (ssa.gov/oact/cola/cbb.html).
SSA_WAGE_BASE_2025 = Decimal(176100)


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Rate = Decimal


#: Rates and units the projection carries to 4 decimal places (so every path adds them exactly).
PLACES = 4


def _places(v: Decimal, what: str) -> Decimal:
    if v.is_finite() and v == v.quantize(Decimal(1).scaleb(-PLACES)):
        return v
    raise ValueError(f"{what} {v} has more than {PLACES} decimal places")


def _per_lane(v: dict[str, Decimal], what: str) -> dict[str, Decimal]:
    bad = [k for k, x in v.items() if x < 0]
    if bad:
        raise ValueError(f"{what} per lane cannot be negative: {bad}")
    for x in v.values():
        _places(x, what)
    return v


class Accrual(_M):
    """Salary credit (in the lane rules' unit, e.g. graduate semester hours) per educator per
    year: a stated rate per lane (`rate`), or each educator's own average over the roster's
    history (`history`: `semester_credits` of credentials earned in the `history_years` years
    before the first costed year). An assumption, not a sourced figure."""

    source: Literal["rate", "history"] = "rate"
    per_lane: dict[str, Decimal] = Field(default_factory=dict)
    default: Decimal = Field(default=Decimal(0), ge=0)
    history_years: int = Field(default=3, ge=1, le=20)
    approved: bool = Field(
        default=True,
        description="The accrued courses had the district's prior approval (a lane rule's "
        "`prior_approval` counts a course only with an approval dated on or before it was "
        "earned)",
    )

    @field_validator("per_lane")
    @classmethod
    def _non_negative(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        return _per_lane(v, "accrual")

    @field_validator("default")
    @classmethod
    def _default_places(cls, v: Decimal) -> Decimal:
        return _places(v, "accrual")

    def rate(self, lane: str) -> Decimal:
        return self.per_lane.get(lane, self.default)


class MicroCredentials(_M):
    """Micro-credentials earned per educator per year, by lane (`per_lane`, else `default`),
    split over the district's categories by `categories` (shares of each year's count, summing
    to at most 1; the rest carry none), issued by `issuer` (None: no issuer) and earned with
    prior approval when `approved`. Each year's micro-credentials are valued by the scenario's
    own lane rules and base increases (a lane rule's credit spec, its `prior_approval`, the
    `accept` gate): an assumption, not a sourced figure."""

    per_lane: dict[str, Decimal] = Field(default_factory=dict)
    default: Decimal = Field(default=Decimal(0), ge=0)
    issuer: str | None = None
    code: str | None = None
    categories: dict[str, Decimal] = Field(default_factory=dict)
    approved: bool = True

    @field_validator("per_lane")
    @classmethod
    def _non_negative(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        return _per_lane(v, "micro-credentials")

    @field_validator("default")
    @classmethod
    def _default_places(cls, v: Decimal) -> Decimal:
        return _places(v, "micro-credentials")

    @field_validator("categories")
    @classmethod
    def _shares(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        if any(x < 0 for x in v.values()) or sum(v.values(), Decimal(0)) > 1:
            raise ValueError("category shares are each ≥ 0 and sum to at most 1")
        return v

    def rate(self, lane: str) -> Decimal:
        return self.per_lane.get(lane, self.default)

    def split(self, lane: str) -> list[tuple[str, Decimal]]:
        """(category, micro-credentials a year) for an educator in `lane` ("" = none), each
        to 4 decimal places, the uncategorised part taking the rounding."""
        n = self.rate(lane)
        if n == 0:
            return []
        q = Decimal(1).scaleb(-PLACES)
        out = [(c, (n * s).quantize(q)) for c, s in sorted(self.categories.items())]
        rest = n - sum((x for _, x in out), Decimal(0))
        if rest:
            out.append(("", rest))
        return [(c, x) for c, x in out if x]


class ServiceBand(_M):
    """A band of steps and the years of service it stands for (the roster carries no service
    dates: whoever costs states what a step band means on the district's scale)."""

    steps: tuple[int, int]
    service_years: str = Field(min_length=1, max_length=40)

    @field_validator("steps")
    @classmethod
    def _ordered(cls, v: tuple[int, int]) -> tuple[int, int]:
        if not 0 <= v[0] <= v[1] <= 99:
            raise ValueError("steps are [first, last], 0 ≤ first ≤ last ≤ 99")
        return v


class Attrition(_M):
    """A flat share of educators leaving each year, replaced at `replace_lane`/`replace_step`;
    who leaves is drawn deterministically from `seed`. An assumption (example values)."""

    rate: Decimal = Field(default=Decimal(0), ge=0, le=1)
    replace: bool = True
    replace_lane: str | None = None
    replace_step: int = Field(default=1, ge=0, le=60)
    seed: int = 0


_MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


def _every_year(v: str) -> str:
    month, day = (int(x) for x in v.split("-"))
    try:
        dt.date(2001, month, day)  # a day every year has (not February 29)
    except ValueError:
        raise ValueError(f"{v} is not a day of every year") from None
    return v


class Degrees(_M):
    """Degrees earned during the costed years: each year from the second, each educator
    starting it on a lane of `per_lane` earns the degree with that probability (drawn
    deterministically from `seed`, per person and year, apart from attrition's draw), as a
    credential of kind `degree` with `code` (and `issuer`), earned and filed on `filed`
    (MM-DD) of that school year. Whether and when it moves the educator, and the share of that
    year it pays, are the scenario's own lane rules' (`projection`). An educator earns the
    degree once. An assumption (example values), not a sourced figure."""

    code: str = Field(min_length=1, max_length=80)
    per_lane: dict[str, Decimal] = Field(min_length=1)
    filed: str = Field(pattern=_MONTH_DAY)
    seed: int = 0
    issuer: str | None = None
    approved: bool = Field(
        default=True,
        description="The degree program had the district's prior approval (a lane rule's "
        "`prior_approval`)",
    )

    @field_validator("per_lane")
    @classmethod
    def _probabilities(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        bad = [k for k, x in v.items() if not 0 <= x <= 1]
        if bad:
            raise ValueError(f"a lane's share earning the degree is from 0 to 1: {bad}")
        for x in v.values():
            _places(x, "degree share")
        return v

    @field_validator("filed")
    @classmethod
    def _filed_day(cls, v: str) -> str:
        return _every_year(v)

    def rate(self, lane: str) -> Decimal:
        return self.per_lane.get(lane, Decimal(0))


class Benefits(_M):
    """Roll-up from salary to total compensation (FACTS.md §8). `fica_rate` applies up to
    `wage_base` (SSA contribution and benefit base), `medicare_rate` to all salary (both
    statutory, 26 U.S.C. §3111); `retirement_rate`, `other_rate` and `fixed_per_fte` are
    assumptions (example values unless the district states them)."""

    fica_rate: Rate = Field(default=Decimal("0.062"), ge=0, le=1)
    wage_base: Decimal = Field(default=SSA_WAGE_BASE_2025, gt=0)
    medicare_rate: Rate = Field(default=Decimal("0.0145"), ge=0, le=1)
    retirement_rate: Rate = Field(default=Decimal(0), ge=0, le=1)
    other_rate: Rate = Field(default=Decimal(0), ge=0, le=1)
    fixed_per_fte: Decimal = Field(default=Decimal(0), ge=0)

    def rolled_up(self, salary: Decimal) -> Decimal:
        """Salary-driven benefits for one educator's `salary` (fixed per-FTE apart)."""
        fica = self.fica_rate * min(salary, self.wage_base)
        return fica + (self.medicare_rate + self.retirement_rate + self.other_rate) * salary


#: Fields added after the first assumptions files were hashed, with their defaults.
_LATER: dict[str, Any] = {
    "school_year_start": "07-01",
    "contract_days": None,
    "cpi": {},
    "micro_credentials": None,
    "service_bands": None,
    "lane_filing": None,
    "degrees": None,
}


class Assumptions(_M):
    """What a costing assumes; each figure is reproducible from the file's sha256."""

    name: str = Field(alias="assumptions", min_length=1)
    description: str | None = None
    from_year: int = Field(ge=1990, le=2100)
    years: int = Field(default=3, ge=1, le=30)
    effective: str = Field(default="10-01", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
    school_year_start: str = Field(
        default="07-01", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
    )
    contract_days: int | None = Field(default=None, ge=1, le=366)
    #: MM-DD a lane move's credit is filed each school year: the lane rules' deadlines then
    #: decide when the move takes effect and the share of that year it pays (`_inyear`);
    #: unset, every move pays the whole year
    lane_filing: str | None = Field(
        default=None, pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
    )
    cpi: dict[int, Decimal] = Field(
        default_factory=dict,
        description="The CPI change a Wisconsin district's total base wages may rise by, per "
        "costed year (e.g. {2026: 0.029}): stated by whoever costs, from the WERC's figure",
    )
    scale_growth: Decimal = Field(default=Decimal(0), ge=-1, le=1)
    steps: Literal["automatic", "frozen"] = "automatic"
    accrual: Accrual = Field(default_factory=Accrual)
    micro_credentials: MicroCredentials | None = None
    service_bands: list[ServiceBand] | None = Field(
        default=None,
        description="The step bands gains are reported by, each with the years of service "
        "it stands for (default: steps 0-5, 6-10, 11-15, 16-20, 21+, unlabelled)",
    )
    attrition: Attrition = Field(default_factory=Attrition)
    degrees: Degrees | None = None
    benefits: Benefits = Field(default_factory=Benefits)
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("effective", "school_year_start", "lane_filing")
    @classmethod
    def _real_day(cls, v: str | None) -> str | None:
        return v if v is None else _every_year(v)

    @property
    def year_list(self) -> list[int]:
        return list(range(self.from_year, self.from_year + self.years))

    @property
    def sha256(self) -> str:
        """Over the canonical JSON of every field; fields added later are left out while
        they hold their defaults, so an unchanged assumptions file keeps its sha256."""
        raw = self.model_dump(mode="json", by_alias=True)
        for k, default in _LATER.items():
            if raw.get(k) == default:
                del raw[k]
        if raw["accrual"].get("approved") is True:
            del raw["accrual"]["approved"]
        return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()


def parse_assumptions(data: Any, *, located: Located | None = None) -> Assumptions:
    """Validate assumptions; every problem is an `InputError` entry (file:line:col if known)."""
    if isinstance(data, Assumptions):
        return data
    try:
        return Assumptions.model_validate(data)
    except ValidationError as e:
        raise InputError(
            pydantic_problems(e, located=located, prefix=(), kind="assumptions")
        ) from None


def load_assumptions(path: Path | str) -> Assumptions:
    """Read and validate an assumptions YAML/JSON file with the located loader."""
    try:
        located = load_file(Path(path))
    except ProblemException as e:
        raise InputError([e.problem]) from None
    return parse_assumptions(located.data, located=located)
