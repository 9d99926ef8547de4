"""The public Python API: load rules, evaluate, explain, serialize.

```python
import mccredit
rules = mccredit.load_rules()                      # bundled jurisdictions
doc = mccredit.evaluate("educator.json", jurisdiction="us-tn", as_of="2026-06-30")
print(doc["totals"], doc["renewal"][0]["remaining"])
print(mccredit.explain("educator.json", jurisdiction="us-tn"))
```
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from threading import Lock
from typing import Any

from .errors import InputError, Problem
from .evaluation import evaluate_plan, plan_for
from .io.educator import Educator, load_educator, parse_educator
from .rules import RuleSet
from .rules import load_rules as _load_rules
from .rules._dated import parse_date
from .scenarios import Proposal, apply_proposal

__all__ = ["default_rules", "evaluate", "explain", "load_rules", "to_educator", "to_json"]

_DEFAULT: RuleSet | None = None
_LOCK = Lock()


def load_rules(root: Path | str | None = None) -> RuleSet:
    """Load and validate every jurisdiction under `root` (default: the bundled rules)."""
    return _load_rules(root)


def default_rules() -> RuleSet:
    """The bundled rules, loaded once per process."""
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = _load_rules()
        return _DEFAULT


def to_educator(
    educator: Educator | dict[str, Any] | str | Path, *, rules: RuleSet | None = None
) -> Educator:
    """Validate an educator (a model, a dict, or a JSON/YAML file path); badge documents under
    `badges` become credentials, their issuers matched against the catalogs of `rules`."""
    if isinstance(educator, Educator):
        return educator
    known = (rules if rules is not None else default_rules()).issuer_aliases()
    if isinstance(educator, dict):
        return parse_educator(educator, known_issuers=known)
    return load_educator(educator, known_issuers=known)


def _as_of(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except ValueError as e:
        raise InputError(
            [
                Problem(
                    type="input.as_of",
                    message=str(e),
                    loc=("as_of",),
                    expected="YYYY-MM-DD",
                    got=repr(value),
                )
            ]
        ) from None


def evaluate(
    educator: Educator | dict[str, Any] | str | Path,
    *,
    jurisdiction: str | None = None,
    as_of: dt.date | str | None = None,
    rules: RuleSet | None = None,
    proposal: Proposal | dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Evaluate one educator; returns the DESIGN.md §4 document (amounts as strings).

    `jurisdiction` defaults to the educator's own; `as_of` defaults to today; `proposal` is a
    what-if overlay (see `mccredit.scenarios`), named with its sha256 in the result.
    """
    ruleset = rules if rules is not None else default_rules()
    ed = to_educator(educator, rules=ruleset)
    j = ruleset.get(jurisdiction or ed.jurisdiction)
    if proposal is not None:
        j = apply_proposal(j, proposal)
    plan = plan_for(ruleset, j, _as_of(as_of))
    return evaluate_plan(plan, ed)


def explain(
    educator: Educator | dict[str, Any] | str | Path,
    *,
    jurisdiction: str | None = None,
    as_of: dt.date | str | None = None,
    rules: RuleSet | None = None,
    proposal: Proposal | dict[str, Any] | None = None,
) -> str:
    """A readable account of every figure: its rule, title, source and file:line."""
    from .views import render_text

    return render_text(
        evaluate(educator, jurisdiction=jurisdiction, as_of=as_of, rules=rules, proposal=proposal)
    )


def to_json(doc: dict[str, Any]) -> str:
    """Deterministic JSON: the same input and ruleset give byte-identical text."""
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
