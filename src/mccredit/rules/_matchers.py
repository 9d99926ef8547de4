"""Structured `when` matchers: data, never code.

```yaml
when: {kind: micro_credential, accepted: true}                 # all fields must match
when: {kind: {in: [workshop, conference]}, contact_hours: {gte: 1}}
when: {any: [{kind: graduate_course}, {categories: {contains: literacy}}]}
when: {not: {issuer: unknown-vendor}}
```
A mapping is a conjunction of its entries. A field's value is a literal (equality; for a
list field, membership) or an operator mapping; `all`, `any` and `not` combine matchers. The
fields of each context (credential, educator, license), their types and closed values, and the
operators with their meanings are the one table in `_fields.py` (`mccredit schema matchers`
prints it).

An unknown field or operator is a load-time error naming the field and the allowed ones. A
field with a closed set of values (a credential's `kind` and `verification`, an educator's
`role`) also refuses a value outside it, wherever it is written (`eq`, `in`/`not_in` lists,
inside all/any/not), with the value's file:line:col and the nearest allowed value ("did you
mean 'national_board'").
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import FieldValueError
from ._dated import _to_decimal, parse_date
from ._fields import CLOSED_VALUES, COMBINATORS, FIELDS, OPERATORS, TYPE_TEXT, FieldSpec

__all__ = ["CLOSED_VALUES", "Matcher", "matcher_schema", "parse_matcher"]

Getter = Callable[[str], Any]


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
    field, want = m.field, m.value
    test = OPERATORS[m.cmp or "eq"].test
    return lambda get: test(get(field), want)


def _coerce(spec: FieldSpec, value: Any, where: str, loc: tuple[str | int, ...]) -> Any:
    """One operand as a value of the field's type; a closed field refuses a value outside it."""
    ftype = spec.type
    if ftype in ("string", "strings"):
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ValueError(f"{where}: expected a string, got {value!r}")
        text = str(value)
        if spec.values is not None and text not in spec.values:
            _unknown_value(text, spec.values, where, loc)
        return text
    if ftype == "number":
        return _to_decimal(value)
    if ftype == "date":
        return parse_date(value)
    if not isinstance(value, bool):
        raise ValueError(f"{where}: expected true or false, got {value!r}")
    return value


def _unknown_value(
    value: str, closed: tuple[str, ...], where: str, loc: tuple[str | int, ...]
) -> None:
    name = next((p for p in reversed(loc) if isinstance(p, str) and p not in OPERATORS), "value")
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
    fields = FIELDS[context]
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
            parts.extend(_parse_field(fields[key], val, here, (*loc, key)))
        else:
            allowed = ", ".join(sorted([*fields, *COMBINATORS]))
            raise ValueError(f"{here}: unknown field {key!r} for a {context}; allowed: {allowed}")
    if len(parts) == 1:
        return parts[0]
    return Matcher(op="all", children=tuple(parts))


def _parse_field(
    spec: FieldSpec, val: Any, where: str, loc: tuple[str | int, ...]
) -> list[Matcher]:
    name = spec.name
    if not isinstance(val, Mapping):
        if isinstance(val, list):
            raise ValueError(f"{where}: to match one of several values write {{in: [...]}}")
        literal = _coerce(spec, val, where, loc)
        return [Matcher(op="field", field=name, cmp="eq", value=literal)]
    out: list[Matcher] = []
    for op, arg in val.items():
        here = f"{where}.{op}"
        operator = OPERATORS.get(op)
        if operator is None:
            raise ValueError(f"{here}: unknown operator {op!r}; allowed: {', '.join(OPERATORS)}")
        if not operator.fits(spec.type):
            raise ValueError(
                f"{here}: {op} needs {operator.needs}; {name!r} is {TYPE_TEXT[spec.type]}"
            )
        value: Any
        if operator.operand == "boolean":
            if not isinstance(arg, bool):
                raise ValueError(f"{here}: expected true or false")
            value = arg
        elif operator.operand == "values":
            if not isinstance(arg, list) or not arg:
                raise ValueError(f"{here}: expected a non-empty list")
            value = tuple(_coerce(spec, a, here, (*loc, op, i)) for i, a in enumerate(arg))
        else:
            value = _coerce(spec, arg, here, (*loc, op))
        out.append(Matcher(op="field", field=name, cmp=op, value=value))
    return out


_TYPE_SCHEMA: dict[str, dict[str, Any]] = {
    "string": {"type": ["string", "integer"]},
    "strings": {"type": ["string", "integer"]},
    "number": {"type": ["number", "string"]},
    "date": {"type": "string", "format": "date"},
    "boolean": {"type": "boolean"},
}


def _value_schema(spec: FieldSpec) -> dict[str, Any]:
    if spec.values is not None:
        return {"enum": list(spec.values)}
    return dict(_TYPE_SCHEMA[spec.type])


def matcher_schema(context: str) -> dict[str, Any]:
    """The JSON Schema of a `when` for `context`, from the field and operator table: each
    field a literal or a mapping of the operators that fit its type; all/any/not nest."""
    props: dict[str, Any] = {}
    for spec in FIELDS[context].values():
        value = _value_schema(spec)
        ops: dict[str, Any] = {}
        for op in OPERATORS.values():
            if not op.fits(spec.type):
                continue
            if op.operand == "boolean":
                operand: dict[str, Any] = {"type": "boolean"}
            elif op.operand == "values":
                operand = {"type": "array", "items": value, "minItems": 1}
            else:
                operand = dict(value)
            ops[op.name] = {**operand, "description": op.meaning}
        props[spec.name] = {
            "description": spec.description,
            "anyOf": [value, {"type": "object", "properties": ops, "additionalProperties": False}],
        }
    nested = {"type": "object"}
    for name, meaning in COMBINATORS.items():
        many = {"type": "array", "items": nested, "minItems": 1}
        props[name] = {**(nested if name == "not" else many), "description": meaning}
    return {
        "type": ["object", "null"],
        "description": f"A {context} matcher: field: value | field: {{operator: operand}} | "
        "all/any: [matchers] | not: matcher (`mccredit schema matchers`)",
        "properties": props,
        "additionalProperties": False,
    }
