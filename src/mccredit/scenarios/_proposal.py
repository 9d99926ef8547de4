"""A proposal is data: `set`, `add` and `remove` by rule id, effective from a date.

```yaml
proposal: Advanced-degree equivalency at 20 micro-credentials
jurisdiction: us-wi/muskego-norway
effective: 2026-07-01
set:
  - {rule: mn.lane.ade, path: requires, value: 20}
add:
  awards: [{id: ..., title: ..., source: ..., unit: ..., per: ..., amount: ...}]
remove: [tn.pdp.evaluation]
schedules: [<a schedule file's content>]   # e.g. a proposed salary scale
```
Applying it never touches the loaded rules: the jurisdiction is copied. A changed rule keeps
its id; the baseline version ends the day before `effective` and the proposed version starts on
it, so evaluating at dates before and after the proposal costs it year by year. Results carry the
proposal's name and sha256 beside the ruleset's.

The result passes the loader's own reference checks (`check_refs`, `check_conflicts`: unknown
unit, source, stack or capped rule, awards colliding with no precedence) besides the proposal's
(a `set`/`remove`/`overrides` target not in force, an added id already in force). Every problem
is an `InputError` located in the overlay: file:line:col when it was read from a file, else its
field (`proposal.add.awards[0]`), never a crash at evaluation time.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from .._types import Date
from .._yaml import Located, ProblemException, load_file, locate, pydantic_problems
from ..errors import InputError, Problem
from ..rules._checks import check_conflicts, check_declared, check_refs
from ..rules._collect import Collector
from ..rules._merge import resolve_source
from ..rules._models import Origin, RuleFile, ScheduleFile, Window
from ..rules._ruleset import SECTIONS, Jurisdiction

__all__ = ["Proposal", "apply_proposal", "load_proposal", "parse_proposal"]


class SetOp(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rule: str
    path: str = Field(min_length=1)
    value: Any


class Proposal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    name: str = Field(alias="proposal", min_length=1)
    description: str | None = None
    jurisdiction: str | None = None
    effective: Date
    set: list[SetOp] = Field(default_factory=list)
    add: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    remove: list[str] = Field(default_factory=list)
    schedules: list[dict[str, Any]] = Field(default_factory=list)
    # where it was read from (not part of its content or sha256): locates its problems
    _located: Located | None = PrivateAttr(default=None)

    @property
    def sha256(self) -> str:
        raw = self.model_dump(mode="json", by_alias=True)
        return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "effective": self.effective.isoformat()}


def parse_proposal(data: Any, *, located: Located | None = None) -> Proposal:
    if isinstance(data, Proposal):
        return data
    try:
        p = Proposal.model_validate(data)
    except ValidationError as e:
        raise InputError(
            pydantic_problems(e, located=located, prefix=("proposal",), kind="proposal")
        ) from None
    p._located = located
    return p


def load_proposal(path: Path | str) -> Proposal:
    try:
        located = load_file(Path(path))
    except ProblemException as e:
        raise InputError([e.problem]) from None
    return parse_proposal(located.data, located=located)


def _problem(
    loc: tuple[str | int, ...], message: str, type: str = "proposal.invalid", **kw: Any
) -> Problem:
    return Problem(type=type, message=message, loc=("proposal", *loc), **kw)


def _in_file(problem: Problem, located: Located | None) -> Problem:
    """`problem` (at a `proposal.…` field) with the overlay file's path, line and column."""
    if located is None or problem.path is not None or problem.loc[:1] != ("proposal",):
        return problem
    line, col = locate(located, problem.loc[1:])
    return dataclasses.replace(problem, path=located.path, line=line, col=col)


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    cur: Any = data
    for part in parts[:-1]:
        if not isinstance(cur, dict):
            raise KeyError(part)
        child = cur.get(part)
        if isinstance(child, BaseModel):
            child = child.model_dump(by_alias=True)
        cur[part] = dict(child) if isinstance(child, dict) else {}
        cur = cur[part]
    cur[parts[-1]] = value


def _dump(rule: BaseModel) -> dict[str, Any]:
    """The rule's fields as validated objects (matchers and dated series pass through)."""
    return {k: getattr(rule, k) for k in type(rule).model_fields if k != "origin"}


# the field of a rule each loader check is about
_FIELD_OF = {
    "rule.unknown_unit": "unit",
    "rule.unknown_source": "source",
    "rule.unknown_stack": "stack",
    "rule.unknown_rule": "rules",
    "rule.stack_require": "require",
}


def _checked(
    j: Jurisdiction, sections: dict[str, list[Any]], written: dict[str, tuple[str | int, ...]]
) -> list[Problem]:
    """The loader's checks on the result (`written`: id of each rule the overlay wrote → its
    place in the overlay): one id in force twice at once, then the loader's own reference and
    collision checks (unknown unit, source, stack or capped rule; two awards of one unit for
    the same credential with no precedence), each problem moved to the overlay's entry."""
    out: list[Problem] = []
    rules = [r for rs in sections.values() for r in rs]
    for i, a in enumerate(rules):
        for b in rules[i + 1 :]:
            if a.id == b.id and _windows_overlap(a.effective, b.effective):
                out.append(
                    _problem(
                        written.get(b.id, ("add",)),
                        f"rule id {b.id!r} would be in force twice: remove or set "
                        "the existing rule instead of adding one with its id",
                        got=b.id,
                    )
                )
    col = Collector(Path("."))
    check_refs(col, sections, j.units, j.sources, j.catalog_stacks, j.id)
    check_declared(
        col, sections, {}, j.units, list(j.license_types), j.categories, j.catalog_stacks
    )
    check_conflicts(col, sections["awards"])
    for p in col.problems:
        rid = p.loc[0] if p.loc else None
        if rid not in written:
            out.append(p)  # a baseline rule the proposal broke: reported where it is written
            continue
        where = written[str(rid)]
        if where[0] == "add" and len(p.loc) > 1:  # the check's own path into the rule
            where = (*where, *p.loc[1:])
        elif where[0] == "add" and p.type in _FIELD_OF:  # point at the field itself
            where = (*where, _FIELD_OF[p.type])
        out.append(
            _problem(
                where,
                f"{rid}: {p.message}",
                type=p.type.replace("rule.", "proposal.", 1),
                expected=p.expected,
                got=p.got,
            )
        )
    return out


