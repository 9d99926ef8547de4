"""Read a roster in chunks of whole educators, without loading it into Python objects.

A roster is a folder with `educators`, `credentials` and (optionally) `evaluations` tables,
each a `.parquet` or `.csv` file (see `docs/BATCH.md`). Two ways to cut it into chunks, both
keeping every educator's rows together:

* **merge** (tables sorted by `educator_id`, as `benchmarks/roster.py` and most exports write
  them): stream record batches of every table side by side (pyarrow `iter_batches` /
  `open_csv`), cutting after a whole educator. Memory holds one chunk.
* **hash** (any order): rows go to partition `hash(educator_id) % K`. One streaming pass over
  each table writes every row to a temporary Arrow file for its partition (polars'
  partitioned sink), each then read back and sorted, so reading stays linear in the roster's
  size. Chosen automatically when a table turns out not to be sorted.

Row numbers (`_row`) are 1-based data rows (a CSV's header is row 0, so CSV line = row + 1).
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import Problem, RosterError
from ._columns import TABLES

__all__ = ["Roster", "RosterError", "Unsorted", "open_roster"]

TABLE_NAMES = ("educators", "credentials", "evaluations")
HASH_SEED = 20261126


class Unsorted(Exception):
    """A table is not sorted by educator_id: read it by hash partitions instead."""


@dataclass(frozen=True)
class Roster:
    root: Path
    files: dict[str, Path]  # table name -> file
    single: bool = False  # one wide file: credential rows carrying educator columns

    def display(self, table: str) -> str:
        return str(self.files[table])

    def rows(self, table: str) -> int | None:
        p = self.files.get(table)
        if p is None:
            return 0
        if p.suffix == ".parquet":
            return int(pq.ParquetFile(p).metadata.num_rows)
        return None


def _fail(path: Path | str, message: str) -> RosterError:
    return RosterError([Problem(type="roster.unreadable", message=message, path=str(path))])


def _find(folder: Path, name: str) -> Path | None:
    for ext in (".parquet", ".csv"):
        p = folder / f"{name}{ext}"
        if p.is_file():
            return p
    return None


def open_roster(path: Path | str) -> Roster:
    """Locate and check the roster's tables: header, required columns. Raise `RosterError`."""
    p = Path(path)
    if not p.exists():
        raise _fail(p, f"{p}: no such file or folder")
    if p.is_file():
        if p.suffix not in (".parquet", ".csv"):
            raise _fail(
                p,
                f"{p}: a roster is a folder with educators, credentials and (optionally) "
                "evaluations tables, or one wide .parquet/.csv file; see docs/BATCH.md",
            )
        cols = _header(p)
        need = sorted({c.name for c in TABLES["credentials"] if c.required} - {"credential_id"})
        missing = [c for c in ["educator_id", *need] if c not in cols]
        if missing or "credential_id" not in cols:
            raise _fail(
                p,
                f"{p}: missing required column(s) "
                f"{', '.join(missing + ([] if 'credential_id' in cols else ['credential_id']))}"
                f"; found: {', '.join(cols) or 'none'}",
            )
        return Roster(root=p.parent, files={"educators": p, "credentials": p}, single=True)
    files: dict[str, Path] = {}
    for name in TABLE_NAMES:
        f = _find(p, name)
        if f is None:
            if name == "evaluations":
                continue
            raise _fail(p, f"{p}: no {name}.parquet or {name}.csv")
        files[name] = f
    for name, f in files.items():
        cols = _header(f)
        need = [c.name for c in TABLES[name] if c.required]
        missing = [c for c in need if c not in cols]
        if missing:
            raise _fail(
                f,
                f"{f}: missing required column(s) {', '.join(missing)}; "
                f"found: {', '.join(cols) or 'none'}",
            )
    return Roster(root=p, files=files)


def _header(f: Path) -> list[str]:
    try:
        if f.suffix == ".parquet":
            return list(pq.ParquetFile(f).schema_arrow.names)
        with f.open("rb") as fh:
            first = fh.readline().decode("utf-8-sig").strip()
        if not first:
            raise _fail(f, f"{f}: empty file (a CSV roster needs a header row)")
        return [c.strip().strip('"') for c in first.split(",")]
    except RosterError:
        raise
    except (OSError, UnicodeDecodeError, pa.ArrowException) as e:
        raise _fail(f, f"{f}: cannot read: {e}") from None


