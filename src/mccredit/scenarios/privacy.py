"""The union view of a costing document: aggregates only, small groups suppressed.

A costing document never lists a person, but a small group can still single one out: a
scattergram cell holding one teacher shows that teacher's pay, a gain band with two people
shows what each gains. `suppress_small_groups` returns a copy of the document in which every
group of fewer than `minimum` people (1 ≤ people < minimum; an empty group reveals no one)
has its figures blanked (`null` in JSON, an empty CSV cell) and is marked `suppressed: true`:

- scattergram cells (`fte`, `cost`, `average`), per scenario and year;
- gain bands (`people`, `total_gain`), per proposal and year;
- gains by lane and by step band (`people`, `winners`, `losers`, `total_gain`,
  `mean_gain`), per proposal and year; a lane with enough people but fewer than `minimum`
  winners (or losers) keeps its head count and blanks the winners (losers) and the gain
  figures, which would otherwise be those few people's own gains;
- deciles of gain: each is one person's gain (nearest rank), so they are dropped for a year
  with fewer than 10 × `minimum` people (then every decile spans at least `minimum`);
- the largest gains (one row per person) are never in the union view.

Complementary suppression: where a group (one scenario's cells in one year, one proposal's
bands or lanes in one year) has exactly one suppressed row, the next smallest non-empty row
is suppressed too, so the year's published total minus the visible rows does not give the
hidden one back. The document says so under `suppression`. Everything else (year totals,
differences, cost of 1%, of a step, of lane movement) sums over the whole roster, which must
itself hold at least `minimum` educators (the API refuses smaller rosters for union keys).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

__all__ = ["suppress_small_groups"]

RULE = (
    "groups of fewer than {n} people (1 to {m}) are suppressed (figures null), and where a "
    "group is the only one suppressed in its year, the next smallest is suppressed too"
)


def _count(v: Any) -> Decimal:
    return Decimal(str(v)) if v is not None else Decimal(0)


def _suppress(
    rows: list[dict[str, Any]],
    count: str,
    blank: tuple[str, ...],
    minimum: int,
    group: Callable[[dict[str, Any]], Any],
) -> None:
    groups: dict[Any, list[dict[str, Any]]] = {}
    for r in rows:
        r["suppressed"] = False
        groups.setdefault(group(r), []).append(r)
    for members in groups.values():
        small = [r for r in members if 0 < _count(r[count]) < minimum]
        if len(small) == 1:
            others = sorted(
                (r for r in members if _count(r[count]) >= minimum),
                key=lambda r: _count(r[count]),
            )
            small += others[:1]
        for r in small:
            r["suppressed"] = True
            for k in blank:
                r[k] = None


def _lanes(rows: list[dict[str, Any]], minimum: int) -> None:
    _suppress(
        rows,
        "people",
        ("people", "winners", "losers", "total_gain", "mean_gain"),
        minimum,
        lambda r: r["year"],
    )
    for r in rows:
        if r["suppressed"]:
            continue
        few = [k for k in ("winners", "losers") if 0 < _count(r[k]) < minimum]
        for k in few:
            r[k] = None
        if few:
            r["total_gain"] = r["mean_gain"] = None
            r["suppressed"] = True


def suppress_small_groups(doc: dict[str, Any], minimum: int) -> dict[str, Any]:
    """A copy of the costing document `doc` fit for a union key (see module doc)."""
    out = copy.deepcopy(doc)
    scenarios = [out["baseline"], *out["proposals"]]
    for s in scenarios:
        _suppress(s["scattergram"], "fte", ("fte", "cost", "average"), minimum, lambda r: r["year"])
        gains = s.get("gains")
        if gains:
            people: dict[int, int] = {}
            for band in gains["bands"]:
                people[band["year"]] = people.get(band["year"], 0) + int(band["people"])
            _suppress(
                gains["bands"], "people", ("people", "total_gain"), minimum, lambda r: r["year"]
            )
            _lanes(gains["by_lane"], minimum)
            _lanes(gains.get("by_step_band", []), minimum)
            if "deciles" in gains:
                gains["deciles"] = [
                    d for d in gains["deciles"] if people.get(d["year"], 0) >= 10 * minimum
                ]
        for k in [k for k in s if k.startswith("largest_")]:
            del s[k]  # rows about one person each: never in the union view
    out["suppression"] = {"minimum": minimum, "rule": RULE.format(n=minimum, m=minimum - 1)}
    return out
