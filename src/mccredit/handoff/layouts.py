"""Payroll export layouts as data.

A layout is a YAML file under the rules root, `rules/layouts/<id>.yaml`, naming the columns of
a payroll change file, the source field of each, its date or money format, the reason codes,
whether a retro amount is its own line, and whether the file is CSV or an .xlsx workbook. A
layout re-renders an export that the store already made once-only and audited (its generic
CSV, kept with the export), so a layout's output is byte-reproducible from the export id and no
layout can export a change twice. A layout that names a field that does not exist or a format
it cannot write is a load error with file:line:col; a district names its default layout in its
`jurisdiction.yaml` (`payroll: {layout: <id>}`, checked when the rules load).

The .xlsx files are written with openpyxl and then re-packed with fixed zip timestamps, a fixed
entry order and fixed document properties (created = modified = 2000-01-01T00:00:00Z, creator
"mccredit"), so the same export gives the same bytes every time.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import zipfile
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import LayoutError, UnknownLayoutError
from ..rules import RuleSet, default_root, layout_files
from ..store.repositories import EXPORT_COLUMNS
from ._data import Shape, load_all, load_named

__all__ = [
    "CSV_MEDIA_TYPE",
    "DEFAULT_LAYOUT",
    "FIELDS",
    "XLSX_MEDIA_TYPE",
    "Layout",
    "PayPeriods",
    "bundled_layouts",
    "choose_layout",
    "layouts_in",
    "load_layout",
    "render",
]

DEFAULT_LAYOUT = "generic-csv"
# Fields of the stored export plus the per-line fields a layout may add.
LINE_FIELDS = ("line_kind", "line_amount", "reason", "pay_date")
FIELDS: tuple[str, ...] = (*EXPORT_COLUMNS, *LINE_FIELDS)
MONEY = frozenset(
    {"annual", "new_annual", "annual_delta", "this_year_delta", "retro", "line_amount"}
)
DATES = frozenset({"effective_date", "pay_date"})
DateFormat = Literal["iso", "mm/dd/yyyy", "yyyymmdd"]
MoneyFormat = Literal["as_stored", "2dp", "cents"]
_DATE_FORMATS = {"iso": "%Y-%m-%d", "mm/dd/yyyy": "%m/%d/%Y", "yyyymmdd": "%Y%m%d"}
# the same formats as spreadsheet number formats, for typed .xlsx cells
_XLSX_DATE = {"iso": "yyyy-mm-dd", "mm/dd/yyyy": "mm/dd/yyyy", "yyyymmdd": "yyyymmdd"}
_XLSX_MONEY = {"as_stored": "General", "2dp": "0.00", "cents": "0"}
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
_FIXED_TIME = dt.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


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


class Layout(Shape):
    file: Literal["csv", "xlsx"] = "csv"
    sheet: str | None = Field(default=None, min_length=1, max_length=31)
    delimiter: Literal[",", "|", "\t"] = ","
    rows: Literal["per_change", "per_pay_period"] = "per_change"
    retro: Literal["inline", "separate_line"] = "inline"
    reason_codes: dict[Literal["change", "retro"], str] = {}
    columns: list[Column] = Field(min_length=1)

    @model_validator(mode="after")
    def _file_options(self) -> Layout:
        if self.file == "xlsx" and self.delimiter != ",":
            raise ValueError("`delimiter` is for CSV layouts; an .xlsx layout has cells")
        if self.file == "csv" and self.sheet is not None:
            raise ValueError("`sheet` is for .xlsx layouts")
        if self.sheet is not None and any(c in self.sheet for c in "[]:*?/\\"):
            raise ValueError("a sheet name cannot hold any of [ ] : * ? / \\")
        if self.rows == "per_change" and any(c.source == "pay_date" for c in self.columns):
            raise ValueError("`pay_date` is a field of pay-period lines: set rows: per_pay_period")
        return self

    @property
    def media_type(self) -> str:
        return XLSX_MEDIA_TYPE if self.file == "xlsx" else CSV_MEDIA_TYPE

    @property
    def suffix(self) -> str:
        """The file name ending: `.csv` or `.xlsx`."""
        return "." + self.file


def load_layout(path: Path, *, display: str | None = None) -> Layout:
    """The layout in `path`; RuleError with file:line:col for each problem. A layout's id is
    its file name (without `.yaml`)."""
    return load_named(path, Layout, kind="layout", what="a layout", display=display)


@functools.cache
def layouts_in(root: Path) -> dict[str, Layout]:
    """Every layout under the rules root `root` (`rules/layouts/*.yaml`), by id; a RuleError
    lists the problems of every file at once."""
    return load_all(root, layout_files(root), lambda p, rel: load_layout(p, display=rel))


def bundled_layouts() -> dict[str, Layout]:
    """The layouts of the default rules root (the ones that ship with mccredit), by id."""
    return layouts_in(default_root())


def choose_layout(rules: RuleSet, name: str | None, jurisdiction: str | None = None) -> Layout:
    """The layout an export is written in: `name` when given; else the default layout that
    `jurisdiction` (or a level above it) names in its jurisdiction.yaml; else generic-csv.
    UnknownLayoutError for a name with no layout file (UnknownJurisdictionError for an unknown
    jurisdiction)."""
    known = layouts_in(rules.root)
    if name is None and jurisdiction is not None:
        name = rules.get(jurisdiction).payroll_layout
    name = DEFAULT_LAYOUT if name is None else name
    if name not in known:
        raise UnknownLayoutError(name, known=sorted(known))
    return known[name]


def _text(col: Column, line: dict[str, str]) -> str:
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


# (pay date ISO, amount, dated on or before the evaluation: retro) per change id
PayPeriods = Mapping[str, Sequence[tuple[str, str, bool]]]


def _lines(layout: Layout, row: dict[str, str]) -> list[dict[str, str]]:
    main = {
        **row,
        "line_kind": "change",
        "line_amount": row["annual_delta"],
        "reason": layout.reason_codes.get("change", ""),
        "pay_date": "",
    }
    if layout.retro == "separate_line" and row["retro"]:
        retro = {
            **main,
            "line_kind": "retro",
            "line_amount": row["retro"],
            "reason": layout.reason_codes.get("retro", ""),
        }
        return [main, retro]
    return [main]


def _period_lines(layout: Layout, row: dict[str, str], periods: PayPeriods) -> list[dict[str, str]]:
    found = periods.get(row["change_id"])
    if not found:
        raise LayoutError(
            layout.id,
            f"change {row['change_id']} (educator {row['educator_id']}) has no pay-period "
            "lines in its stored evaluation (an unpriced change, or one evaluated before pay "
            "periods were kept); export it in a per-change layout",
        )
    out = []
    for day, amount, past in found:
        retro = past and layout.retro == "separate_line"
        out.append(
            {
                **row,
                "line_kind": "retro" if retro else "period",
                "line_amount": amount,
                "reason": layout.reason_codes.get("retro" if retro else "change", ""),
                "pay_date": day,
            }
        )
    return out


def _all_lines(layout: Layout, export_csv: str, periods: PayPeriods | None) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(export_csv)))
    if layout.rows == "per_change":
        return [line for row in rows for line in _lines(layout, row)]
    if periods is None:
        raise LayoutError(layout.id, "per-pay-period lines need the export's evaluations")
    return [line for row in rows for line in _period_lines(layout, row, periods)]


def render(layout: Layout, export_csv: str, periods: PayPeriods | None = None) -> bytes:
    """The stored generic export CSV, written in `layout`: same input, same bytes. A
    per-pay-period layout also needs `periods` (`handoff.pay_periods` reads them from the
    export's stored evaluations); LayoutError when a change has none."""
    lines = _all_lines(layout, export_csv, periods)
    if layout.file == "xlsx":
        return _xlsx(layout, lines)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", delimiter=layout.delimiter)
    w.writerow([c.header for c in layout.columns])
    for line in lines:
        w.writerow([_text(c, line) for c in layout.columns])
    return buf.getvalue().encode("utf-8")


Cell = str | int | Decimal | dt.date | None


def _typed(col: Column, line: dict[str, str]) -> tuple[Cell, str | None]:
    """A cell value for a spreadsheet and its number format: dates as dates, amounts as
    numbers (Decimal keeps the stored digits), everything else as text."""
    if col.value is not None:
        return col.value, None
    assert col.source is not None
    text = line[col.source]
    if not text:
        return None, None
    if col.source in DATES:
        return dt.date.fromisoformat(text), _XLSX_DATE[col.date_format or "iso"]
    if col.source in MONEY:
        fmt = col.money_format or "as_stored"
        if fmt == "cents":
            return int((Decimal(text) * 100).to_integral_value()), _XLSX_MONEY[fmt]
        if fmt == "2dp":
            return Decimal(text).quantize(Decimal("0.01")), _XLSX_MONEY[fmt]
        return Decimal(text), None
    return text, "@"


def _xlsx(layout: Layout, lines: Sequence[dict[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = layout.sheet or "Sheet1"
    ws.append([c.header for c in layout.columns])
    for r, line in enumerate(lines, start=2):
        for c, column in enumerate(layout.columns, start=1):
            value, fmt = _typed(column, line)
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: never a formula, whatever it starts with
            if fmt is not None:
                cell.number_format = fmt
    ws.freeze_panes = "A2"
    props = wb.properties
    props.creator = "mccredit"
    props.lastModifiedBy = "mccredit"
    props.title = layout.title
    props.created = _FIXED_TIME
    props.modified = _FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not save_workbook(): it stamps `modified` with now
    return _repack(raw.getvalue())


def _repack(data: bytes) -> bytes:
    """The same zip with every entry's timestamp fixed, so equal workbooks are equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename), compresslevel=6)
    return out.getvalue()
