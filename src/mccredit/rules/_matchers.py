"""Structured `when` matchers: data, never code.

```yaml
when: {kind: micro_credential, accepted: true}                 # all fields must match
when: {kind: {in: [workshop, conference]}, contact_hours: {gte: 1}}
when: {any: [{kind: graduate_course}, {categories: {contains: literacy}}]}
when: {not: {issuer: unknown-vendor}}
```
A mapping is a conjunction of its entries. A field's value is a literal (equality; for a
list field, membership) or an operator mapping: `eq`, `ne`, `in`, `not_in`, `gte`, `gt`,
`lte`, `lt`, `contains` (list field holds the value), `any_of` (list field shares a value),
`exists` (field present or absent). `all`, `any` and `not` combine matchers.

Each context (credential, educator, license) declares its fields and their types; an unknown
field or operator is a load-time error naming the field and the allowed ones. A field with a
closed set of values (`CLOSED_VALUES`: a credential's `kind`, an educator's `role`) also refuses a
value outside it, wherever it is written (`eq`, `in`/`not_in` lists, inside all/any/not), with
the value's file:line:col and the nearest allowed value ("did you mean 'national_board'").
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import FieldValueError
from ..io.educator import CREDENTIAL_KINDS, EDUCATOR_ROLES
from ..verify._result import VERIFICATION_STATUSES
from ._dated import _to_decimal, parse_date

__all__ = ["CLOSED_VALUES", "CONTEXTS", "Matcher", "parse_matcher"]

Getter = Callable[[str], Any]

CREDENTIAL_FIELDS: dict[str, str] = {
    "kind": "str",
    "issuer": "str",
    "code": "str",
    "categories": "strs",
    "contact_hours": "num",
    "semester_credits": "num",
    "ceus": "num",
    "earned": "date",
    "submitted": "date",
    "audited": "bool",
    "accepted": "bool",
    "in_catalog": "bool",
    "stack": "strs",
    "verification": "str",
}
EDUCATOR_FIELDS: dict[str, str] = {
    "role": "str",
    "grade_band": "str",
    "experience_years": "num",
    "jurisdiction": "str",
}
LICENSE_FIELDS: dict[str, str] = {
    "type": "str",
    "tier": "str",
    "issued": "date",
    "expires": "date",
}
CONTEXTS: dict[str, dict[str, str]] = {
    "credential": CREDENTIAL_FIELDS,
    "educator": EDUCATOR_FIELDS,
    "license": LICENSE_FIELDS,
}
# the values a field can take, where the educator model fixes them (context → field → values)
CLOSED_VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    "credential": {"kind": CREDENTIAL_KINDS, "verification": VERIFICATION_STATUSES},
    "educator": {"role": EDUCATOR_ROLES},
    "license": {},
}
_OPS = ("eq", "ne", "in", "not_in", "gte", "gt", "lte", "lt", "contains", "any_of", "exists")
_ORDERED = {"num", "date"}


@dataclass(frozen=True)
class Matcher:
    """A compiled matcher; `test(get)` asks `get(field)` for each field value it needs."""

    op: str
    children: tuple[Matcher, ...] = ()
    field: str | None = None
    cmp: str | None = None
    value: Any = None

    def test(self, get: Getter) -> bool:
        return self.check(get)

    @property
    def check(self) -> Callable[[Getter], bool]:
        """`test` as one closure, compiled on first use and kept on the matcher: hot loops
        fetch it once and call it per item."""
        fn: Callable[[Getter], bool] | None = self.__dict__.get("_check")
        if fn is None:
            fn = _compile(self)
            object.__setattr__(self, "_check", fn)
        return fn

    @property
    def kinds(self) -> frozenset[Any] | None:
        """`values_for("kind")`, kept on the matcher: a credential of another kind never
        matches, so callers may skip `check` for it."""
        if "_kinds" not in self.__dict__:
            object.__setattr__(self, "_kinds", self.values_for("kind"))
        found: frozenset[Any] | None = self.__dict__["_kinds"]
        return found

    def __getstate__(self) -> dict[str, Any]:
        # what is compiled or derived is rebuilt on use, never pickled
        return {k: v for k, v in self.__dict__.items() if k not in ("_check", "_kinds")}

    def size(self) -> int:
        """How many field conditions the matcher holds: a measure of how specific it is."""
        return (1 if self.op == "field" else 0) + sum(c.size() for c in self.children)

    def excluded_for(self, field: str) -> frozenset[Any]:
        """Values `field` can never take for a match (from ne / not_in / not: {eq|in})."""
        if self.op == "field" and self.field == field and self.cmp in ("ne", "not_in"):
            return frozenset(self.value if self.cmp == "not_in" else (self.value,))
        if self.op == "not":
            inner = self.children[0].values_for(field)
            return inner if inner is not None and self.children[0].op == "field" else frozenset()
        if self.op == "all":
            out: frozenset[Any] = frozenset()
            for c in self.children:
                out |= c.excluded_for(field)
            return out
        return frozenset()

    def mentions(self, field: str) -> bool:
        """Whether any part of the matcher looks at `field`."""
        return self.field == field or any(c.mentions(field) for c in self.children)

    def values_for(self, field: str) -> frozenset[Any] | None:
        """Values `field` must take for a match (from eq/in in the conjunction), else None."""
        if self.op == "field" and self.field == field and self.cmp in ("eq", "in"):
            vals = self.value if self.cmp == "in" else (self.value,)
            return frozenset(vals)
        if self.op == "all":
            found: frozenset[Any] | None = None
            for c in self.children:
                v = c.values_for(field)
                if v is not None:
                    found = v if found is None else found & v
            return found
        if self.op == "any":
            parts = [c.values_for(field) for c in self.children]
            if parts and all(p is not None for p in parts):
                out: frozenset[Any] = frozenset()
                for p in parts:
                    assert p is not None
                    out |= p
                return out
        return None


TRUE = Matcher(op="true")


def _compare(cmp: str, got: Any, want: Any) -> bool:
    if cmp == "exists":
        present = got is not None and got != ()
        return present == bool(want)
    if isinstance(got, tuple):  # list field
        if cmp in ("eq", "contains"):
            return want in got
        if cmp == "any_of" or cmp == "in":
            return any(g in want for g in got)
        if cmp == "ne":
            return want not in got
        if cmp == "not_in":
            return not any(g in want for g in got)
        return False
    if got is None:
        return cmp in ("ne", "not_in")
    if cmp == "eq":
        return bool(got == want)
    if cmp == "ne":
        return bool(got != want)
    if cmp == "in":
        return got in want
    if cmp == "not_in":
        return got not in want
    if cmp == "gte":
        return bool(got >= want)
    if cmp == "gt":
        return bool(got > want)
    if cmp == "lte":
        return bool(got <= want)
    if cmp == "lt":
        return bool(got < want)
    return False


def _always(_get: Getter) -> bool:
    return True


def _compile(m: Matcher) -> Callable[[Getter], bool]:
    """A closure that answers as `_compare` would, with the operator chosen once."""
    if m.op == "true":
        return _always
    if m.op in ("all", "any"):
        parts = tuple(c.check for c in m.children)
        if m.op == "all":

            def all_of(get: Getter) -> bool:
                for part in parts:
                    if not part(get):
                        return False
                return True

            return all_of

        def any_of(get: Getter) -> bool:
            for part in parts:
                if part(get):
                    return True
            return False

        return any_of
    if m.op == "not":
        inner = m.children[0].check
        return lambda get: not inner(get)
    assert m.field is not None
    field, want, cmp = m.field, m.value, m.cmp or "eq"
    compare = _COMPARE.get(cmp)
    if compare is None:
        return lambda get: _compare(cmp, get(field), want)
    return lambda get: compare(get(field), want)


def _eq(got: Any, want: Any) -> bool:
    if isinstance(got, tuple):
        return want in got
    return got is not None and bool(got == want)


def _ne(got: Any, want: Any) -> bool:
    if isinstance(got, tuple):
        return want not in got
    return got is None or bool(got != want)


def _in(got: Any, want: Any) -> bool:
    if isinstance(got, tuple):
        return any(g in want for g in got)
    return got is not None and got in want


def _not_in(got: Any, want: Any) -> bool:
    if isinstance(got, tuple):
        return not any(g in want for g in got)
    return got is None or got not in want


def _gte(got: Any, want: Any) -> bool:
    if got is None or isinstance(got, tuple):
        return False
    return bool(got >= want)


def _lte(got: Any, want: Any) -> bool:
    if got is None or isinstance(got, tuple):
        return False
    return bool(got <= want)


# the common operators, each `_compare` for that operator; the rest go through `_compare`
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": _eq,
    "ne": _ne,
    "in": _in,
    "not_in": _not_in,
    "gte": _gte,
    "lte": _lte,
}


def _coerce(
    ftype: str,
    value: Any,
    where: str,
    closed: tuple[str, ...] | None = None,
    loc: tuple[str | int, ...] = (),
) -> Any:
    if ftype in ("str", "strs"):
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ValueError(f"{where}: expected a string, got {value!r}")
        text = str(value)
        if closed is not None and text not in closed:
            _unknown_value(text, closed, where, loc)
        return text
    if ftype == "num":
        return _to_decimal(value)
    if ftype == "date":
        return parse_date(value)
    if ftype == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{where}: expected true or false, got {value!r}")
        return value
    raise AssertionError(ftype)


def _unknown_value(
    value: str, closed: tuple[str, ...], where: str, loc: tuple[str | int, ...]
) -> None:
    name = next((p for p in reversed(loc) if isinstance(p, str) and p not in _OPS), "value")
    near = difflib.get_close_matches(value, closed, n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]!r}?" if near else f"; allowed: {', '.join(closed)}"
    raise FieldValueError(
        f"{where}: unknown {name} {value!r}{hint}",
        loc=loc,
        type="unknown_value",
        expected=f"one of {', '.join(closed)}",
        got=repr(value),
    )


def parse_matcher(
    raw: Any, context: str, where: str = "when", loc: tuple[str | int, ...] = ()
) -> Matcher:
    """Parse a raw `when` mapping for a context; raise `ValueError` naming the bad part (a
    `FieldValueError` carrying `loc`, the path below `when`, for a value outside a closed set)."""
    fields = CONTEXTS[context]
    closed = CLOSED_VALUES[context]
    if raw is None:
        return TRUE
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected a mapping of field: condition, got {raw!r}")
    parts: list[Matcher] = []
    for key, val in raw.items():
        here = f"{where}.{key}"
        if key in ("all", "any"):
            if not isinstance(val, list) or not val:
                raise ValueError(f"{here}: expected a non-empty list of matchers")
            kids = tuple(
                parse_matcher(v, context, f"{here}[{i}]", (*loc, key, i)) for i, v in enumerate(val)
            )
            parts.append(Matcher(op=key, children=kids))
        elif key == "not":
            kid = parse_matcher(val, context, here, (*loc, key))
            parts.append(Matcher(op="not", children=(kid,)))
        elif key in fields:
            parts.extend(_parse_field(key, fields[key], val, here, closed.get(key), (*loc, key)))
        else:
            allowed = ", ".join(sorted([*fields, "all", "any", "not"]))
            raise ValueError(f"{here}: unknown field {key!r} for a {context}; allowed: {allowed}")
    if len(parts) == 1:
        return parts[0]
    return Matcher(op="all", children=tuple(parts))


def _parse_field(
    name: str,
    ftype: str,
    val: Any,
    where: str,
    closed: tuple[str, ...] | None = None,
    loc: tuple[str | int, ...] = (),
) -> list[Matcher]:
    if not isinstance(val, Mapping):
        if isinstance(val, list):
            raise ValueError(f"{where}: to match one of several values write {{in: [...]}}")
        literal = _coerce(ftype, val, where, closed, loc)
        return [Matcher(op="field", field=name, cmp="eq", value=literal)]
    out: list[Matcher] = []
    for op, arg in val.items():
        here = f"{where}.{op}"
        if op not in _OPS:
            raise ValueError(f"{here}: unknown operator {op!r}; allowed: {', '.join(_OPS)}")
        if op in ("gte", "gt", "lte", "lt") and ftype not in _ORDERED:
            raise ValueError(f"{here}: {op} needs a number or date field, {name!r} is {ftype}")
        if op in ("contains", "any_of") and ftype != "strs":
            raise ValueError(f"{here}: {op} needs a list field such as categories")
        if op == "exists":
            if not isinstance(arg, bool):
                raise ValueError(f"{here}: expected true or false")
            value: Any = arg
        elif op in ("in", "not_in", "any_of"):
            if not isinstance(arg, list) or not arg:
                raise ValueError(f"{here}: expected a non-empty list")
            value = tuple(_coerce(ftype, a, here, closed, (*loc, op, i)) for i, a in enumerate(arg))
        else:
            value = _coerce(ftype, arg, here, closed, (*loc, op))
        out.append(Matcher(op="field", field=name, cmp=op, value=value))
    return out


def date_or_none(value: Any) -> dt.date | None:
    return None if value is None else parse_date(value)


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else _to_decimal(value)
