"""The one table of what a `when` matcher may say: every field of every context (a credential,
an educator, a license) and every operator, each written once.

A field (`FieldSpec`) has a type, a description, its allowed values where the educator model
closes them (`values`: a credential's `kind`, its badge `verification`, an educator's `role`),
where a value must be declared (`declared`, one of `DECLARED`: a license `type` in
`license_types:`, a credential's `categories` in `categories:`, a `stack` in a catalog the
jurisdiction uses) and the batch roster column that holds it (`column`; None: the columnar path
leaves matchers on that field to the engine).

An operator (`Operator`) has the field types it applies to, what its operand is, what it means,
and its two implementations side by side: `test(value, operand)`, the Python predicate the
engine calls per credential, and `expr(column, operand)`, the polars expression the batch path
evaluates over a roster. Both follow one rule for missing values: a missing value matches only
`ne`, `not_in` and `exists: false`; a list field answers `eq`/`contains` by membership and
`in`/`any_of` by a shared value. Polars is imported only when an expression is built.

The matcher compiler (`_matchers.parse_matcher`, `Matcher.check`), the batch column compiler
(`batch._compile.matcher_expr`) and `mccredit schema matchers` all read this table: adding an
operator or a field is one edit here.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from ..io.educator import CREDENTIAL_KINDS, EDUCATOR_ROLES
from ..verify._result import VERIFICATION_STATUSES

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "CLOSED_VALUES",
    "COMBINATORS",
    "CONTEXTS",
    "DECLARED",
    "FIELDS",
    "OPERATORS",
    "ColumnRef",
    "FieldSpec",
    "FieldType",
    "Operator",
    "table_document",
]

FieldType = Literal["string", "strings", "number", "date", "boolean"]
Context = Literal["credential", "educator", "license"]
CONTEXTS: tuple[Context, ...] = ("credential", "educator", "license")

#: what a value of each type is written as, for messages and `mccredit schema`
TYPE_TEXT: dict[str, str] = {
    "string": "text",
    "strings": "a list of text",
    "number": "a decimal number",
    "date": "a date YYYY-MM-DD",
    "boolean": "true or false",
}


@dataclass(frozen=True)
class FieldSpec:
    """One field a matcher may name."""

    context: Context
    name: str
    type: FieldType
    description: str
    values: tuple[str, ...] | None = None  # the closed set of allowed values
    declared: str | None = None  # where the allowed values are declared (`DECLARED`)
    column: str | None = None  # the batch roster column; None: not evaluated in columns


def _f(
    context: Context,
    name: str,
    type_: FieldType,
    description: str,
    *,
    values: tuple[str, ...] | None = None,
    declared: str | None = None,
    column: str | None = "",
) -> FieldSpec:
    return FieldSpec(
        context, name, type_, description, values, declared, name if column == "" else column
    )


_FIELD_ROWS: tuple[FieldSpec, ...] = (
    _f("credential", "kind", "string", "what the credential is", values=CREDENTIAL_KINDS),
    _f("credential", "issuer", "string", "issuer id, e.g. digital-promise (a catalog issuer)"),
    _f("credential", "code", "string", "the issuer's code for it (a catalog code)"),
    _f(
        "credential",
        "categories",
        "strings",
        "credit categories: the credential's own and its catalog entry's",
        declared="categories",
    ),
    _f(
        "credential",
        "contact_hours",
        "number",
        "clock hours: the credential's, else its catalog entry's",
        column="hours",
    ),
    _f("credential", "semester_credits", "number", "college semester credits"),
    _f("credential", "ceus", "number", "continuing education units"),
    _f("credential", "earned", "date", "the day it was completed"),
    _f("credential", "submitted", "date", "the day it was filed with the district"),
    _f("credential", "audited", "boolean", "a course taken for audit, not for credit"),
    _f("credential", "accepted", "boolean", "its issuer is one the jurisdiction accepts"),
    _f("credential", "in_catalog", "boolean", "its issuer and code are in a catalog it uses"),
    _f(
        "credential",
        "stack",
        "strings",
        "the catalog stacks its code belongs to",
        declared="catalogs",
    ),
    _f(
        "credential",
        "verification",
        "string",
        "the badge's verification result (missing: no badge)",
        values=VERIFICATION_STATUSES,
        column=None,
    ),
    _f("educator", "role", "string", "the educator's role", values=EDUCATOR_ROLES),
    _f("educator", "grade_band", "string", "the grade band taught, e.g. elementary"),
    _f("educator", "experience_years", "number", "years of experience"),
    _f("educator", "jurisdiction", "string", "the educator's jurisdiction id, e.g. us-tn"),
    _f(
        "license",
        "type",
        "string",
        "the license type",
        declared="license_types",
        column="license_type",
    ),
    _f("license", "tier", "string", "the license tier", column="license_tier"),
    _f("license", "issued", "date", "the day it was issued", column="license_issued"),
    _f("license", "expires", "date", "the day it expires", column="license_expires"),
)

#: where a jurisdiction declares the values of a `declared` field: the key → what one value is
#: called, and where an author declares a new one
DECLARED: dict[str, tuple[str, str]] = {
    "license_types": ("license type", "under `license_types:` in jurisdiction.yaml"),
    "categories": ("category", "under `categories:` in jurisdiction.yaml"),
    "catalogs": ("stack", "as a stack of a catalog the jurisdiction uses (`uses:`)"),
}

#: context → field name → its row
FIELDS: dict[str, dict[str, FieldSpec]] = {
    c: {f.name: f for f in _FIELD_ROWS if f.context == c} for c in CONTEXTS
}
#: context → field → its allowed values, for the fields whose values are closed
CLOSED_VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    c: {n: f.values for n, f in fs.items() if f.values is not None} for c, fs in FIELDS.items()
}


@dataclass(frozen=True)
class ColumnRef:
    """A field as a roster column: its expression and type; numbers are integers scaled by
    `scale` (the roster's 10^4), so an operand is compared exactly in integers."""

    expr: pl.Expr
    type: FieldType
    scale: int = 1

    def exact(self, values: Sequence[Any]) -> list[Any]:
        """The operands as column values; a number finer than the scale, which no scaled
        integer equals, is left out."""
        if self.type != "number":
            return list(values)
        scaled = (Fraction(v) * self.scale for v in values)
        return [int(f) for f in scaled if f.denominator == 1]


Operand = Literal["value", "values", "boolean"]


@dataclass(frozen=True)
class Operator:
    """One matcher operator: where it applies, its operand, its meaning, and its Python and
    polars implementations (same answers on every value, missing ones included)."""

    name: str
    operand: Operand
    types: tuple[FieldType, ...]
    meaning: str
    test: Callable[[Any, Any], bool]
    expr: Callable[[ColumnRef, Any], pl.Expr]
    needs: str = ""  # what a field must be for it, when not every type fits

    def fits(self, ftype: str) -> bool:
        return ftype in self.types


# --- the Python predicates: `got` is a field's value (None when missing, a tuple for a list
# field), `want` the operand as parsed (a tuple for `values`)


def _eq(got: Any, want: Any) -> bool:
    if isinstance(got, tuple):
        return want in got
    return got is not None and bool(got == want)


def _ne(got: Any, want: Any) -> bool:
    return not _eq(got, want)


def _in(got: Any, want: Any) -> bool:
    if isinstance(got, tuple):
        return any(g in want for g in got)
    return got is not None and got in want


def _not_in(got: Any, want: Any) -> bool:
    return not _in(got, want)


def _ordered(compare: Callable[[Any, Any], Any]) -> Callable[[Any, Any], bool]:
    def test(got: Any, want: Any) -> bool:
        return got is not None and not isinstance(got, tuple) and bool(compare(got, want))

    return test


def _holds(got: Any, want: Any) -> bool:
    return isinstance(got, tuple) and want in got


def _shares(got: Any, want: Any) -> bool:
    return isinstance(got, tuple) and any(g in want for g in got)


def _exists(got: Any, want: Any) -> bool:
    return (got is not None and got != ()) == bool(want)


# --- the polars expressions, with the same answers on a column (null: a missing value; a
# list column for a list field)


def _has(c: ColumnRef, values: Sequence[Any]) -> pl.Expr:
    """The value is one of `values` (a list column: holds one of them); never null."""
    import polars as pl

    if c.type == "strings":
        if len(values) == 1:
            return c.expr.list.contains(pl.lit(str(values[0])))
        return c.expr.list.eval(pl.element().is_in(list(values))).list.any()
    vals = c.exact(values)
    if not vals:
        return pl.lit(False)
    if c.type == "date":
        hit = c.expr.is_in(pl.Series(vals, dtype=pl.Date))
    else:
        hit = c.expr.is_in(vals)
    return hit & c.expr.is_not_null()


def _compare(
    fn: Callable[[Any, Any], Any], bound_of: Callable[[Fraction], int]
) -> Callable[[ColumnRef, Any], pl.Expr]:
    """An ordered comparison `fn(column, operand)`; a number operand is first rounded inward
    to the column's integers by `bound_of` (ceil for >= and <, floor for > and <=). A missing
    value (null) and a list column never satisfy it."""

    def expr(c: ColumnRef, want: Any) -> pl.Expr:
        import polars as pl

        if c.type == "number":
            bound: Any = bound_of(Fraction(want) * c.scale)
        elif c.type == "date":
            bound = pl.lit(want, pl.Date)
        else:
            return pl.lit(False)
        out: pl.Expr = fn(c.expr, bound)
        return out.fill_null(False)

    return expr


def _present(c: ColumnRef, want: Any) -> pl.Expr:
    present = c.expr.list.len() > 0 if c.type == "strings" else c.expr.is_not_null()
    return present if want else ~present


def _lists(c: ColumnRef, want: Sequence[Any]) -> pl.Expr:
    import polars as pl

    return _has(c, want) if c.type == "strings" else pl.lit(False)


_ALL: tuple[FieldType, ...] = ("string", "strings", "number", "date", "boolean")
_ORDERED: tuple[FieldType, ...] = ("number", "date")
_LIST: tuple[FieldType, ...] = ("strings",)
_ORDERED_NEEDS = "a number or date field"
_LIST_NEEDS = "a list field such as categories"

_OPERATOR_ROWS: tuple[Operator, ...] = (
    Operator(
        "eq",
        "value",
        _ALL,
        "equals the value (a list field: contains it); a bare value means eq",
        _eq,
        lambda c, v: _has(c, (v,)),
    ),
    Operator(
        "ne",
        "value",
        _ALL,
        "differs from the value or is missing (a list field: does not contain it)",
        _ne,
        lambda c, v: ~_has(c, (v,)),
    ),
    Operator(
        "in",
        "values",
        _ALL,
        "is one of the values (a list field: shares one with them)",
        _in,
        _has,
    ),
    Operator(
        "not_in",
        "values",
        _ALL,
        "is none of the values or is missing (a list field: shares none)",
        _not_in,
        lambda c, v: ~_has(c, v),
    ),
    Operator(
        "gte",
        "value",
        _ORDERED,
        "is at least the value (missing: no)",
        _ordered(operator.ge),
        _compare(operator.ge, math.ceil),
        _ORDERED_NEEDS,
    ),
    Operator(
        "gt",
        "value",
        _ORDERED,
        "is more than the value (missing: no)",
        _ordered(operator.gt),
        _compare(operator.gt, math.floor),
        _ORDERED_NEEDS,
    ),
    Operator(
        "lte",
        "value",
        _ORDERED,
        "is at most the value (missing: no)",
        _ordered(operator.le),
        _compare(operator.le, math.floor),
        _ORDERED_NEEDS,
    ),
    Operator(
        "lt",
        "value",
        _ORDERED,
        "is less than the value (missing: no)",
        _ordered(operator.lt),
        _compare(operator.lt, math.ceil),
        _ORDERED_NEEDS,
    ),
    Operator(
        "contains",
        "value",
        _LIST,
        "the list holds the value",
        _holds,
        lambda c, v: _lists(c, (v,)),
        _LIST_NEEDS,
    ),
    Operator(
        "any_of",
        "values",
        _LIST,
        "the list holds at least one of the values",
        _shares,
        _lists,
        _LIST_NEEDS,
    ),
    Operator(
        "exists",
        "boolean",
        _ALL,
        "true: the field has a value (a list: not empty); false: it has none",
        _exists,
        _present,
    ),
)

#: operator name → its row, in the order `mccredit schema` lists them
OPERATORS: dict[str, Operator] = {op.name: op for op in _OPERATOR_ROWS}

#: the keys that combine matchers rather than name a field
COMBINATORS: dict[str, str] = {
    "all": "a list of matchers, every one of which matches",
    "any": "a list of matchers, at least one of which matches",
    "not": "a matcher that does not match",
}

OPERAND_TEXT: dict[str, str] = {
    "value": "one value of the field's type",
    "values": "a non-empty list of values of the field's type",
    "boolean": "true or false",
}


def table_document() -> dict[str, Any]:
    """The table as plain data (`mccredit schema matchers --format json`); keys are stable."""
    return {
        "fields": [
            {
                "context": f.context,
                "name": f.name,
                "type": f.type,
                "values": None if f.values is None else list(f.values),
                "declared_in": f.declared,
                "batch_column": f.column,
                "description": f.description,
            }
            for f in _FIELD_ROWS
        ],
        "operators": [
            {
                "name": op.name,
                "operand": op.operand,
                "field_types": list(op.types),
                "meaning": op.meaning,
            }
            for op in _OPERATOR_ROWS
        ],
        "combinators": [{"name": k, "meaning": v} for k, v in COMBINATORS.items()],
    }
