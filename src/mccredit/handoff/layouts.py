"""Payroll export layouts as data.

A layout is a YAML file naming the columns of a payroll change file, the source field of each,
its date or money format, the reason codes, and whether a retro amount is its own line. A layout
re-renders an export that the store already made once-only and audited (its generic CSV, kept
with the export), so a layout's output is byte-reproducible from the export id and no layout can
export a change twice. A layout that names a field that does not exist or a format it cannot
write is a load error with file:line:col.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .._yaml import ProblemException, load_file, pydantic_problems
from ..errors import RuleError
from ..store.repositories import EXPORT_COLUMNS

__all__ = ["FIELDS", "Layout", "bundled_layouts", "load_layout", "render"]

# Fields of the stored export plus the per-line fields a layout may add.
LINE_FIELDS = ("line_kind", "line_amount", "reason")
FIELDS: tuple[str, ...] = (*EXPORT_COLUMNS, *LINE_FIELDS)
MONEY = frozenset(
    {"annual", "new_annual", "annual_delta", "this_year_delta", "retro", "line_amount"}
)
DATES = frozenset({"effective_date"})
DateFormat = Literal["iso", "mm/dd/yyyy", "yyyymmdd"]
MoneyFormat = Literal["as_stored", "2dp", "cents"]
_DATE_FORMATS = {"iso": "%Y-%m-%d", "mm/dd/yyyy": "%m/%d/%Y", "yyyymmdd": "%Y%m%d"}


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    header: str
    source: str | None = None
    value: str | None = None
    date_format: DateFormat | None = None
    money_format: MoneyFormat | None = None

    @field_validator("source")
    @classmethod
    def _known_field(cls, source: str | None) -> str | None:
        # The stored export's columns (store.EXPORT_COLUMNS) are the one list of fields.
        if source is not None and source not in FIELDS:
            raise ValueError(f"unknown field {source!r}; a layout can name: {', '.join(FIELDS)}")
        return source

    @model_validator(mode="after")
    def _check(self) -> Column:
        if (self.source is None) == (self.value is None):
            raise ValueError("a column has exactly one of `source` (a field) or `value` (text)")
        if self.date_format is not None and self.source not in DATES:
            raise ValueError(f"date_format cannot write field {self.source!r}: not a date")
        if self.money_format is not None and self.source not in MONEY:
            raise ValueError(f"money_format cannot write field {self.source!r}: not an amount")
        return self


class Layout(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    system: str
    sourced: str
    file: Literal["csv"] = "csv"
    delimiter: Literal[",", "|", "\t"] = ","
    retro: Literal["inline", "separate_line"] = "inline"
    reason_codes: dict[Literal["change", "retro"], str] = {}
    columns: list[Column]


def load_layout(path: Path) -> Layout:
    """The layout in `path`; RuleError with file:line:col for each problem."""
    try:
        located = load_file(path)
    except ProblemException as e:
        raise RuleError([e.problem]) from None
    try:
        return Layout.model_validate(located.data)
    except ValidationError as e:
        raise RuleError(pydantic_problems(e, located=located, kind="layout")) from None


@functools.cache
def bundled_layouts() -> dict[str, Layout]:
    """The layouts that ship with mccredit, by id."""
    root = resources.files("mccredit.handoff") / "layouts"
    out: dict[str, Layout] = {}
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            with resources.as_file(entry) as p:
                layout = load_layout(p)
            out[layout.id] = layout
    return out


def _cell(col: Column, line: dict[str, str]) -> str:
    if col.value is not None:
        return col.value
    assert col.source is not None
    text = line[col.source]
    if not text:
        return ""
    if col.date_format is not None:
        return dt.date.fromisoformat(text).strftime(_DATE_FORMATS[col.date_format])
    if col.money_format == "2dp":
        return f"{Decimal(text):.2f}"
    if col.money_format == "cents":
        return str(int((Decimal(text) * 100).to_integral_value()))
    return text


def _lines(layout: Layout, row: dict[str, str]) -> list[dict[str, str]]:
    main = {
        **row,
        "line_kind": "change",
        "line_amount": row["annual_delta"],
        "reason": layout.reason_codes.get("change", ""),
    }
    if layout.retro == "separate_line" and row["retro"]:
        retro = {
            **row,
            "line_kind": "retro",
            "line_amount": row["retro"],
            "reason": layout.reason_codes.get("retro", ""),
        }
        return [main, retro]
    return [main]


def render(layout: Layout, export_csv: str) -> bytes:
    """The stored generic export CSV, written in `layout`: same input, same bytes."""
    rows = list(csv.DictReader(io.StringIO(export_csv)))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", delimiter=layout.delimiter)
    w.writerow([c.header for c in layout.columns])
    for row in rows:
        for line in _lines(layout, row):
            w.writerow([_cell(c, line) for c in layout.columns])
    return buf.getvalue().encode("utf-8")
