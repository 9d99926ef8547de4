"""Worked examples as YAML test cases, run by `mccredit test` and by pytest.

A case file (`jurisdictions/<id>/cases/*.yaml`) is a list of cases:
```yaml
- name: TN professional renewal, one PDP short (FACTS §5.1)
  as_of: 2026-06-30
  input: {id: E-1, licenses: [...], credentials: [...]}     # jurisdiction defaults to the folder's
  expect:
    totals: {pdp: 59}
    renewal: [{license: professional, remaining: {pdp: 1}, complete: false}]
    warnings: [{code: issuer_not_accepted, credential: m6}]
- name: a negative hour is refused
  input: {...}
  error: negative        # the evaluation must fail with a message containing this text
```
Matching: a mapping matches when every expected key matches (other keys are ignored);
numbers and numeric strings compare as decimals; a list matches position by position with the
same length, except `warnings` and `ledger`, where each expected item must match some item
(and an empty list, `warnings: []`, means there must be none).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ._api import evaluate
from ._yaml import ProblemException, load_file
from .errors import MccreditError, Problem, RuleError
from .rules import RuleSet

__all__ = ["CaseResult", "collect_case_files", "run_case_file", "run_cases"]

_UNORDERED = {"warnings", "ledger", "capped", "allocation", "unmet"}
_CASE_KEYS = {"name", "as_of", "jurisdiction", "input", "expect", "error", "description"}


@dataclass
class CaseResult:
    file: str
    line: int
    name: str
    passed: bool
    failures: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def _num(x: Any) -> Decimal | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, Decimal, float)):
        d = Decimal(str(x))
        return d if d.is_finite() else None
    if isinstance(x, str):
        try:
            d = Decimal(x)
        except InvalidOperation:
            return None
        return d if d.is_finite() else None  # 'NaN', 'sNaN', 'Infinity' are text here
    return None


def match(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every way `actual` differs from `expected` (empty when it matches)."""
    here = path or "(document)"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{here}: expected a mapping, got {actual!r}"]
        out: list[str] = []
        for k, v in expected.items():
            key = str(k)
            if key not in actual:
                out.append(f"{path}.{key}: missing from the result" if path else f"{key}: missing")
                continue
            out.extend(match(v, actual[key], f"{path}.{key}" if path else key))
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{here}: expected a list, got {actual!r}"]
        last = path.rsplit(".", 1)[-1]
        if last in _UNORDERED:
            if not expected:  # `warnings: []` means none at all
                return (
                    [] if not actual else [f"{here}: expected none, got {len(actual)}: {actual!r}"]
                )
            out = []
            for i, item in enumerate(expected):
                if not any(not match(item, a, "") for a in actual):
                    out.append(f"{path}[{i}]: no item matches {item!r}")
            return out
        if len(expected) != len(actual):
            return [f"{here}: expected {len(expected)} item(s), got {len(actual)}"]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out.extend(match(e, a, f"{path}[{i}]"))
        return out
    if expected is None or isinstance(expected, bool) or actual is None or isinstance(actual, bool):
        return [] if expected == actual else [f"{here}: expected {expected!r}, got {actual!r}"]
    en, an = _num(expected), _num(actual)
    if en is not None and an is not None:
        return [] if en == an else [f"{here}: expected {expected}, got {actual}"]
    return (
        [] if str(expected) == str(actual) else [f"{here}: expected {expected!r}, got {actual!r}"]
    )


def collect_case_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("cases/*.yaml") if p.is_file()) + sorted(
        p for p in path.rglob("cases/*.yml") if p.is_file()
    )


def _folder_jurisdiction(path: Path, rules: RuleSet) -> str | None:
    parts = path.resolve().parts
    if "cases" not in parts:
        return None
    folder = Path(*parts[: len(parts) - 1 - list(reversed(parts)).index("cases")])
    try:
        return folder.relative_to((rules.root / "jurisdictions").resolve()).as_posix()
    except ValueError:
        return None


def run_case_file(path: Path, rules: RuleSet) -> list[CaseResult]:
    shown = _rel(path, rules.root)
    try:
        located = load_file(path, display=shown)
    except ProblemException as e:
        raise RuleError([e.problem]) from None
    data = located.data
    if not isinstance(data, list):
        raise RuleError(
            [
                Problem(
                    type="case.shape",
                    message="a case file is a list of cases",
                    path=shown,
                    line=1,
                    col=1,
                )
            ]
        )
    default_j = _folder_jurisdiction(path, rules)
    results: list[CaseResult] = []
    for i, case in enumerate(data):
        line = located.marks.get((i,), (1, 1))[0]
        if not isinstance(case, dict) or "name" not in case or "input" not in case:
            results.append(
                CaseResult(
                    shown,
                    line,
                    f"case #{i + 1}",
                    False,
                    [f"{shown}:{line}: a case needs `name` and `input`"],
                )
            )
            continue
        unknown = set(case) - _CASE_KEYS
        name = str(case["name"])
        if unknown or ("expect" in case) == ("error" in case):
            msg = (
                f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_CASE_KEYS)}"
                if unknown
                else "a case needs exactly one of `expect` or `error`"
            )
            results.append(CaseResult(shown, line, name, False, [f"{shown}:{line}: {msg}"]))
            continue
        results.append(_run_one(case, shown, line, default_j, rules))
    return results


def _run_one(
    case: dict[str, Any], shown: str, line: int, default_j: str | None, rules: RuleSet
) -> CaseResult:
    name = str(case["name"])
    inp = dict(case["input"]) if isinstance(case["input"], dict) else case["input"]
    jur = case.get("jurisdiction") or default_j
    if isinstance(inp, dict) and "jurisdiction" not in inp and jur:
        inp["jurisdiction"] = jur
    as_of = case.get("as_of") or dt.date.today().isoformat()
    try:
        doc = evaluate(inp, jurisdiction=jur, as_of=str(as_of), rules=rules)
    except MccreditError as e:
        if "error" in case and str(case["error"]).lower() in str(e).lower():
            return CaseResult(shown, line, name, True)
        return CaseResult(shown, line, name, False, [f"evaluation failed: {e}"])
    if "error" in case:
        return CaseResult(
            shown,
            line,
            name,
            False,
            [f"expected an error containing {case['error']!r}; evaluation succeeded"],
        )
    failures = match(case["expect"], doc)
    return CaseResult(shown, line, name, not failures, failures)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def run_cases(path: Path, rules: RuleSet) -> list[CaseResult]:
    out: list[CaseResult] = []
    for f in collect_case_files(path):
        out.extend(run_case_file(f, rules))
    return out
