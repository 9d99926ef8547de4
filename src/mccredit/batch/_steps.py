"""What the columnar steps (`_facts`, `_credits`, `_renewal`, `_categories`, `_advancement`)
share: the ledger and warning frame schemas, and `Collected`, which gathers each step's
warning frames and the educators it hands back to the per-educator path (with why)."""

from __future__ import annotations

import polars as pl

__all__ = ["LEDGER_SCHEMA", "WARNING_COLUMNS", "WARNING_SCHEMA", "Collected", "empty"]

LEDGER_SCHEMA: dict[str, pl.DataType] = {
    "educator_id": pl.String(),
    "credential": pl.String(),
    "unit": pl.String(),
    "amount": pl.Int64(),
    "rule": pl.String(),
    "date": pl.Date(),
    "kind": pl.String(),
}
WARNING_SCHEMA: dict[str, pl.DataType] = {
    "educator_id": pl.String(),
    "credential": pl.String(),
    "code": pl.String(),
    "rule": pl.String(),
    "message": pl.String(),
    "table": pl.String(),
    "row": pl.Int64(),
}
WARNING_COLUMNS = list(WARNING_SCHEMA)


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


class Collected:
    """Warning frames (in `WARNING_SCHEMA`'s columns) and hand-backs, step by step."""

    def __init__(self) -> None:
        self.warnings: list[pl.DataFrame] = []
        self.fallback: list[pl.Series] = []
        self.reasons: dict[str, int] = {}

    def warn(self, frame: pl.DataFrame) -> None:
        self.warnings.append(frame)

    def hand_back(self, ids: pl.Series, why: str) -> None:
        """The engine decides for these educators; `why` is counted per distinct id."""
        ids = ids.unique()
        if ids.len():
            self.fallback.append(ids)
            self.reasons[why] = self.reasons.get(why, 0) + ids.len()

    def warning_frame(self) -> pl.DataFrame:
        if not self.warnings:
            return empty(WARNING_SCHEMA)
        return pl.concat(
            [w.select(WARNING_COLUMNS).cast(pl.Schema(WARNING_SCHEMA)) for w in self.warnings]
        )

    def fallback_ids(self) -> pl.Series:
        if not self.fallback:
            return pl.Series("educator_id", [], dtype=pl.String)
        return pl.concat(self.fallback).unique()
