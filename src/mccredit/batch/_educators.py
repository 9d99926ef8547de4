"""Whole educators from a batch roster (docs/BATCH.md), for the hand-offs that need each
educator's credentials as objects (licensure work lists, the workforce view, Ed-Fi): the same
readers and row checks as `mccredit batch`, one chunk at a time; rejected rows are returned with
their file, table, row and reason, never silently dropped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from ..io.educator import Educator
from ._chunk import _split_wide, _typed
from ._fallback import educators_from_rows
from ._roster import Unsorted, hash_chunks, hash_parts, merge_chunks, open_roster

__all__ = ["roster_educators"]


def _rejects(df: pl.DataFrame, table: str, file: str) -> list[dict[str, Any]]:
    out = []
    for r in df.iter_rows(named=True):
        out.append(
            {
                "file": file,
                "table": table,
                "row": r.get("_row") if "_row" in r else r.get("row"),
                "educator_id": r.get("educator_id"),
                "reason": r.get("reason"),
            }
        )
    return out


def roster_educators(
    path: Path | str, *, jurisdiction: str, chunk_educators: int = 10_000
) -> tuple[list[Educator], list[dict[str, Any]]]:
    """Every educator of the roster at `path` and the rows rejected (RosterError when the
    roster cannot be read at all). Memory holds the educators, not the raw tables."""
    roster = open_roster(path)
    files = {n: str(f) for n, f in roster.files.items()}

    def sources() -> Iterator[Iterator[Any]]:
        yield merge_chunks(roster, chunk_educators, max(chunk_educators, 65_536))
        yield hash_chunks(roster, hash_parts(roster, chunk_educators * 20))

    for attempt, chunks in enumerate(sources()):
        educators: list[Educator] = []
        rejects: list[dict[str, Any]] = []
        try:
            for chunk in chunks:
                if chunk.single:
                    chunk = _split_wide(chunk)
                edu, r_edu = _typed(chunk.educators, "educators")
                cred, r_cred = _typed(chunk.credentials, "credentials")
                evals, r_ev = _typed(chunk.evaluations, "evaluations")
                for df, table in (
                    (r_edu, "educators"),
                    (r_cred, "credentials"),
                    (r_ev, "evaluations"),
                ):
                    rejects.extend(_rejects(df, table, files.get(table, "")))
                known = edu.get_column("educator_id").unique().implode()
                for df, table in ((cred, "credentials"), (evals, "evaluations")):
                    orphan = df.filter(~pl.col("educator_id").is_in(known))
                    for r in orphan.iter_rows(named=True):
                        rejects.append(
                            {
                                "file": files.get(table, ""),
                                "table": table,
                                "row": r["_row"],
                                "educator_id": r["educator_id"],
                                "reason": f"educator {r['educator_id']!r} is not in the "
                                "educators table (or its rows were rejected)",
                            }
                        )
                people, rej = educators_from_rows(edu, cred, evals, jurisdiction)
                educators.extend(e for _, e, _ in people)
                for r in rej:
                    rejects.append({"file": files["educators"], **r})
        except Unsorted:
            if attempt == 1:
                raise
            continue
        return educators, rejects
    raise AssertionError("unreachable")  # pragma: no cover
