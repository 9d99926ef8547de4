"""One chunk of whole educators: validate rows, evaluate (columnar, per-educator where
needed), and return Arrow tables in the published schemas (`docs/BATCH.md`).

`process_chunk` is a pure function of (compiled plan, chunk): the local runner and every Dask
worker call it, so both give identical results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl
import pyarrow as pa

from ._columns import TABLES, prepare
from ._compile import ColumnarPlan
from ._fallback import SALARY_COLUMNS, evaluate_fallback
from ._pool import FallbackPool
from ._roster import Chunk
from ._vector import LEDGER_SCHEMA, WARNING_SCHEMA, catalog_frames, evaluate_vector

__all__ = [
    "ChunkOut",
    "Mode",
    "Prepared",
    "REJECT_SCHEMA",
    "Stats",
    "ledger_schema",
    "prepare_chunk",
    "process_chunk",
    "results_schema",
    "warning_schema",
]

Mode = Literal["vector", "reference"]
FALLBACK_SLICE = 1000  # educators per slice of the per-educator path
REJECT_SCHEMA = pa.schema(
    [
        ("file", pa.string()),
        ("table", pa.string()),
        ("row", pa.int64()),
        ("educator_id", pa.string()),
        ("item", pa.string()),
        ("reason", pa.string()),
    ]
)
_MONEY = ("salary_annual", "new_annual", "annual_delta", "this_year_delta", "retro")


def _internal(cp: ColumnarPlan) -> dict[str, pl.DataType]:
    cols: dict[str, pl.DataType] = {
        "educator_id": pl.String(),
        "license_type": pl.String(),
        "license_tier": pl.String(),
        "license_id": pl.String(),
        "license_issued": pl.Date(),
        "license_expires": pl.Date(),
        "requirement": pl.String(),
        "cycle_start": pl.Date(),
        "cycle_end": pl.Date(),
    }
    for u in cp.units:
        for p in ("total", "required", "earned", "remaining"):
            cols[f"{p}_{u}"] = pl.Int64()
    cols.update(
        {
            "short_categories": pl.String(),
            "complete": pl.Boolean(),
            "status": pl.String(),
            "advance_tiers": pl.String(),
            "advance_eligible": pl.String(),
        }
    )
    cols.update(SALARY_COLUMNS)
    cols["warnings"] = pl.Int64()
    return cols


def results_schema(cp: ColumnarPlan) -> pa.Schema:
    """The results table: one row per educator and license (see docs/BATCH.md)."""
    fields: list[pa.Field] = []
    scale = cp.scale
    for name, dtype in _internal(cp).items():
        if name == "educator_id":
            fields.extend(
                [
                    pa.field(name, pa.string()),
                    pa.field("jurisdiction", pa.string()),
                    pa.field("as_of", pa.date32()),
                ]
            )
            continue
        unit = next(
            (
                u
                for u in cp.units
                if name.endswith(f"_{u}")
                and name.split("_")[0] in ("total", "required", "earned", "remaining")
            ),
            None,
        )
        if unit is not None:
            fields.append(pa.field(name, pa.decimal128(18, scale[unit])))
        elif name in _MONEY:
            fields.append(pa.field(name, pa.decimal128(18, 2)))
        elif dtype == pl.Date():
            fields.append(pa.field(name, pa.date32()))
        elif dtype == pl.Int64():
            fields.append(pa.field(name, pa.int64()))
        elif dtype == pl.Boolean():
            fields.append(pa.field(name, pa.bool_()))
        else:
            fields.append(pa.field(name, pa.string()))
    return pa.schema(fields)


def warning_schema() -> pa.Schema:
    return pa.schema(
        [
            ("educator_id", pa.string()),
            ("credential", pa.string()),
            ("code", pa.string()),
            ("rule", pa.string()),
            ("message", pa.string()),
            ("file", pa.string()),
            ("row", pa.int64()),
        ]
    )


def ledger_schema() -> pa.Schema:
    return pa.schema(
        [
            ("educator_id", pa.string()),
            ("credential", pa.string()),
            ("unit", pa.string()),
            ("amount", pa.string()),
            ("rule", pa.string()),
            ("date", pa.date32()),
            ("kind", pa.string()),
        ]
    )


@dataclass
class Stats:
    educators: int = 0
    licenses: int = 0
    credentials: int = 0
    rows_read: int = 0
    educator_rows: int = 0
    rejected: int = 0
    fallback: int = 0
    complete: int = 0
    at_risk: int = 0
    eligible: int = 0
    salary_changes: int = 0
    cost_this_year: int = 0  # cents
    warnings: int = 0
    fallback_reasons: dict[str, int] = field(default_factory=dict)

    def add(self, o: Stats) -> None:
        for k in (
            "educators",
            "licenses",
            "credentials",
            "rows_read",
            "educator_rows",
            "rejected",
            "fallback",
            "complete",
            "at_risk",
            "eligible",
            "salary_changes",
            "cost_this_year",
            "warnings",
        ):
            setattr(self, k, getattr(self, k) + getattr(o, k))
        for k, v in o.fallback_reasons.items():
            self.fallback_reasons[k] = self.fallback_reasons.get(k, 0) + v


@dataclass
class ChunkOut:
    results: pa.Table
    warnings: pa.Table
    ledger: pa.Table | None
    rejects: pa.Table
    stats: Stats
    results_frame: pl.DataFrame  # internal (scaled integers), for tests


_EMPTY_TABLE = {
    "educators": {"educator_id": pl.String},
    "credentials": {"educator_id": pl.String},
    "evaluations": {"educator_id": pl.String},
}


def _typed(df: pl.DataFrame | None, table: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    if df is None or df.height == 0:
        df = pl.DataFrame(schema={**_EMPTY_TABLE[table], "_row": pl.Int64})
    return prepare(df, table)


def _to_decimal(name: str, scale: int) -> pl.Expr:
    out: pl.Expr = (pl.col(name).cast(pl.Decimal(38, scale)) / (10**scale)).cast(
        pl.Decimal(18, scale)
    )
    return out


def finish_results(cp: ColumnarPlan, df: pl.DataFrame) -> pa.Table:
    internal = _internal(cp)
    for name, dtype in internal.items():
        if name not in df.columns:
            df = df.with_columns(pl.lit(None, dtype).alias(name))
    df = df.select([pl.col(n).cast(t) for n, t in internal.items()])
    scale = cp.scale
    conv: list[pl.Expr] = []
    for u in cp.units:
        for p in ("total", "required", "earned", "remaining"):
            conv.append(_to_decimal(f"{p}_{u}", scale[u]).alias(f"{p}_{u}"))
    conv.extend(_to_decimal(m, 2).alias(m) for m in _MONEY)
    df = df.with_columns(conv).with_columns(
        pl.lit(cp.plan.jurisdiction.id).alias("jurisdiction"),
        pl.lit(cp.plan.as_of).alias("as_of"),
    )
    schema = results_schema(cp)
    return df.select(schema.names).to_arrow().cast(schema)


def _amount_text(cp: ColumnarPlan) -> pl.Expr:
    expr: pl.Expr = pl.col("amount").cast(pl.String)
    for u, s in cp.scale.items():
        if s:
            expr = (
                pl.when(pl.col("unit") == u)
                .then(
                    (pl.col("amount").cast(pl.Decimal(38, s)) / (10**s))
                    .cast(pl.Decimal(18, s))
                    .cast(pl.String)
                )
                .otherwise(expr)
            )
    return expr


def _split_wide(chunk: Chunk) -> Chunk:
    """One wide file: each row is a credential (when it has a credential_id or a kind)
    carrying its educator's columns; the educator rows are its distinct educator-and-license
    column values, first row first."""
    raw = chunk.educators
    if raw.height == 0:
        return Chunk(raw, None, None)
    ecols = [c.name for c in TABLES["educators"] if c.name in raw.columns]

    def present(c: str) -> pl.Expr:
        if c not in raw.columns:
            return pl.lit(False)
        return pl.col(c).cast(pl.String).str.strip_chars().str.len_chars().fill_null(0) > 0

    edu = raw.filter(present("educator_id")).unique(
        subset=[*ecols], keep="first", maintain_order=True
    )
    cred = raw.filter(present("credential_id") | present("kind"))
    return Chunk(edu, cred, None)


@dataclass
class Prepared:
    """A chunk's rows typed and checked (`prepare_chunk`): the good rows of each table, the
    rejected ones, and the row counts read."""

    edu: pl.DataFrame
    cred: pl.DataFrame
    evals: pl.DataFrame
    rejects: list[pl.DataFrame]
    rows_read: int
    educator_rows: int


def prepare_chunk(chunk: Chunk) -> Prepared:
    """Type and check a chunk's rows; credentials and evaluations of an educator the
    educators table lacks are rejected. Columnar work only, so the runner does it in its
    reading thread while the previous chunk is evaluated."""
    if chunk.single:
        chunk = _split_wide(chunk)
    rows_read = sum(
        0 if x is None else x.height
        for x in (chunk.educators, chunk.credentials, chunk.evaluations)
    )
    educator_rows = 0 if chunk.educators is None else chunk.educators.height
    edu, r_edu = _typed(chunk.educators, "educators")
    cred, r_cred = _typed(chunk.credentials, "credentials")
    evals, r_ev = _typed(chunk.evaluations, "evaluations")
    known = edu.get_column("educator_id").unique().implode()
    rej_parts = [r_edu, r_cred, r_ev]
    kept = {"credentials": cred, "evaluations": evals}
    for name, df in kept.items():
        orphan = df.filter(~pl.col("educator_id").is_in(known))
        if orphan.height:
            kept[name] = df.filter(pl.col("educator_id").is_in(known))
            rej_parts.append(
                orphan.select(
                    pl.lit(name).alias("table"),
                    pl.col("_row").alias("row"),
                    "educator_id",
                    (
                        pl.col("credential_id")
                        if name == "credentials"
                        else pl.col("year").cast(pl.String)
                    ).alias("item"),
                    pl.format(
                        "educator '{}' is not in the educators table (or its rows were rejected)",
                        pl.col("educator_id"),
                    ).alias("reason"),
                )
            )
    return Prepared(
        edu, kept["credentials"], kept["evaluations"], rej_parts, rows_read, educator_rows
    )


def process_chunk(
    cp: ColumnarPlan,
    chunk: Chunk | Prepared,
    *,
    files: dict[str, str],
    mode: Mode = "vector",
    with_ledger: bool = False,
    frames: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame] | None = None,
    pool: FallbackPool | None = None,
) -> ChunkOut:
    """`chunk`: as read, or already `prepare_chunk`ed. `pool`: worker processes for the
    per-educator path (none: this process alone); the outputs are the same either way."""
    stats = Stats()
    pre = chunk if isinstance(chunk, Prepared) else prepare_chunk(chunk)
    edu, cred, evals, rej_parts = pre.edu, pre.cred, pre.evals, pre.rejects
    stats.rows_read = pre.rows_read
    stats.educator_rows = pre.educator_rows
    known = edu.get_column("educator_id").unique()
    res_parts: list[pl.DataFrame] = []
    warn_parts: list[pl.DataFrame] = []
    led_parts: list[pl.DataFrame] = []
    fb_ids: pl.Series
    if mode == "vector" and cp.reason is None:
        vo = evaluate_vector(cp, edu, cred, evals, frames or catalog_frames(cp))
        fb_ids = vo.fallback
        keep = ~pl.col("educator_id").is_in(fb_ids.implode())
        res_parts.append(vo.results.filter(keep))
        warn_parts.append(vo.warnings.filter(keep))
        if with_ledger:
            led_parts.append(vo.ledger.filter(keep))
        stats.fallback_reasons = dict(vo.reasons)
    else:
        fb_ids = known
        stats.fallback_reasons = {cp.reason or "reference": known.len()} if known.len() else {}
    fb_rejected = 0
    # the per-educator path in slices, so its Python objects stay few at any time
    fb_sorted = fb_ids.sort()
    size = FALLBACK_SLICE if pool is None else pool.slice_size(fb_sorted.len(), FALLBACK_SLICE)
    slices = []
    for lo in range(0, fb_sorted.len(), size):
        sel = pl.col("educator_id").is_in(fb_sorted.slice(lo, size).implode())
        slices.append((edu.filter(sel), cred.filter(sel), evals.filter(sel)))
    outs = (
        (evaluate_fallback(cp, *s, with_ledger=with_ledger) for s in slices)
        if pool is None
        else pool.run(slices, with_ledger=with_ledger)
    )
    for fo in outs:
        internal = _internal(cp)
        if fo.results:
            res_parts.append(
                pl.DataFrame(
                    fo.results,
                    schema_overrides={**internal, "_lic": pl.Int64()},
                    infer_schema_length=None,
                )
            )
        if fo.warnings:
            warn_parts.append(pl.DataFrame(fo.warnings, schema=WARNING_SCHEMA))
        if with_ledger and fo.ledger:
            led_parts.append(pl.DataFrame(fo.ledger, schema=LEDGER_SCHEMA))
        if fo.rejects:
            fb_rejected += len(fo.rejects)
            rej_parts.append(
                pl.DataFrame(
                    fo.rejects,
                    schema={
                        "table": pl.String,
                        "row": pl.Int64,
                        "educator_id": pl.String,
                        "item": pl.String,
                        "reason": pl.String,
                    },
                )
            )
    stats.fallback = fb_ids.len() - fb_rejected
    internal = _internal(cp)
    res = (
        pl.concat(
            [
                p.select(
                    [
                        pl.col(c).cast(t) if c in p.columns else pl.lit(None, t).alias(c)
                        for c, t in {**internal, "_lic": pl.Int64()}.items()
                    ]
                )
                for p in res_parts
            ],
            how="vertical",
        )
        if res_parts
        else pl.DataFrame(schema={**internal, "_lic": pl.Int64()})
    )
    res = res.sort("educator_id", "license_issued", "license_type", "_lic", nulls_last=True)
    warnings = (
        pl.concat([w.cast(pl.Schema(WARNING_SCHEMA)) for w in warn_parts])
        if warn_parts
        else pl.DataFrame(schema=WARNING_SCHEMA)
    )
    warnings = warnings.sort("educator_id", "row", "code", "credential", nulls_last=True)
    warnings = warnings.with_columns(
        pl.col("table").replace_strict(files, default=None, return_dtype=pl.String).alias("file")
    ).select("educator_id", "credential", "code", "rule", "message", "file", "row")
    rejects = (
        pl.concat([r.cast({"row": pl.Int64}) for r in rej_parts if r.height])
        if any(r.height for r in rej_parts)
        else pl.DataFrame(
            schema={
                "table": pl.String,
                "row": pl.Int64,
                "educator_id": pl.String,
                "item": pl.String,
                "reason": pl.String,
            }
        )
    )
    rejects = (
        rejects.with_columns(
            pl.col("table")
            .replace_strict(files, default=None, return_dtype=pl.String)
            .alias("file")
        )
        .sort("table", "row")
        .select("file", "table", "row", "educator_id", "item", "reason")
    )
    ledger_t = None
    if with_ledger:
        led = pl.concat(led_parts) if led_parts else pl.DataFrame(schema=LEDGER_SCHEMA)
        led = led.sort(
            "educator_id", "date", "credential", "rule", "unit", maintain_order=True
        ).with_columns(_amount_text(cp).alias("amount"))
        ledger_t = led.to_arrow().cast(ledger_schema())
    people = res.get_column("educator_id").n_unique()
    stats.educators = people
    stats.licenses = res.filter(pl.col("license_type").is_not_null()).height
    stats.credentials = cred.height
    stats.rejected = rejects.height
    stats.warnings = warnings.height
    stats.complete = res.filter(pl.col("complete").fill_null(False)).height
    stats.at_risk = res.filter(pl.col("status") == "at_risk").height
    once = res.group_by("educator_id").first()
    stats.eligible = once.filter(pl.col("advance_eligible").fill_null("") != "").height
    changed = once.filter(pl.col("annual_delta").fill_null(0) != 0)
    stats.salary_changes = changed.height
    stats.cost_this_year = int(changed.get_column("this_year_delta").fill_null(0).sum() or 0)
    return ChunkOut(
        results=finish_results(cp, res),
        warnings=warnings.to_arrow().cast(warning_schema()),
        ledger=ledger_t,
        rejects=rejects.to_arrow().cast(REJECT_SCHEMA),
        stats=stats,
        results_frame=res,
    )
