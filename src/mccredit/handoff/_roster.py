"""The roster a hand-off reads: a batch roster (a folder of `educators`/`credentials` tables,
or one wide .csv/.parquet file; docs/BATCH.md) or educator files (JSON/YAML, or a folder of
them). Badge documents in educator files are verified offline against the trust registry of
the rules root (`rules/issuers/`), so a work list can show each one's result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._yaml import ProblemException, load_file
from ..errors import InputError, Problem
from ..evaluation import to_educator
from ..io.educator import Educator
from ..rules import RuleSet

__all__ = ["Roster", "read_roster"]


@dataclass
class Roster:
    educators: list[Educator] = field(default_factory=list)
    # rows or files that could not be read: file, table/row or line, educator id, reason
    rejected: list[dict[str, Any]] = field(default_factory=list)
    # (educator id, credential id) -> verification status of the badge it came from
    badges: dict[tuple[str, str], str] = field(default_factory=dict)


def _is_batch(p: Path) -> bool:
    if p.is_file():
        return p.suffix in (".csv", ".parquet")
    return any((p / f"educators.{x}").is_file() for x in ("csv", "parquet"))


def _educator_files(p: Path) -> list[Path]:
    if p.is_dir():
        return sorted(x for x in p.rglob("*") if x.suffix in (".json", ".yaml", ".yml"))
    return [p]


def read_roster(
    paths: Sequence[Path], *, rules: RuleSet, jurisdiction: str, now: dt.date | None = None
) -> Roster:
    """Every educator under `paths`; a file or row that is not a valid educator is listed in
    `rejected` (the rest still goes through). InputError when a path does not exist."""
    from ..batch import roster_educators

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise InputError(
            [
                Problem(type="roster.missing", message="no such file or folder", path=str(p))
                for p in missing
            ]
        )
    out = Roster()
    registry = None
    for p in paths:
        if _is_batch(p):
            eds, rej = roster_educators(p, jurisdiction=jurisdiction)
            out.educators.extend(eds)
            out.rejected.extend(rej)
            continue
        for f in _educator_files(p):
            try:
                ed = to_educator(f, rules=rules)
            except InputError as e:
                out.rejected.extend(
                    {
                        "file": pr.path or str(f),
                        "row": pr.line,
                        "educator_id": None,
                        "reason": pr.one_line(),
                    }
                    for pr in e.problems
                )
                continue
            out.educators.append(ed)
            if registry is None:
                registry = _registry(rules)
            out.badges.update(_verify_badges(f, ed, registry, now))
    return out


def _registry(rules: RuleSet) -> Any:
    from ..verify import load_registry

    folder = rules.root / "rules" / "issuers"
    return load_registry(folder) if folder.is_dir() else load_registry()


def _verify_badges(
    f: Path, ed: Educator, registry: Any, now: dt.date | None
) -> dict[tuple[str, str], str]:
    from ..verify import verify_credential
    from .worklist import badge_id

    try:
        data = load_file(f).data
    except ProblemException:  # pragma: no cover - it parsed a moment ago
        return {}
    docs = data.get("badges") if isinstance(data, dict) else None
    out: dict[tuple[str, str], str] = {}
    for doc in docs if isinstance(docs, list) else []:
        if not isinstance(doc, dict):
            continue
        result = verify_credential(doc, registry, now)
        status = result.status if result.reason is None else f"{result.status}: {result.reason}"
        ids = [badge_id(doc)]
        inner = (doc.get("credentialSubject") or {}).get("verifiableCredential")
        if isinstance(inner, list):  # a CLR: its credentials share the CLR's result
            ids.extend(badge_id(x) for x in inner if isinstance(x, dict))
        for cid in ids:
            out[(ed.id, cid)] = status
    return out
