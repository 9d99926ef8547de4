"""The models every rule shares: ids, units, matcher and dated-value fields, where a rule was
written (`Origin`), its `Source`, an effective `Window`, a unit's rounding (`UnitDef`) and the
common rule fields (`_Rule`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from ..._types import Date
from .._dated import DatedDecimal
from .._matchers import Matcher, matcher_schema, parse_matcher

__all__ = [
    "CredentialMatcher",
    "Dated",
    "EducatorMatcher",
    "LicenseMatcher",
    "Origin",
    "RuleId",
    "Source",
    "SourceRef",
    "UnitDef",
    "UnitId",
    "Window",
]

RuleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*(\.[a-z0-9_\-+]+)+$")]
UnitId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


def _parser(context: str) -> Callable[[Any], Any]:
    def parse(v: Any) -> Any:
        return v if isinstance(v, Matcher) else parse_matcher(v, context)

    return parse


# a `when` of each context: parsed by `parse_matcher`; its JSON Schema (for editors) lists the
# context's fields, their allowed values and the operators, from the one table
CredentialMatcher = Annotated[
    Matcher, BeforeValidator(_parser("credential")), WithJsonSchema(matcher_schema("credential"))
]
EducatorMatcher = Annotated[
    Matcher, BeforeValidator(_parser("educator")), WithJsonSchema(matcher_schema("educator"))
]
LicenseMatcher = Annotated[
    Matcher, BeforeValidator(_parser("license")), WithJsonSchema(matcher_schema("license"))
]
Dated = Annotated[
    DatedDecimal,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": ["number", "string"]},
                {
                    "type": "object",
                    "description": "YYYY-MM-DD: value (null ends the series)",
                    "additionalProperties": {"type": ["number", "string", "null"]},
                },
            ]
        }
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, populate_by_name=True
    )


class Origin(_Model):
    """Where a rule was written: the file (relative to the rules root) and its line."""

    path: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class SourceRef(_Model):
    title: str
    address: str | None = None
    document: str | None = None
    snapshot: str | None = None


class Source(_Model):
    """The policy a rule encodes. `ref` names a jurisdiction-level source; `section` adds the
    place inside it. `tag` says `S` (stated by the source) or `I` (inferred: a parameter, its
    value an example)."""

    ref: str | None = None
    document: str | None = None
    section: str | None = None
    address: str | None = None
    tag: Literal["S", "I"] = "S"
    note: str | None = None

    @model_validator(mode="after")
    def _needs_something(self) -> Source:
        if not (self.ref or self.document or self.address):
            raise ValueError("a source needs a ref, a document or an address")
        return self

    def cite(self) -> str:
        parts = [p for p in (self.document, self.section, self.address) if p]
        text = ", ".join(parts)
        return f"{text} [{self.tag}]" if self.tag == "I" else text


class Window(_Model):
    """A date range, both ends inclusive; an open end is written `null` or left out."""

    start: Date | None = Field(default=None, alias="from")
    until: Date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start and self.until and self.until < self.start:
            raise ValueError(f"'until' {self.until} is before 'from' {self.start}")
        return self

    def contains(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (
            self.until is None or day <= self.until
        )


class UnitDef(_Model):
    title: str
    round: Decimal = Decimal("0.01")
    rounding: Literal["half_up", "down", "up", "half_even"] = "half_up"

    @field_validator("round")
    @classmethod
    def _positive(cls, v: Decimal) -> Decimal:
        if v <= 0:
            raise ValueError("the rounding increment must be > 0")
        return v


class _Rule(_Model):
    id: RuleId
    title: str
    source: Source
    effective: Window | None = None
    review_by: Date | None = None
    overrides: str | None = None
    origin: Origin | None = Field(default=None, exclude=True)

    def in_force(self, day: dt.date) -> bool:
        return self.effective is None or self.effective.contains(day)