def _windows_overlap(a: Window | None, b: Window | None) -> bool:
    lo = max((w.start for w in (a, b) if w is not None and w.start), default=dt.date.min)
    hi = min((w.until for w in (a, b) if w is not None and w.until), default=dt.date.max)
    return lo <= hi


def apply_proposal(j: Jurisdiction, proposal: Proposal | dict[str, Any]) -> Jurisdiction:
    """A copy of `j` with the proposal applied; raise `InputError` naming each bad part."""
    p = parse_proposal(proposal)
    if p.jurisdiction is not None and p.jurisdiction != j.id:
        raise InputError(
            [
                _problem(
                    ("jurisdiction",),
                    f"the proposal is for {p.jurisdiction!r}, not {j.id!r}",
                    expected=j.id,
                    got=p.jurisdiction,
                )
            ]
        )
    eff = p.effective
    before = eff - dt.timedelta(days=1)
    origin = Origin(path=f"proposal:{p.name}", line=1)
    sections: dict[str, list[Any]] = {s: list(getattr(j, s)) for s in SECTIONS}
    problems: list[Problem] = []
    written: dict[str, tuple[str | int, ...]] = {}  # rule id → where the overlay wrote it

    def find(rule_id: str) -> tuple[str, int] | None:
        for s, rules in sections.items():
            for i, r in enumerate(rules):
                if r.id == rule_id and (r.effective is None or r.effective.contains(eff)):
                    return s, i
        return None

    def end_baseline(s: str, i: int) -> None:
        old = sections[s][i]
        start = old.effective.start if old.effective else None
        if start is not None and start > before:
            sections[s].pop(i)
            return
        sections[s][i] = old.model_copy(update={"effective": Window(start=start, until=before)})

    for k, op in enumerate(p.set):
        hit = find(op.rule)
        if hit is None:
            problems.append(
                _problem(("set", k, "rule"), f"no rule {op.rule!r} in {j.id} on {eff}", got=op.rule)
            )
            continue
        s, i = hit
        old = sections[s][i]
        data = _dump(old)
        try:
            _set_path(data, op.path, copy.deepcopy(op.value))
        except KeyError:
            problems.append(_problem(("set", k, "path"), f"cannot set {op.path!r} on {op.rule!r}"))
            continue
        data["effective"] = {"from": eff, "until": old.effective.until if old.effective else None}
        data["title"] = f"{old.title} (proposal: {p.name})"
        try:
            new = type(old).model_validate(data)
        except ValidationError as e:
            problems.extend(
                pydantic_problems(
                    e, located=None, prefix=("proposal", "set", k, "value"), kind="proposal"
                )
            )
            continue
        end_baseline(s, i)
        sections[s].append(new.model_copy(update={"origin": old.origin}))
        written[new.id] = ("set", k)
    for k, rid in enumerate(p.remove):
        hit = find(rid)
        if hit is None:
            problems.append(_problem(("remove", k), f"no rule {rid!r} in {j.id} on {eff}", got=rid))
            continue
        end_baseline(*hit)
    if p.add:
        unknown = sorted(set(p.add) - set(SECTIONS))
        if unknown:
            problems.append(
                _problem(("add",), f"unknown section(s) {unknown}", expected=", ".join(SECTIONS))
            )
        else:
            try:
                rf = RuleFile.model_validate(p.add)
            except ValidationError as e:
                problems.extend(
                    pydantic_problems(e, located=None, prefix=("proposal", "add"), kind="proposal")
                )
            else:
                for s in SECTIONS:
                    for n, r in enumerate(getattr(rf, s)):
                        written[r.id] = ("add", s, n)
                        if r.overrides is not None:  # an added rule that overrides ends its target
                            hit = find(r.overrides)
                            if hit is None:
                                problems.append(
                                    _problem(
                                        ("add", s, n, "overrides"),
                                        f"{r.id} overrides {r.overrides!r}, "
                                        f"which is not in force on {eff}",
                                    )
                                )
                            else:
                                end_baseline(*hit)
                        win = Window(
                            start=max(eff, r.effective.start)
                            if r.effective and r.effective.start
                            else eff,
                            until=r.effective.until if r.effective else None,
                        )
                        sections[s].append(
                            resolve_source(
                                r.model_copy(update={"effective": win, "origin": origin}), j.sources
                            )
                        )
    schedules = list(j.schedules)
    for k, raw in enumerate(p.schedules):
        try:
            sch = ScheduleFile.model_validate(raw)
        except ValidationError as e:
            problems.extend(
                pydantic_problems(
                    e, located=None, prefix=("proposal", "schedules", k), kind="proposal"
                )
            )
            continue
        schedules.append(sch.model_copy(update={"origin": origin}))
    problems.extend(_checked(j, sections, written))
    if problems:
        raise InputError([_in_file(q, p._located) for q in problems])
    new_j: Jurisdiction = dataclasses.replace(j, schedules=schedules, **sections)  # type: ignore[arg-type]
    new_j.__dict__.pop("rules_by_id", None)
    new_j.proposal = p.summary()
    return new_j
