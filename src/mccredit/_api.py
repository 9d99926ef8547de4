"""The public Python API: load rules, evaluate, explain, serialize.

```python
import mccredit
rules = mccredit.load_rules()                      # bundled jurisdictions
doc = mccredit.evaluate("educator.json", jurisdiction="us-tn", as_of="2026-06-30")
print(doc["totals"], doc["renewal"][0]["remaining"])   # the JSON document
ev = mccredit.evaluation_of("educator.json", jurisdiction="us-tn", as_of="2026-06-30")
print(ev.totals, ev.renewal[0].remaining)              # the same, typed (Decimal, date)
print(mccredit.explain("educator.json", jurisdiction="us-tn"))
```
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .evaluation import (
    as_of_date,
    default_rules,
    evaluate_plan,
    explain_plan,
    load_rules,
    plan_for,
    to_educator,
    to_json,
)
from .io.educator import Educator
from .result import Evaluation
from .rules import RuleSet

if TYPE_CHECKING:
    from .scenarios import Proposal
    from .verify import TrustRegistry

__all__ = [
    "default_rules",
    "evaluate",
    "evaluation_of",
    "explain",
    "load_rules",
    "to_educator",
    "to_json",
]


def evaluate(
    educator: Educator | dict[str, Any] | str | Path,
    *,
    jurisdiction: str | None = None,
    as_of: dt.date | str | None = None,
    rules: RuleSet | None = None,
    proposal: Proposal | dict[str, Any] | None = None,
    registry: TrustRegistry | None = None,
    trace: bool = False,
) -> dict[str, Any]:
    """Evaluate one educator; returns the DESIGN.md §4 JSON document (amounts as strings),
    exactly what `mccredit evaluate --json` prints (`evaluation_of` returns it typed).
    With `trace`, the document also carries the account behind every figure under `trace`
    (what `mccredit explain --json` prints; see `mccredit.evaluation._trace`).

    `jurisdiction` defaults to the educator's own; `as_of` defaults to today; `proposal` is a
    what-if overlay (see `mccredit.scenarios`), named with its sha256 in the result. Badges
    under the educator's `badges` are verified on `as_of` against `registry` (default: the
    rules' trust registry, rules/issuers/).
    """
    return evaluation_of(
        educator,
        jurisdiction=jurisdiction,
        as_of=as_of,
        rules=rules,
        proposal=proposal,
        registry=registry,
        trace=trace,
    ).to_dict()


def evaluation_of(
    educator: Educator | dict[str, Any] | str | Path,
    *,
    jurisdiction: str | None = None,
    as_of: dt.date | str | None = None,
    rules: RuleSet | None = None,
    proposal: Proposal | dict[str, Any] | None = None,
    registry: TrustRegistry | None = None,
    trace: bool = False,
) -> Evaluation:
    """Evaluate one educator (as `evaluate`); returns the typed `Evaluation`, whose
    `to_dict()` is the JSON document."""
    ruleset = rules if rules is not None else default_rules()
    day = as_of_date(as_of)
    ed = to_educator(educator, rules=ruleset, as_of=day, registry=registry)
    j = ruleset.get(jurisdiction or ed.jurisdiction)
    if proposal is not None:
        from .scenarios import apply_proposal  # what-if overlays load on first use

        j = apply_proposal(j, proposal)
    plan = plan_for(ruleset, j, day)
    return explain_plan(plan, ed) if trace else evaluate_plan(plan, ed)


def explain(
    educator: Educator | dict[str, Any] | str | Path,
    *,
    jurisdiction: str | None = None,
    as_of: dt.date | str | None = None,
    rules: RuleSet | None = None,
    proposal: Proposal | dict[str, Any] | None = None,
) -> str:
    """A readable account of every figure: its rule, title, source and file:line, then what
    did not count and why (the `trace`)."""
    from .views import render_text, render_trace

    ev = evaluation_of(
        educator, jurisdiction=jurisdiction, as_of=as_of, rules=rules, proposal=proposal, trace=True
    )
    assert ev.trace is not None
    return render_text(ev) + render_trace(ev.trace)
