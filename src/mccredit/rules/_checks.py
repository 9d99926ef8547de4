"""Reference checks on merged rules: every source, stack, capped rule, unit, license type and
category a rule names must exist (`check_refs`, `check_declared`, at the value's own
file:line:col), and two award rules may not both credit one credential without precedence
(`check_conflicts`)."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Collection
from typing import Any

from pydantic import BaseModel

from .._yaml import Located, locate
from ..errors import Problem
from ._collect import Collector, rule_problem
from ._fields import DECLARED, FIELDS
from ._matchers import Matcher
from ._models import AwardRule, CatalogStack, SourceRef, UnitDef

__all__ = ["Loc", "check_conflicts", "check_declared", "check_refs"]


def check_refs(
    col: Collector,
    merged: dict[str, list[Any]],
    units: dict[str, UnitDef] | None,
    sources: dict[str, SourceRef],
    stacks: dict[str, CatalogStack],
    jid: str,
) -> None:
    """Sources, stacks, capped rules and (with `units`; the loader checks units where they are
    written, in `check_declared`) units."""
    ids = {r.id for rs in merged.values() for r in rs}
    unit_names = ", ".join(sorted(units or ())) or "(none declared)"
    alt_ids: set[str] = set()
    for rules in merged.values():
        for rule in rules:
            for alt in getattr(rule, "alternatives", None) or ():
                if alt.id in ids or alt.id in alt_ids:
                    rule_problem(
                        col,
                        rule,
                        "rule.duplicate_id",
                        f"alternative id {alt.id!r} is already used by a rule or alternative",
                        got=alt.id,
                    )
                alt_ids.add(alt.id)
                if alt.source is not None and alt.source.ref is not None:
                    if alt.source.ref not in sources:
                        rule_problem(
                            col,
                            rule,
                            "rule.unknown_source",
                            f"alternative {alt.id!r}: source.ref {alt.source.ref!r} is not a "
                            f"source of {jid}",
                            expected=", ".join(sorted(sources)),
                            got=alt.source.ref,
                        )
                if units is not None:
                    for u in alt.requires:
                        if u not in units:
                            rule_problem(
                                col,
                                rule,
                                "rule.unknown_unit",
                                f"alternative {alt.id!r}: unit {u!r} is not declared by {jid}",
                                expected=unit_names,
                                got=u,
                            )
    for section, rules in merged.items():
        for rule in rules:
            used: list[str] = []
            if units is None:
                pass
            elif section in ("awards", "caps", "stacks"):
                used = [rule.unit]
            elif section in ("requirements", "advancement"):
                used = list(rule.requires)
                if section == "requirements" and rule.category_unit:
                    used.append(rule.category_unit)
            for u in used:
                if units is not None and u not in units:
                    rule_problem(
                        col,
                        rule,
                        "rule.unknown_unit",
                        f"unit {u!r} is not declared by {jid} or the state it extends",
                        expected=unit_names,
                        got=u,
                    )
            if rule.source.ref is not None and rule.source.ref not in sources:
                rule_problem(
                    col,
                    rule,
                    "rule.unknown_source",
                    f"source.ref {rule.source.ref!r} is not a source of {jid}",
                    expected=", ".join(sorted(sources)),
                    got=rule.source.ref,
                )
            if section == "stacks" and isinstance(rule.require, int):
                count = len(stacks[rule.stack].members) if rule.stack in stacks else 0
                if count and rule.require > count:
                    rule_problem(
                        col,
                        rule,
                        "rule.stack_require",
                        f"require: {rule.require} is more than the stack's {count} members",
                        expected=f"1..{count} or all",
                        got=str(rule.require),
                    )
            if section == "stacks" and rule.stack is not None and rule.stack not in stacks:
                rule_problem(
                    col,
                    rule,
                    "rule.unknown_stack",
                    f"stack {rule.stack!r} is in no catalog this jurisdiction uses",
                    expected=", ".join(sorted(stacks)),
                    got=rule.stack,
                )
            if section == "caps" and rule.rules:
                for rid in rule.rules:
                    if rid not in ids:
                        rule_problem(
                            col,
                            rule,
                            "rule.unknown_rule",
                            f"cap names rule {rid!r}, which does not exist",
                            got=rid,
                        )


Loc = tuple[str | int, ...]


def _matcher_values(raw: Any, fld: str, loc: Loc) -> list[tuple[Loc, Any]]:
    """Where a raw `when` matcher names `fld`: (path below the rule, value) for each value."""
    out: list[tuple[Loc, Any]] = []
    if not isinstance(raw, dict):
        return out
    for key, val in raw.items():
        here = (*loc, key)
        if key in ("all", "any") and isinstance(val, list):
            for i, kid in enumerate(val):
                out.extend(_matcher_values(kid, fld, (*here, i)))
        elif key == "not":
            out.extend(_matcher_values(val, fld, here))
        elif key == fld:
            if isinstance(val, dict):
                for op, arg in val.items():
                    if op == "exists":
                        continue
                    if isinstance(arg, list):
                        out.extend(((*here, op, i), a) for i, a in enumerate(arg))
                    else:
                        out.append(((*here, op), arg))
            else:
                out.append((here, val))
    return out


def _listed(raw: dict[str, Any], key: str) -> list[tuple[Loc, Any]]:
    """A field written as a value or a list of values: (path, value) for each."""
    val = raw.get(key)
    if val is None:
        return []
    if isinstance(val, list):
        return [((key, i), v) for i, v in enumerate(val)]
    return [((key,), val)]


def _keys(raw: dict[str, Any], key: str) -> list[tuple[Loc, Any]]:
    val = raw.get(key)
    return [((key, k), k) for k in val] if isinstance(val, dict) else []


def _matcher_raw(m: Matcher) -> Any:
    """A compiled matcher written back as the mapping it was parsed from."""
    if m.op == "true":
        return {}
    if m.op in ("all", "any"):
        return {m.op: [_matcher_raw(c) for c in m.children]}
    if m.op == "not":
        return {"not": _matcher_raw(m.children[0])}
    value = list(m.value) if isinstance(m.value, tuple) else m.value
    return {m.field: {m.cmp or "eq": value}}


def _plain_data(v: Any) -> Any:
    if isinstance(v, Matcher):
        return _matcher_raw(v)
    if isinstance(v, BaseModel):  # by alias, as written; matchers kept (model_dump flattens them)
        fields = type(v).model_fields
        return {
            f.alias or k: _plain_data(getattr(v, k)) for k, f in fields.items() if k != "origin"
        }
    if isinstance(v, dict):
        return {k: _plain_data(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain_data(x) for x in v]
    return v


def _raw_of(rule: Any) -> dict[str, Any]:
    """A rule model as the raw mapping `_references` reads (aliases, matchers as mappings)."""
    out: dict[str, Any] = _plain_data(rule)
    return out


#: where a rule writes a matcher, and the context it matches in
_MATCHER_KEYS = {"when": "credential", "when_educator": "educator", "when_license": "license"}


def _matcher_refs(refs: dict[str, list[tuple[Loc, Any]]], raw: dict[str, Any], base: Loc) -> None:
    """The values the matchers of `raw` give the fields whose values a jurisdiction declares
    (`FieldSpec.declared`: a license `type`, a credential's `categories`), into `refs`."""
    for key, context in _MATCHER_KEYS.items():
        for spec in FIELDS[context].values():
            if spec.declared is not None and key in raw:
                found = _matcher_values(raw[key], spec.name, (*base, key))
                refs[DECLARED[spec.declared][0]].extend(found)


def _references(section: str, raw: dict[str, Any]) -> dict[str, list[tuple[Loc, Any]]]:
    """The units, license types and categories a raw rule names, each with its path."""
    units: list[tuple[Loc, Any]] = []
    types: list[tuple[Loc, Any]] = []
    cats: list[tuple[Loc, Any]] = []
    stacks: list[tuple[Loc, Any]] = []
    refs = {"unit": units, "license type": types, "category": cats, "stack": stacks}
    _matcher_refs(refs, raw, ())
    if section in ("awards", "caps", "stacks"):
        units.extend(_listed(raw, "unit"))
    if section in ("requirements", "advancement"):
        units.extend(_keys(raw, "requires"))
        units.extend(_listed(raw, "category_unit"))
    if section == "requirements":
        types.extend(_listed(raw, "license"))
        cats.extend(_keys(raw, "categories"))
        cats.extend(_listed(raw, "open_categories"))
    if section == "advancement":
        types.extend(_listed(raw, "from"))
        types.extend(_listed(raw, "tier"))
    if section == "awards":
        cats.extend(_listed(raw, "categories"))
    if section == "caps":
        cats.extend(_listed(raw, "category"))
    if section == "lanes":
        cats.extend(_keys(raw, "category_minimums"))
        for j, item in enumerate(raw.get("credit") or []):
            if isinstance(item, dict):
                cats.extend(((("credit", j, *p), v) for p, v in _listed(item, "categories")))
                _matcher_refs(refs, item, ("credit", j))
    for k, alt in enumerate(raw.get("alternatives") or []):
        if isinstance(alt, dict):
            base: Loc = ("alternatives", k)
            units.extend(((*base, *p), v) for p, v in _keys(alt, "requires"))
    return refs


def check_declared(
    col: Collector,
    merged: dict[str, list[Any]],
    where: dict[int, tuple[Located, Loc]],
    units: dict[str, UnitDef],
    license_types: list[str],
    categories: dict[str, str],
    stacks: Collection[str] | None = None,
) -> None:
    """Every unit, license type and category a rule names must be declared by the
    jurisdiction (or the state it extends), and every stack a matcher names must be one of the
    catalogs it uses (when `stacks` is given): a misspelt `litercy` would otherwise make a
    minimum no credit can ever fill. Reported at the value's own file:line:col."""
    declared: dict[str, tuple[set[str], str, str]] = {
        "unit": (set(units), "unit", "under `units:` in jurisdiction.yaml"),
        "license type": (set(license_types), "license_type", DECLARED["license_types"][1]),
        "category": (set(categories), "category", DECLARED["categories"][1]),
        "stack": (set(stacks or ()), "stack", DECLARED["catalogs"][1]),
    }
    for section, rules in merged.items():
        for rule in rules:
            placed = where.get(id(rule))
            located: Located | None
            base: Loc
            raw: Any
            if placed is None:  # a rule with no file (a proposal's): its model, its id
                located, base, raw = None, (rule.id,), _raw_of(rule)
            else:
                located, base = placed
                raw = located.data
                for part in base:
                    raw = raw[part]
            if not isinstance(raw, dict):
                continue
            for what, refs in _references(section, raw).items():
                known, slug, how = declared[what]
                if what == "stack" and stacks is None:
                    continue
                for sub, value in refs:
                    if not isinstance(value, str) or value in known:
                        continue
                    if what == "unit" and placed is None:
                        continue  # `check_refs` reports a model's units
                    loc = (*base, *sub)
                    line, c = locate(located, loc)
                    if located is None and rule.origin is not None:
                        line, c = rule.origin.line, rule.origin.col
                    near = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
                    hint = f"; did you mean {near[0]!r}?" if near else ""
                    col.problems.append(
                        Problem(
                            type=f"rule.unknown_{slug}",
                            message=(
                                f"rule {rule.id!r} names {what} {value!r}, which its "
                                f"jurisdiction does not declare: declare it {how} (a "
                                f"district inherits its state's){hint}"
                            ),
                            path=located.path if located else None,
                            line=line,
                            col=c,
                            loc=loc,
                            expected=", ".join(sorted(known)) or "(none declared)",
                            got=value,
                        )
                    )


def check_conflicts(col: Collector, awards: list[AwardRule]) -> None:
    """Two award rules for the same unit that could both match one credential (or one
    evaluation) collide unless one `overrides` the other or both say `combines: true`."""
    for i, a in enumerate(awards):
        for b in awards[i + 1 :]:
            if a.unit != b.unit or (a.per == "evaluation") != (b.per == "evaluation"):
                continue
            if a.overrides == b.id or b.overrides == a.id or (a.combines and b.combines):
                continue
            if not _may_overlap(a, b):
                continue
            col.problems.append(
                Problem(
                    type="rule.conflict",
                    message=(
                        f"rules {a.id!r} ({a.origin}) and {b.id!r} ({b.origin}) both award "
                        f"{a.unit!r} for the same credentials with no precedence: add "
                        "`overrides: <id>` to one, narrow a `when`, or mark both `combines: true`"
                    ),
                    path=b.origin.path if b.origin else None,
                    line=b.origin.line if b.origin else None,
                    col=b.origin.col if b.origin else None,
                    loc=(b.id,),
                )
            )


def _may_overlap(a: AwardRule, b: AwardRule) -> bool:
    if a.effective and b.effective:
        lo = max(a.effective.start or _MIN, b.effective.start or _MIN)
        hi = min(a.effective.until or _MAX, b.effective.until or _MAX)
        if lo > hi:
            return False
    for fld in ("kind", "issuer", "code", "audited", "accepted"):
        va, vb = a.when.values_for(fld), b.when.values_for(fld)
        if va is not None and vb is not None and not (va & vb):
            return False
        if va is not None and va <= b.when.excluded_for(fld):
            return False
        if vb is not None and vb <= a.when.excluded_for(fld):
            return False
    return True


_MIN = dt.date.min
_MAX = dt.date.max
