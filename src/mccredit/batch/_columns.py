"""Roster columns: names, types, and vectorised parsing with a reason for every bad value.

Measures (contact hours, semester credits, CEUs) and experience years are carried as
integers scaled by 10^4 (`SCALE`), so the columnar path does exact decimal arithmetic with
integers; a value with more than four decimal places is a bad value, as in the educator
input contract (`io/educator.py`, `decimal_places=4`). See `docs/BATCH.md`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ..io.educator import CREDENTIAL_KINDS

__all__ = [
    "CREDENTIAL_COLUMNS",
    "EDUCATOR_COLUMNS",
    "EVALUATION_COLUMNS",
    "SCALE",
    "SCALE_DIGITS",
    "Column",
    "TABLES",
    "prepare",
]

SCALE_DIGITS = 4
SCALE = 10**SCALE_DIGITS
MAX_TEXT = 200


@dataclass(frozen=True)
class Column:
    """One roster column: its name, type, whether it must be present, what it means."""

    name: str
    type: str  # id | text | date | measure | years | bool | int | kind | categories | role
    required: bool = False
    doc: str = ""
    lo: int | None = None
    hi: int | None = None


CREDENTIAL_COLUMNS: tuple[Column, ...] = (
    Column("educator_id", "id", True, "the educator's id (rows of one educator may be anywhere)"),
    Column("credential_id", "id", True, "unique per educator"),
    Column("kind", "kind", True, "one of " + ", ".join(CREDENTIAL_KINDS)),
    Column("issuer", "text", doc="issuer id, e.g. digital-promise"),
    Column("code", "text", doc="catalog code"),
    Column("title", "text"),
    Column("earned", "date", True, "YYYY-MM-DD"),
    Column("submitted", "date", doc="YYYY-MM-DD, not before earned"),
    Column("categories", "categories", doc="';'-separated in CSV, list<string> in Parquet"),
    Column("contact_hours", "measure", doc="decimal >= 0, at most 4 decimal places"),
    Column("semester_credits", "measure"),
    Column("ceus", "measure"),
    Column("audited", "bool", doc="true/false (also 1/0, yes/no); empty = false"),
)
EDUCATOR_COLUMNS: tuple[Column, ...] = (
    Column("educator_id", "id", True, "one row per educator and license"),
    Column("jurisdiction", "text", doc="default: the --jurisdiction of the run"),
    Column("name", "text"),
    Column("role", "role", doc="teacher or administrator"),
    Column("grade_band", "text"),
    Column("experience_years", "years", doc="decimal 0..80"),
    Column("salary_schedule", "text", doc="default: teachers"),
    Column("salary_lane", "text", doc="with salary_step"),
    Column("salary_step", "int", lo=0, hi=60),
    Column("salary_since", "date"),
    Column("license_type", "text", doc="empty for an educator without a license"),
    Column("license_tier", "text"),
    Column("license_id", "text"),
    Column("license_issued", "date", doc="required with license_type"),
    Column("license_expires", "date", doc="after license_issued; empty = rolling cycles"),
)
EVALUATION_COLUMNS: tuple[Column, ...] = (
    Column("educator_id", "id", True),
    Column("year", "int", True, "school year ending in June of this year", lo=1990, hi=2100),
    Column("score", "int", True, "overall effectiveness 1..5", lo=1, hi=5),
)
TABLES: dict[str, tuple[Column, ...]] = {
    "educators": EDUCATOR_COLUMNS,
    "credentials": CREDENTIAL_COLUMNS,
    "evaluations": EVALUATION_COLUMNS,
}
_TRUE = ["true", "1", "yes", "y", "t"]
_FALSE = ["false", "0", "no", "n", "f", ""]
_NUM = r"^\s*(\d+)(?:\.(\d+))?\s*$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _text(name: str, dtype: pl.DataType) -> pl.Expr:
    e = pl.col(name)
    if dtype != pl.String:
        e = e.cast(pl.String)
    e = e.str.strip_chars()
    return pl.when(e.str.len_chars() > 0).then(e).otherwise(None)


def _parse(col: Column, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr | None]:
    """(value expression, reason expression or None) for one column."""
    n = col.name
    raw = pl.col(n)
    present = raw.is_not_null()
    if dtype == pl.String:
        present = present & (raw.str.strip_chars().str.len_chars() > 0)
    missing = pl.lit(f"{n} is missing") if col.required else None
    t = col.type
    reason: pl.Expr | None
    if t in ("id", "text"):
        v = _text(n, dtype)
        long = v.str.len_chars() > MAX_TEXT
        reason = pl.when(long).then(pl.lit(f"{n} is longer than {MAX_TEXT} characters"))
        if missing is not None:
            reason = pl.when(v.is_null()).then(missing).otherwise(reason)
        return v, reason
    if t == "kind":
        v = _text(n, dtype)
        reason = pl.when(v.is_null()).then(pl.lit(f"{n} is missing")).when(
            ~v.is_in(list(CREDENTIAL_KINDS))
        ).then(pl.format("unknown kind '{}'", v))
        return v, reason
    if t == "role":
        v = _text(n, dtype)
        reason = pl.when(v.is_not_null() & ~v.is_in(["teacher", "administrator"])).then(
            pl.format("role '{}' is not teacher or administrator", v)
        )
        return v, reason
    if t == "date":
        if dtype == pl.Date:
            v = raw
        elif isinstance(dtype, pl.Datetime):
            v = raw.dt.date()
        else:
            s = _text(n, dtype)
            v = pl.when(s.str.contains(_DATE)).then(
                s.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
            )
        reason = pl.when(present & v.is_null()).then(
            pl.format(f"{n} '{{}}' is not a date (YYYY-MM-DD)", raw.cast(pl.String))
        )
        if missing is not None:
            reason = pl.when(~present).then(missing).otherwise(reason)
        return v, reason
    if t in ("measure", "years") and (
        dtype.is_integer() or (isinstance(dtype, pl.Decimal) and (dtype.scale or 0) <= SCALE_DIGITS)
    ):
        if dtype.is_integer():
            v = raw.cast(pl.Int64) * SCALE
        else:
            sc = dtype.scale or 0  # type: ignore[union-attr]
            v = (raw.cast(pl.Decimal(38, sc)) * (10**sc)).cast(pl.Int64) * 10 ** (SCALE_DIGITS - sc)
        reason = (
            pl.when(raw.is_null())
            .then(missing if missing is not None else pl.lit(None, pl.String))
            .when(v < 0)
            .then(pl.format(f"{n} {{}} is negative", raw.cast(pl.String)))
            .when(v >= 10**12)
            .then(pl.format(f"{n} {{}} has more than 12 digits", raw.cast(pl.String)))
        )
        if t == "years":
            reason = reason.when(v > 80 * SCALE).then(
                pl.format(f"{n} {{}} is more than 80", raw.cast(pl.String)))
        return pl.when(v >= 0).then(v), reason
    if t in ("measure", "years"):
        s = _text(n, dtype)
        g = s.str.extract_groups(_NUM)
        ip, fp = g.struct.field("1"), g.struct.field("2")
        frac = fp.fill_null("").str.strip_chars_end("0")
        ipn = ip.str.strip_chars_start("0")
        ok = ip.is_not_null() & (frac.str.len_chars() <= SCALE_DIGITS) & (
            ipn.str.len_chars() + frac.str.len_chars() <= 12
        )
        v = pl.when(ok).then(
            ip.cast(pl.Int64, strict=False) * SCALE
            + frac.str.pad_end(SCALE_DIGITS, "0").cast(pl.Int64, strict=False)
        )
        neg = s.str.starts_with("-")
        reason = (
            pl.when(s.is_null())
            .then(missing if missing is not None else pl.lit(None, pl.String))
            .when(neg)
            .then(pl.format(f"{n} {{}} is negative", s))
            .when(ip.is_null())
            .then(pl.format(f"{n} '{{}}' is not a number", s))
            .when(frac.str.len_chars() > SCALE_DIGITS)
            .then(pl.format(f"{n} {{}} has more than {SCALE_DIGITS} decimal places", s))
            .when(~ok)
            .then(pl.format(f"{n} {{}} has more than 12 digits", s))
        )
        if t == "years":
            reason = pl.when(v > 80 * SCALE).then(
                pl.format(f"{n} {{}} is more than 80", s)
            ).otherwise(reason)
        return v, reason
    if t == "bool":
        if dtype == pl.Boolean:
            return raw.fill_null(False), None
        s = _text(n, dtype).str.to_lowercase().fill_null("")
        v = pl.when(s.is_in(_TRUE)).then(True).when(s.is_in(_FALSE)).then(False)
        reason = pl.when(v.is_null()).then(pl.format(f"{n} '{{}}' is not true or false", s))
        return v.fill_null(False), reason
    if t == "int":
        if dtype.is_integer():
            v = raw.cast(pl.Int64)
            bad = pl.lit(False)
        else:
            s = _text(n, dtype)
            v = s.cast(pl.Int64, strict=False)
            bad = s.is_not_null() & v.is_null()
        reason = pl.when(bad).then(
            pl.format(f"{n} '{{}}' is not a whole number", raw.cast(pl.String))
        )
        if col.lo is not None and col.hi is not None:
            reason = reason.when((v < col.lo) | (v > col.hi)).then(
                pl.format(f"{n} {{}} is not in {col.lo}..{col.hi}", v)
            )
        if missing is not None:
            reason = pl.when(~present).then(missing).otherwise(reason)
        return v, reason
    if t == "categories":
        if isinstance(dtype, pl.List):
            lst = raw.cast(pl.List(pl.String))
        elif dtype == pl.Null:
            lst = pl.lit([], pl.List(pl.String))
        else:
            lst = _text(n, dtype).str.split(";")
        lst = lst.list.eval(pl.element().str.strip_chars()).list.eval(
            pl.element().filter(pl.element().is_not_null() & (pl.element().str.len_chars() > 0))
        ).fill_null(pl.lit([], pl.List(pl.String)))
        long = lst.list.eval(pl.element().str.len_chars() > MAX_TEXT).list.any()
        reason = pl.when(long).then(pl.lit(f"a category is longer than {MAX_TEXT} characters"))
        return lst, reason
    raise AssertionError(t)


def prepare(df: pl.DataFrame, table: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Type the raw columns of one table; return (good rows, rejected rows with `reason`).

    `df` has the file's columns plus `_row` (1-based data row). Missing optional columns are
    added as nulls. Every bad value of a row is named in its reason, separated by `; `.
    """
    cols = TABLES[table]
    present = set(df.columns)
    add = [pl.lit(None, pl.String).alias(c.name) for c in cols if c.name not in present]
    if add:
        df = df.with_columns(add)
    values: list[pl.Expr] = []
    reasons: list[pl.Expr] = []
    for c in cols:
        v, r = _parse(c, df.schema[c.name])
        values.append(v.alias(c.name))
        if r is not None:
            reasons.append(r)
    extra: list[pl.Expr] = []
    if table == "credentials":
        extra.append(
            pl.when(pl.col("submitted") < pl.col("earned")).then(
                pl.format("submitted {} is before earned {}", pl.col("submitted"),
                          pl.col("earned"))
            )
        )
    elif table == "educators":
        lt, li, le = pl.col("license_type"), pl.col("license_issued"), pl.col("license_expires")
        extra.extend([
            pl.when(lt.is_not_null() & li.is_null() & pl.col("_li_ok")).then(
                pl.lit("license_issued is missing for a license")
            ),
            pl.when(lt.is_null() & (li.is_not_null() | le.is_not_null())).then(
                pl.lit("license dates without a license_type")
            ),
            pl.when(le <= li).then(
                pl.format("license_expires {} is not after license_issued {}", le, li)
            ),
            pl.when(pl.col("salary_lane").is_null() != pl.col("salary_step").is_null()).then(
                pl.lit("salary_lane and salary_step go together")
            ),
        ])
    typed = df.select(
        pl.col("_row"),
        *values,
        pl.concat_str(reasons, separator="; ", ignore_nulls=True).alias("_reason0"),
    )
    if table == "educators":
        typed = typed.with_columns(
            _li_ok=~pl.col("_reason0").str.contains("license_issued", literal=True)
        )
    if extra:
        typed = typed.with_columns(
            pl.concat_str([pl.col("_reason0").replace("", None), *extra], separator="; ",
                          ignore_nulls=True).alias("_reason0")
        )
    if table == "educators":
        typed = typed.drop("_li_ok")
    typed = typed.with_columns(pl.col("_reason0").replace("", None).alias("reason")).drop(
        "_reason0"
    )
    # duplicates: a credential id (per educator) or an evaluation year (per educator) repeated
    key = {"credentials": "credential_id", "evaluations": "year"}.get(table)
    if key is not None:
        dup = (
            typed.filter(pl.col("reason").is_null())
            .with_columns(
                pl.int_range(pl.len()).over("educator_id", key, order_by="_row").alias("_n")
            )
            .filter(pl.col("_n") > 0)
            .select("_row")
            .with_columns(pl.lit(True).alias("_dup"))
        )
        if dup.height:
            what = "credential id" if key == "credential_id" else "evaluation year"
            typed = typed.join(dup, on="_row", how="left").with_columns(
                pl.when(pl.col("_dup")).then(
                    pl.format(f"duplicate {what} '{{}}' for educator '{{}}'", pl.col(key),
                              pl.col("educator_id"))
                ).otherwise(pl.col("reason")).alias("reason")
            ).drop("_dup")
    bad = typed.filter(pl.col("reason").is_not_null())
    good = typed.filter(pl.col("reason").is_null()).drop("reason")
    rejects = bad.select(
        pl.lit(table).alias("table"),
        pl.col("_row").alias("row"),
        pl.col("educator_id"),
        (pl.col("credential_id") if table == "credentials"
         else pl.col("license_type") if table == "educators"
         else pl.col("year").cast(pl.String)).alias("item"),
        pl.col("reason"),
    )
    return good, rejects
