"""List columns of a roster (`categories`, `recommendations`): `;`-separated text in CSV,
text or `list<string>` in Parquet, made clean lists (items trimmed, empty items dropped, a
missing value an empty list). Text is parsed once per distinct value (`lists_once`), not
once per row (`_columns.prepare` calls it)."""

from __future__ import annotations

import polars as pl

__all__ = ["MAX_TEXT", "list_values", "lists_once", "long_item"]

MAX_TEXT = 200


def list_values(raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A categories column as clean lists: `;`-split text (or a list), items trimmed, empty
    items dropped, a missing value an empty list."""
    if isinstance(dtype, pl.List):
        lst = raw.cast(pl.List(pl.String))
    elif dtype == pl.Null:
        lst = pl.lit([], pl.List(pl.String))
    else:
        lst = raw.cast(pl.String).str.strip_chars().str.split(";")
    return (
        lst.list.eval(pl.element().str.strip_chars())
        .list.eval(
            pl.element().filter(pl.element().is_not_null() & (pl.element().str.len_chars() > 0))
        )
        .fill_null(pl.lit([], pl.List(pl.String)))
    )


def long_item(lst: pl.Expr) -> pl.Expr:
    return lst.list.eval(pl.element().str.len_chars() > MAX_TEXT).list.any()


def lists_once(df: pl.DataFrame, names: list[str]) -> tuple[pl.DataFrame, set[str]]:
    """Text categories columns parsed once per distinct value, not once per row: a roster
    repeats a few combinations (`subject;literacy`) over millions of rows, so the distinct
    values are split and cleaned and joined back as a list column, with `_long_<name>`
    (an item is longer than `MAX_TEXT`). Returns the frame and the columns so prepared."""
    done: set[str] = set()
    for n in names:
        if n not in df.columns:
            continue
        dtype = df.schema[n]
        if isinstance(dtype, pl.List) or dtype == pl.Null:
            continue
        key = pl.col(n).cast(pl.String)
        uniq = df.select(key.unique().alias("_k"))
        lst = list_values(pl.col("_k"), pl.String())
        parsed = uniq.with_columns(lst.alias("_lst"), long_item(lst).alias(f"_long_{n}"))
        # joined on the key column alone, so the table's other columns are not copied
        got = df.select(key.alias("_k")).join(
            parsed, on="_k", how="left", nulls_equal=True, maintain_order="left"
        )
        df = df.with_columns(got.get_column("_lst").alias(n), got.get_column(f"_long_{n}"))
        done.add(n)
    return df, done
