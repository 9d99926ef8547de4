"""The costing roster: the batch roster layout (docs/BATCH.md) or educator files.

From a batch roster folder (`educators` and `credentials` tables, CSV or Parquet) costing
reads what the projection needs: each educator's id, jurisdiction and salary placement
(`salary_schedule`, `salary_lane`, `salary_step`, `salary_since`; the educator's first row),
the credentials' `kind`, `issuer`, `code`, `categories`, `earned`, `submitted`, `approved` and
`semester_credits` (the roster's history of graduate hours and micro-credentials), and where
given the costing columns `fte` (0 < fte ≤ 1) and `contract_days` (1–366) of the educators
table. A row that is not a valid educator (or a bad FTE or days value) is an `InputError`
naming file, row and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .._gc import paused_gc
from ..errors import InputError, Problem
from ..io.educator import Educator, load_educator

if TYPE_CHECKING:
    import polars as pl

__all__ = ["educator_files", "is_batch_roster", "load_costing_roster", "load_roster"]

_EDU = ("educator_id", "jurisdiction", "salary_schedule", "salary_lane", "salary_step")
_CRED = ("educator_id", "credential_id", "kind", "earned", "submitted", "semester_credits")
#: credential columns read where the table has them
_CRED_OPTIONAL = ("issuer", "code", "categories", "approved")
_OPTIONAL = (
    "submitted",
    "salary_since",
    "salary_schedule",
    "fte",
    "contract_days",
    *_CRED_OPTIONAL,
)


def educator_files(paths: Sequence[Path]) -> list[Path]:
    """Educator files: each path, or the JSON/YAML files under a folder (sorted)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(x for x in p.rglob("*") if x.suffix in (".json", ".yaml", ".yml")))
        else:
            out.append(p)
    return out


def is_batch_roster(path: Path) -> bool:
    return path.is_dir() and any(
        (path / f"educators.{ext}").is_file() for ext in ("csv", "parquet")
    )


def _table(folder: Path, name: str) -> Path:
    for ext in ("parquet", "csv"):
        if (folder / f"{name}.{ext}").is_file():
            return folder / f"{name}.{ext}"
    raise InputError(
        [Problem(type="roster.missing", message=f"{folder}: no {name}.parquet or {name}.csv")]
    )


def _read(f: Path, cols: Sequence[str]) -> pl.DataFrame:
    import polars as pl  # the CLI starts without the data stack

    if f.suffix == ".parquet":
        have = pl.read_parquet_schema(f)
        df = pl.read_parquet(f, columns=[c for c in cols if c in have])
    else:
        df = pl.read_csv(f, infer_schema=False)
        df = df.select([c for c in cols if c in df.columns])
    missing = [c for c in cols if c not in df.columns and c not in _OPTIONAL]
    if missing:
        raise InputError(
            [
                Problem(
                    type="roster.columns",
                    message=f"{f}: missing column(s) {', '.join(missing)} (docs/BATCH.md)",
                    path=str(f),
                )
            ]
        )
    return df.with_row_index("_row", offset=2 if f.suffix == ".csv" else 1)


def _str(v: Any) -> str | None:
    return None if v is None or v == "" else str(v)


Weights = tuple[dict[str, Decimal], dict[str, int]]


def _weights(ef: Path, r: dict[str, Any], eid: str, w: Weights, problems: list[Problem]) -> None:
    for col, lo, hi in (
        ("fte", Decimal(0), Decimal(1)),
        ("contract_days", Decimal(1), Decimal(366)),
    ):
        raw = _str(r.get(col))
        if raw is None:
            continue
        try:
            v = Decimal(raw)
            ok = v.is_finite() and (lo < v <= hi if col == "fte" else lo <= v <= hi)
            ok = ok and (col == "fte" or v == v.to_integral_value())
        except ArithmeticError:
            ok = False
        if not ok:
            want = "a number > 0 and ≤ 1" if col == "fte" else "a whole number of days, 1-366"
            problems.append(
                Problem(
                    type="roster.invalid",
                    message=f"educator {eid}: {col} {raw!r} is not {want}",
                    path=str(ef),
                    line=int(r["_row"]),
                    loc=("educators", eid, col),
                )
            )
        elif col == "fte":
            w[0][eid] = v
        else:
            w[1][eid] = int(v)


def _batch(folder: Path, w: Weights) -> list[Educator]:
    ef, cf = _table(folder, "educators"), _table(folder, "credentials")
    edu = _read(ef, (*_EDU, "salary_since", "fte", "contract_days"))
    cred = _read(cf, (*_CRED, *_CRED_OPTIONAL))
    creds: dict[str, list[dict[str, Any]]] = {}
    for r in cred.iter_rows(named=True):
        c: dict[str, Any] = {
            "id": _str(r["credential_id"]),
            "kind": _str(r["kind"]),
            "earned": _str(r["earned"]),
        }
        for k in ("submitted", "semester_credits", "issuer", "code", "approved"):
            if _str(r.get(k)) is not None:
                c[k] = _str(r[k])
        cats = r.get("categories")
        if isinstance(cats, str) and cats.strip():
            c["categories"] = [x.strip() for x in cats.split(";") if x.strip()]
        elif isinstance(cats, list) and cats:
            c["categories"] = [str(x) for x in cats]
        creds.setdefault(str(r["educator_id"]), []).append(c)
    out: list[Educator] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for r in edu.iter_rows(named=True):
        eid = str(r["educator_id"])
        if eid in seen:
            continue
        seen.add(eid)
        d: dict[str, Any] = {"id": eid, "jurisdiction": _str(r["jurisdiction"])}
        if _str(r.get("salary_lane")) is not None:
            d["salary"] = {"lane": _str(r["salary_lane"]), "step": _str(r["salary_step"])}
            for k in ("schedule", "since"):
                if _str(r.get(f"salary_{k}")) is not None:
                    d["salary"][k] = _str(r[f"salary_{k}"])
        d["credentials"] = creds.get(eid, [])
        _weights(ef, r, eid, w, problems)
        try:
            out.append(Educator.model_validate(d))
        except ValidationError as e:
            msg = "; ".join(
                f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}" for err in e.errors()
            )
            problems.append(
                Problem(
                    type="roster.invalid",
                    message=f"educator {eid}: {msg}",
                    path=str(ef),
                    line=int(r["_row"]),
                    loc=("educators", eid),
                )
            )
    if problems:
        raise InputError(problems)
    return out


def load_roster(
    paths: Sequence[Path], *, known_issuers: dict[str, tuple[str, ...]] | None = None
) -> list[Educator]:
    """Educators from batch roster folders and/or educator files (each problem reported)."""
    return load_costing_roster(paths, known_issuers=known_issuers)[0]


@paused_gc()  # millions of small objects alive until the end (see mccredit._gc)
def load_costing_roster(
    paths: Sequence[Path], *, known_issuers: dict[str, tuple[str, ...]] | None = None
) -> tuple[list[Educator], dict[str, Decimal], dict[str, int]]:
    """`load_roster`, plus each educator's `fte` and `contract_days` where the batch roster's
    educators table gives them (by educator id)."""
    w: Weights = ({}, {})
    out: list[Educator] = []
    problems: list[Problem] = []
    files: list[Path] = []
    for p in paths:
        if is_batch_roster(p):
            try:
                out.extend(_batch(p, w))
            except InputError as e:
                problems.extend(e.problems)
        else:
            files.append(p)
    for f in educator_files(files):
        try:
            out.append(load_educator(f, known_issuers=known_issuers))
        except InputError as e:
            problems.extend(e.problems)
    if problems:
        raise InputError(problems)
    return out, w[0], w[1]