def _batches(f: Path, batch_rows: int) -> Iterator[pl.DataFrame]:
    """The file's rows in order, about `batch_rows` at a time. Parquet is decoded by polars'
    streaming reader straight into polars columns (a third of the CPU of pyarrow's
    `iter_batches` plus the conversion, measured on the TN benchmark roster); CSV by
    pyarrow's block reader with every column as text."""
    try:
        if f.suffix == ".parquet":
            yield from pl.scan_parquet(f).collect_batches(chunk_size=batch_rows)
            return
        with f.open("rb") as fh:
            names = [c.strip().strip('"') for c in fh.readline().decode("utf-8-sig").split(",")]
        reader = pacsv.open_csv(
            f,
            read_options=pacsv.ReadOptions(block_size=1 << 22, encoding="utf8"),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
        for rb in reader:
            df = pl.from_arrow(rb)
            assert isinstance(df, pl.DataFrame)
            yield df
    except (pa.ArrowException, pl.exceptions.PolarsError, OSError) as e:
        raise _fail(f, f"{f}: cannot read: {e}") from None


class _Stream:
    """One table's rows in educator_id order, handed out up to a given id."""

    def __init__(self, f: Path, batch_rows: int) -> None:
        self.f = f
        self.it = _batches(f, batch_rows)
        self.buf: list[pl.DataFrame] = []
        self.rows = 0
        self.done = False
        self.last: str | None = None

    def _pull(self) -> bool:
        if self.done:
            return False
        try:
            df = next(self.it)
        except StopIteration:
            self.done = True
            return False
        df = _keyed(df, self.rows)
        self.rows += df.height
        keys = df.get_column("_key").drop_nulls().replace("", None).drop_nulls()
        if keys.len():
            if not keys.is_sorted() or (self.last is not None and keys[0] < self.last):
                raise Unsorted(str(self.f))
            self.last = keys[-1]
        self.buf.append(df)
        return True

    def _max(self) -> str | None:
        return self.last

    def ensure(self, n: int) -> None:
        while sum(b.height for b in self.buf) < n and self._pull():
            pass

    def nth_key(self, n: int) -> str | None:
        """The educator id at the n-th keyed row of the buffer (or the last one)."""
        self.ensure(n)
        if not self.buf:
            return None
        keys = pl.concat(self.buf).get_column("_key").replace("", None).drop_nulls()
        if keys.is_empty():
            return None
        return str(keys[min(n, keys.len()) - 1])

    def take_through(self, hi: str | None) -> pl.DataFrame | None:
        """All buffered-or-upcoming rows with `_key <= hi` (every row if hi is None)."""
        if hi is None:
            while self._pull():
                pass
        else:
            while (self.last is None or self.last <= hi) and self._pull():
                pass
        if not self.buf:
            return None
        df = pl.concat(self.buf, how="vertical_relaxed")
        if hi is None:
            self.buf = []
            return df
        keys = df.get_column("_key")
        if keys.null_count() == 0 and not (keys == "").any():
            cut = int(keys.search_sorted(hi, side="right"))  # sorted: slicing is free
            out, rest = df.slice(0, cut), df.slice(cut)
        else:
            k = pl.col("_key")
            take = k.is_null() | (k == "") | (k <= hi)
            out = df.filter(take)
            rest = df.filter(~take)
        self.buf = [rest] if rest.height else []
        return out


@dataclass
class Chunk:
    educators: pl.DataFrame
    credentials: pl.DataFrame | None
    evaluations: pl.DataFrame | None
    single: bool = False


def merge_chunks(roster: Roster, chunk_educators: int, batch_rows: int) -> Iterator[Chunk]:
    """Chunks of about `chunk_educators` educators, for tables sorted by educator_id."""
    streams = {name: _Stream(f, batch_rows) for name, f in roster.files.items()}
    edu = streams["educators"]
    while True:
        hi = edu.nth_key(chunk_educators)
        if hi is None:
            e = edu.take_through(None)
            rest = {n: s.take_through(None) for n, s in streams.items() if n != "educators"}
            if e is not None or any(v is not None for v in rest.values()):
                yield Chunk(
                    e if e is not None else pl.DataFrame(),
                    rest.get("credentials"),
                    rest.get("evaluations"),
                    roster.single,
                )
            return
        e = edu.take_through(hi)
        assert e is not None
        others = {n: s.take_through(hi) for n, s in streams.items() if n != "educators"}
        yield Chunk(e, others.get("credentials"), others.get("evaluations"), roster.single)


def _scan(f: Path) -> pl.LazyFrame:
    if f.suffix == ".parquet":
        return pl.scan_parquet(f)
    return pl.scan_csv(f, infer_schema=False, empty_string_is_null=False)


def hash_parts(roster: Roster, target_rows: int) -> int:
    sizes = []
    for f in roster.files.values():
        n = roster.rows(next(k for k, v in roster.files.items() if v == f))
        sizes.append(n if n is not None else f.stat().st_size // 48)
    return max(1, math.ceil(max(sizes) / max(1, target_rows)))


#: An educator's key: educator_id as trimmed text.
_KEY = pl.col("educator_id").cast(pl.String).str.strip_chars().alias("_key")


def _keyed(df: pl.DataFrame, offset: int) -> pl.DataFrame:
    """`_row` (1-based data row, counting from `offset`) and `_key` added."""
    return df.with_columns(
        pl.int_range(offset + 1, offset + 1 + df.height, dtype=pl.Int64).alias("_row"), _KEY
    )


def _part_of(parts: int) -> pl.Expr:
    return (pl.col("_key").hash(HASH_SEED) % parts).fill_null(0)


def _keyed_scan(f: Path, parts: int) -> pl.LazyFrame:
    """The table's rows with `_row` (1-based data row), `_key` and `_p` (hash partition)."""
    return (
        _scan(f)
        .with_row_index("_row", offset=1)
        .with_columns(pl.col("_row").cast(pl.Int64), _KEY)
        .with_columns(_part_of(parts).alias("_p"))
    )


def _spill(f: Path, parts: int, folder: Path) -> pl.DataFrame:
    """Read `f` once with polars' streaming engine, writing each row to `folder/_p=<k>/` (Arrow
    IPC, written and read back at memory speed) for its hash partition `k`; returns an empty
    frame with the table's columns (for partitions no row falls into)."""
    lf = _keyed_scan(f, parts)
    try:
        empty = lf.head(0).collect().drop("_p")
        if "educator_id" not in empty.columns:
            raise _fail(f, f"{f}: no educator_id column")
        # rows are put back in order by (_key, _row) when a partition is read
        lf.sink_ipc(
            pl.PartitionBy(folder, key="_p", include_key=False), mkdir=True, maintain_order=False
        )
    except (pl.exceptions.PolarsError, OSError) as e:
        raise _fail(f, f"{f}: cannot read: {e}") from None
    return empty


def _spilled(folder: Path, k: int, empty: pl.DataFrame) -> pl.DataFrame:
    """Partition `k` of a spilled table, sorted by educator and row."""
    files = sorted((folder / f"_p={k}").glob("*.ipc"))
    if not files:
        return empty
    return pl.scan_ipc(files).sort("_key", "_row", nulls_last=True).collect()


def hash_chunks(roster: Roster, parts: int) -> Iterator[Chunk]:
    """Every educator's rows together, in `parts` hash partitions of educator_id, for tables in
    any order. One streaming pass reads each table once and writes every row to a temporary
    Arrow file for its partition (polars' partitioned sink), each then read back and sorted:
    the cost is linear in the roster's size, not `parts` reads of it, and memory holds one
    partition. The temporary folder is removed afterwards, also when the run stops half-way."""
    if parts <= 1:
        yield _scanned(roster, 1, 0)
        return
    with tempfile.TemporaryDirectory(prefix="mccredit-hash-") as tmp:
        empties = {name: _spill(f, parts, Path(tmp) / name) for name, f in roster.files.items()}
        for k in range(parts):
            tables = {name: _spilled(Path(tmp) / name, k, empty) for name, empty in empties.items()}
            yield Chunk(
                tables["educators"],
                tables.get("credentials"),
                tables.get("evaluations"),
                roster.single,
            )


def _scanned(roster: Roster, parts: int, k: int) -> Chunk:
    """Partition `k` of `parts` by one filtered streaming scan of each table."""

    def read(f: Path) -> pl.DataFrame:
        lf = _keyed_scan(f, parts).filter(pl.col("_p") == k).drop("_p")
        try:
            return lf.collect(engine="streaming").sort("_key", "_row", nulls_last=True)
        except (pl.exceptions.PolarsError, OSError) as e:
            raise _fail(f, f"{f}: cannot read: {e}") from None

    tables = {name: read(f) for name, f in roster.files.items()}
    return Chunk(
        tables["educators"], tables.get("credentials"), tables.get("evaluations"), roster.single
    )
