"""Roster columns: names, types, and vectorised parsing with a reason for every bad value.

Measures (contact hours, semester credits, CEUs) and experience years are carried as
integers scaled by 10^4 (`SCALE`), so the columnar path does exact decimal arithmetic with
integers; a value with more than four decimal places is a bad value, as in the educator
input contract (`io/educator.py`, `decimal_places=4`). See `docs/BATCH.md`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ..io.educator import CREDENTIAL_KINDS, EDUCATOR_ROLES
from ._lists import MAX_TEXT, list_values, lists_once, long_item

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
    Column("approved", "date", doc="YYYY-MM-DD, the district's prior approval (if any)"),
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
    Column("role", "role", doc=" or ".join(EDUCATOR_ROLES)),
    Column("grade_band", "text"),
    Column("school", "text", doc="the school the educator is assigned to (workforce view)"),
    Column("experience_years", "years", doc="decimal 0..80"),
    Column(
        "recommendations",
        "categories",
        doc="who recommends the educator, e.g. director_of_schools (';'-separated in CSV)",
    ),
    Column("salary_schedule", "text", doc="default: teachers"),
    Column("salary_lane", "text", doc="with salary_step"),
    Column("salary_step", "int", lo=0, hi=60),
    Column("salary_since", "date"),
    Column("license_type", "text", doc="empty for an educator without a license"),
    Column("license_tier", "text"),
    Column("license_id", "text"),
    Column("license_issued", "date", doc="required with license_type"),
    Column("license_expires", "date", doc="after license_issued; empty = rolling cycles"),
    Column(
        "license_experience_years",
        "years",
        doc="years of qualifying experience within this license's validity, decimal 0..80",
    ),
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
    return _present(e.str.strip_chars())


def _present(e: pl.Expr) -> pl.Expr:
    """Trimmed text, an empty one missing."""
    return pl.when(e.str.len_bytes() > 0).then(e).otherwise(None)


Check = tuple[pl.Expr, pl.Expr]  # (row is bad, message), the message built for bad rows only


def _parse(col: Column, dtype: pl.DataType, clean: bool = False) -> tuple[pl.Expr, list[Check]]:
    """(value expression, checks) for one column; `clean`: a categories column already made
    clean lists by `lists_once`, an id column already trimmed text (the reader's `_key`)."""
    n = col.name
    raw = pl.col(n)
    rs = raw.cast(pl.String)
    t = col.type
    checks: list[Check] = []
    if t in ("id", "text", "kind", "role"):
        v = _present(raw) if clean else _text(n, dtype)
        if col.required:
            checks.append((v.is_null(), pl.lit(f"{n} is missing")))
        checks.append(
            (v.str.len_chars() > MAX_TEXT, pl.lit(f"{n} is longer than {MAX_TEXT} characters"))
        )
        if t == "kind":
            checks.append(
                (
                    v.is_not_null() & ~v.is_in(list(CREDENTIAL_KINDS)),
                    pl.format("unknown kind '{}'", v),
                )
            )
        if t == "role":
            checks.append(
                (
                    v.is_not_null() & ~v.is_in(list(EDUCATOR_ROLES)),
                    pl.format("role '{}' is not " + " or ".join(EDUCATOR_ROLES), v),
                )
            )
        return v, checks
    if t == "date":
        if dtype == pl.Date:
            v = raw
            present = raw.is_not_null()
        elif isinstance(dtype, pl.Datetime):
            v = raw.dt.date()
            present = raw.is_not_null()
        else:
            s = _text(n, dtype)
            present = s.is_not_null()
            v = pl.when(s.str.contains(_DATE)).then(
                s.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
            )
        if col.required:
            checks.append((~present, pl.lit(f"{n} is missing")))
        checks.append(
            (present & v.is_null(), pl.format(f"{n} '{{}}' is not a date (YYYY-MM-DD)", rs))
        )
        return v, checks
    if t in ("measure", "years"):
        native = dtype.is_integer() or (
            isinstance(dtype, pl.Decimal) and (dtype.scale or 0) <= SCALE_DIGITS
        )
        if native:
            if dtype.is_integer():
                v = raw.cast(pl.Int64) * SCALE
            else:
                sc = getattr(dtype, "scale", 0) or 0
                v = (raw.cast(pl.Decimal(38, sc)) * (10**sc)).cast(pl.Int64) * 10 ** (
                    SCALE_DIGITS - sc
                )
            present = raw.is_not_null()
            checks.append((v < 0, pl.format(f"{n} {{}} is negative", rs)))
            checks.append((v >= 10**12, pl.format(f"{n} {{}} has more than 12 digits", rs)))
            v = pl.when(v >= 0).then(v)
        else:
            s = _text(n, dtype)
            present = s.is_not_null()
            g = s.str.extract_groups(_NUM)
            ip, fp = g.struct.field("1"), g.struct.field("2")
            frac = fp.fill_null("").str.strip_chars_end("0")
            ipn = ip.str.strip_chars_start("0")
            ok = (
                ip.is_not_null()
                & (frac.str.len_chars() <= SCALE_DIGITS)
                & (ipn.str.len_chars() + frac.str.len_chars() <= 12)
            )
            v = pl.when(ok).then(
                ip.cast(pl.Int64, strict=False) * SCALE
                + frac.str.pad_end(SCALE_DIGITS, "0").cast(pl.Int64, strict=False)
            )
            msg = (
                pl.when(s.str.starts_with("-"))
                .then(pl.format(f"{n} {{}} is negative", s))
                .when(ip.is_null())
                .then(pl.format(f"{n} '{{}}' is not a number", s))
                .when(frac.str.len_chars() > SCALE_DIGITS)
                .then(pl.format(f"{n} {{}} has more than {SCALE_DIGITS} decimal places", s))
                .otherwise(pl.format(f"{n} {{}} has more than 12 digits", s))
            )
            checks.append((present & v.is_null(), msg))
        if col.required:
            checks.append((~present, pl.lit(f"{n} is missing")))
        if t == "years":
            checks.append((v > 80 * SCALE, pl.format(f"{n} {{}} is more than 80", rs)))
        return v, checks
    if t == "bool":
        if dtype == pl.Boolean:
            return raw.fill_null(False), checks
        s = _text(n, dtype).str.to_lowercase().fill_null("")
        v = pl.when(s.is_in(_TRUE)).then(True).when(s.is_in(_FALSE)).then(False)
        checks.append((v.is_null(), pl.format(f"{n} '{{}}' is not true or false", s)))
        return v.fill_null(False), checks
    if t == "int":
        if dtype.is_integer():
            v = raw.cast(pl.Int64)
            present = raw.is_not_null()
        else:
            s = _text(n, dtype)
            present = s.is_not_null()
            v = s.cast(pl.Int64, strict=False)
            checks.append(
                (present & v.is_null(), pl.format(f"{n} '{{}}' is not a whole number", rs))
            )
        if col.required:
            checks.append((~present, pl.lit(f"{n} is missing")))
        if col.lo is not None and col.hi is not None:
            checks.append(
                (
                    (v < col.lo) | (v > col.hi),
                    pl.format(f"{n} {{}} is not in {col.lo}..{col.hi}", v),
                )
            )
        return v, checks
    if t == "categories":
        if clean:
            lst, long = raw, pl.col(f"_long_{n}")
        else:
            lst = list_values(raw, dtype)
            long = long_item(lst)
        checks.append((long, pl.lit(f"a category is longer than {MAX_TEXT} characters")))
        return lst, checks
    raise AssertionError(t)


def _fast(
    col: Column, dtype: pl.DataType, clean: bool = False
) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """(flag columns computed with the values, conditions on the typed frame) that flag a
    superset of the rows `_parse`'s checks reject; the exact checks then run on those rows
    only."""
    n = col.name
    v = pl.col(n)
    t = col.type
    flags: list[pl.Expr] = []
    conds: list[pl.Expr] = []
    if t in ("id", "text", "kind", "role"):
        if col.required or t == "kind":
            conds.append(v.is_null())
        conds.append(v.str.len_chars() > MAX_TEXT)
        if t == "kind":
            conds.append(~v.is_in(list(CREDENTIAL_KINDS)))
        if t == "role":
            conds.append(v.is_not_null() & ~v.is_in(list(EDUCATOR_ROLES)))
        return flags, conds
    native = (
        dtype == pl.Date
        or isinstance(dtype, pl.Datetime)
        or dtype.is_integer()
        or (isinstance(dtype, pl.Decimal) and t in ("measure", "years"))
    )
    p = pl.col(f"_p_{n}")
    if t in ("date", "measure", "years", "int"):
        flags.append(
            (pl.col(n).is_not_null() if native else _text(n, dtype).is_not_null()).alias(f"_p_{n}")
        )
        conds.append(p & v.is_null())
        if col.required:
            conds.append(~p)
        if t in ("measure", "years"):
            conds.append(v >= 10**12)
        if t == "years":
            conds.append(v > 80 * SCALE)
        if t == "int" and col.lo is not None and col.hi is not None:
            conds.append((v < col.lo) | (v > col.hi))
        return flags, conds
    if t == "bool":
        if dtype != pl.Boolean:
            s = _text(n, dtype).str.to_lowercase().fill_null("")
            flags.append((~s.is_in(_TRUE) & ~s.is_in(_FALSE)).alias(f"_p_{n}"))
            conds.append(p)
        return flags, conds
    if t == "categories":
        if clean:
            flags.append(pl.col(f"_long_{n}").alias(f"_p_{n}"))
            conds.append(p)
        elif isinstance(dtype, pl.List):
            conds.append(v.list.eval(pl.element().str.len_chars() > MAX_TEXT).list.any())
        elif dtype != pl.Null:
            flags.append((_text(n, dtype).str.len_chars() > MAX_TEXT).alias(f"_p_{n}"))
            conds.append(p)
        return flags, conds
    raise AssertionError(t)


def _table_checks(table: str) -> list[Check]:
    """Checks across columns, on the typed values."""
    if table == "credentials":
        return [
            (
                pl.col("submitted") < pl.col("earned"),
                pl.format(
                    "submitted {} is before earned {}", pl.col("submitted"), pl.col("earned")
                ),
            )
        ]
    if table == "educators":
        lt, li, le = pl.col("license_type"), pl.col("license_issued"), pl.col("license_expires")
        return [
            (
                lt.is_not_null() & li.is_null(),
                pl.lit("license_issued is missing (or not a date) for a license"),
            ),
            (
                lt.is_null() & (li.is_not_null() | le.is_not_null()),
                pl.lit("license dates without a license_type"),
            ),
            (le <= li, pl.format("license_expires {} is not after license_issued {}", le, li)),
            (
                pl.col("salary_lane").is_null() != pl.col("salary_step").is_null(),
                pl.lit("salary_lane and salary_step go together"),
            ),
        ]
    return []


#: Column types whose text is parsed once per distinct value (`_parsed_by_value`).
_BY_VALUE = ("date", "measure", "years", "int", "bool")


def _parsed_by_value(
    df: pl.DataFrame, columns: list[tuple[str, pl.Expr, list[pl.Expr]]]
) -> pl.DataFrame:
    """`df` with `_v_<name>` (the typed value) and the flag columns of each text column in
    `columns` (name, value expression, flag expressions: each a function of that column's
    value alone). A roster repeats few values (experience years, dates, measures) over many
    rows: they are parsed once per distinct value and joined back, unless most values are
    distinct (or none is present), when they are parsed in place."""
    for name, value, flags in columns:
        col = df.get_column(name)
        uniq = col.unique()
        if col.null_count() == df.height or 4 * uniq.len() > df.height:
            df = df.with_columns(value.alias(f"_v_{name}"), *flags)
            continue
        parsed = uniq.to_frame().select(pl.col(name).alias("_k"), value.alias("_v"), *flags)
        got = (
            col.alias("_k")
            .to_frame()
            .join(parsed, on="_k", how="left", nulls_equal=True, maintain_order="left")
        )
        df = df.with_columns(
            got.get_column("_v").alias(f"_v_{name}"), *got.drop("_k", "_v").get_columns()
        )
    return df


def prepare(df: pl.DataFrame, table: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Type the raw columns of one table; return (good rows, rejected rows with `reason`).

    `df` has the file's columns plus `_row` (1-based data row) and maybe `_key` (educator_id
    trimmed, as the reader keys rows: used for educator_id). Missing optional columns are
    added as nulls. Every bad value of a row is named in its reason, separated by `; `; the
    messages are built for the bad rows only.
    """
    cols = TABLES[table]
    present = set(df.columns)
    add = [pl.lit(None, pl.String).alias(c.name) for c in cols if c.name not in present]
    if add:
        df = df.with_columns(add)
    df, clean = lists_once(df, [c.name for c in cols if c.type == "categories"])
    if "_key" in df.columns:  # educator_id as the reader trimmed it
        df = df.with_columns(pl.col("_key").alias("educator_id")).drop("_key")
        clean.add("educator_id")
    values: list[pl.Expr] = []
    checks: list[Check] = []
    flags: list[pl.Expr] = []
    conds: list[pl.Expr] = []
    blank_to_null: list[str] = []
    by_value: list[tuple[str, pl.Expr, list[pl.Expr]]] = []
    for c in cols:
        v, ch = _parse(c, df.schema[c.name], c.name in clean)
        if c.type in ("id", "text", "kind", "role") and c.name not in clean:
            # the trimmed text first, an empty one made missing after: the value is
            # `_text`'s, with the text trimmed once (an expression reused in one `select` is
            # computed each time it appears)
            dtype = df.schema[c.name]
            e = pl.col(c.name) if dtype == pl.String else pl.col(c.name).cast(pl.String)
            v = e.str.strip_chars()
            blank_to_null.append(c.name)
        fl, co = _fast(c, df.schema[c.name], c.name in clean)
        if c.type in _BY_VALUE and df.schema[c.name] == pl.String:
            by_value.append((c.name, v, fl))
            v = pl.col(f"_v_{c.name}")
            fl = [pl.col(f.meta.output_name()) for f in fl]
        values.append(v.alias(c.name))
        checks.extend(ch)
        flags.extend(fl)
        conds.extend(co)
    df = _parsed_by_value(df, by_value)
    typed = df.select(pl.col("_row"), *values, *flags)
    if blank_to_null:
        typed = typed.with_columns([_present(pl.col(n)).alias(n) for n in blank_to_null])
    cross = _table_checks(table)
    conds.extend(b for b, _ in cross)
    typed = typed.with_columns(
        pl.any_horizontal([c.fill_null(False) for c in conds] or [pl.lit(False)]).alias("_bad")
    ).select(pl.exclude("^_p_.*$"))
    cand = typed.filter(pl.col("_bad"))
    if cand.height:
        # the exact checks, on the flagged rows only; rows they clear are good after all
        exact = df.filter(pl.col("_row").is_in(cand.get_column("_row").implode())).select(
            pl.col("_row"),
            pl.any_horizontal([b.fill_null(False) for b, _ in checks] or [pl.lit(False)]).alias(
                "_raw_bad"
            ),
        )
        cand = cand.join(exact, on="_row").with_columns(
            (
                pl.col("_raw_bad")
                | pl.any_horizontal([b.fill_null(False) for b, _ in cross] or [pl.lit(False)])
            ).alias("_bad2")
        )
        cleared = cand.filter(~pl.col("_bad2")).get_column("_row")
        if cleared.len():
            typed = typed.with_columns(
                pl.when(pl.col("_row").is_in(cleared.implode()))
                .then(False)
                .otherwise(pl.col("_bad"))
                .alias("_bad")
            )
    # duplicates: a credential id (per educator) or an evaluation year (per educator) repeated
    key = {"credentials": "credential_id", "evaluations": "year"}.get(table)
    dup_rows = pl.Series("_row", [], dtype=pl.Int64)
    if key is not None:
        # the first of each (educator, key) among the good rows, on the few columns it needs
        # and only where the pair's hash repeats (equal pairs have equal hashes)
        pair = pl.struct("educator_id", key)
        hashed = pl.col("educator_id").hash(1) ^ pl.col(key).hash(2)
        dup_rows = (
            typed.select("_row", "educator_id", key, "_bad")
            .filter(~pl.col("_bad"))
            .filter(hashed.is_duplicated())
            .filter(~pair.is_first_distinct())
            .get_column("_row")
        )
    typed_bad = typed.filter(pl.col("_bad"))
    bad_rows = typed_bad.get_column("_row")
    keep = ~pl.col("_bad")
    if dup_rows.len():
        keep = keep & ~pl.col("_row").is_in(dup_rows.implode())
    good = typed.filter(keep).drop("_bad")
    item = (
        pl.col("credential_id")
        if table == "credentials"
        else pl.col("license_type")
        if table == "educators"
        else pl.col("year").cast(pl.String)
    )
    parts: list[pl.DataFrame] = []
    if bad_rows.len():
        raw_bad = df.filter(pl.col("_row").is_in(bad_rows.implode()))
        msgs = raw_bad.select(
            pl.col("_row"),
            *[
                pl.when(b.fill_null(False)).then(m).alias(f"_msg_r{i}")
                for i, (b, m) in enumerate(checks)
            ],
        )
        cross_msgs = typed_bad.select(
            pl.col("_row"),
            *[
                pl.when(b.fill_null(False)).then(m).alias(f"_msg_x{i}")
                for i, (b, m) in enumerate(cross)
            ],
        )
        both = typed_bad.join(msgs, on="_row").join(cross_msgs, on="_row")
        reasons = [pl.col(c) for c in both.columns if c.startswith("_msg_")]
        parts.append(
            both.select(
                pl.lit(table).alias("table"),
                pl.col("_row").alias("row"),
                pl.col("educator_id"),
                item.alias("item"),
                pl.concat_str(reasons, separator="; ", ignore_nulls=True).alias("reason"),
            )
        )
    if dup_rows.len():
        what = "credential id" if key == "credential_id" else "evaluation year"
        parts.append(
            typed.filter(pl.col("_row").is_in(dup_rows.implode())).select(
                pl.lit(table).alias("table"),
                pl.col("_row").alias("row"),
                pl.col("educator_id"),
                item.alias("item"),
                pl.format(
                    f"duplicate {what} '{{}}' for educator '{{}}'",
                    pl.col(key or "_row"),
                    pl.col("educator_id"),
                ).alias("reason"),
            )
        )
    schema = {
        "table": pl.String,
        "row": pl.Int64,
        "educator_id": pl.String,
        "item": pl.String,
        "reason": pl.String,
    }
    rejects = (
        pl.concat([p.cast(pl.Schema(schema)) for p in parts])
        if parts
        else pl.DataFrame(schema=pl.Schema(schema))
    )
    return good, rejects
