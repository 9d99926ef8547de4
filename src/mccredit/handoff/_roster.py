"""The roster a hand-off reads: a folder of Ed-Fi JSON (`handoff.edfi`), a batch roster (a
folder of `educators`/`credentials` tables, or one wide .csv/.parquet file; docs/BATCH.md) or
educator files (JSON/YAML, or a folder of
them). Badge documents in educator files become credentials with their verification record
(badge intake, `mccredit.io.badges`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..evaluation import to_educator
from ..io.educator import Educator
from ..rules import RuleSet
from .edfi import is_edfi_folder, read_edfi

__all__ = ["Roster", "read_roster"]


@dataclass
class Roster:
    educators: list[Educator] = field(default_factory=list)
    # rows or files that could not be read: file, table/row or line, educator id, reason
    rejected: list[dict[str, Any]] = field(default_factory=list)
    # educator id -> [(education organization id, begin date, end date)] (Ed-Fi assignments)
    schools: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)


def _is_batch(p: Path) -> bool:
    if p.is_file():
        return p.suffix in (".csv", ".parquet")
    return any((p / f"educators.{x}").is_file() for x in ("csv", "parquet"))


def _educator_files(p: Path) -> list[Path]:
    if p.is_dir():
        return sorted(x for x in p.rglob("*") if x.suffix in (".json", ".yaml", ".yml"))
    return [p]


def read_roster(paths: Sequence[Path], *, rules: RuleSet, jurisdiction: str) -> Roster:
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
    for p in paths:
        if is_edfi_folder(p):
            got = read_edfi(p, jurisdiction=jurisdiction)
            out.educators.extend(got.educators)
            out.schools.update(got.schools)
            out.rejected.extend(
                {"file": pr.path, "row": pr.line, "educator_id": None, "reason": pr.message}
                for pr in got.problems
            )
            continue
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
    return out
