"""Row validation: the fast flags on typed values reject exactly the rows the exact checks
(with their messages) reject."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mccredit.batch._columns import TABLES, _parse, _table_checks, prepare

_VALUES = st.sampled_from(
    [
        None,
        "",
        " ",
        "E1",
        "E2",
        " E1 ",
        "x" * 201,
        "workshop",
        "micro_credential",
        "webinar",
        "2024-01-31",
        "2024-02-30",
        "2024-1-5",
        "20240105",
        "0",
        "3",
        "-1",
        "1.5",
        "1.23456",
        "7.50000",
        "1e3",
        "abc",
        "1234567890123",
        "12345678.9999",
        "true",
        "false",
        "YES",
        "maybe",
        "teacher",
        "administrator",
        "a;b",
        "a;;b ;",
        "81",
        "79.9999",
        "1990",
        "2101",
        "5",
        "6",
        "professional",
        "2030-01-01",
    ]
)


def _rows(table: str) -> st.SearchStrategy[pl.DataFrame]:
    cols = [c.name for c in TABLES[table]]
    rows = st.fixed_dictionaries(dict.fromkeys(cols, _VALUES))
    return st.lists(rows, min_size=1, max_size=25).map(
        lambda rows: pl.DataFrame(rows, schema=dict.fromkeys(cols, pl.String)).with_columns(
            pl.int_range(1, len(rows) + 1, dtype=pl.Int64).alias("_row")
        )
    )


def _exact_bad(df: pl.DataFrame, table: str) -> set[int]:
    checks = []
    values = []
    for c in TABLES[table]:
        v, ch = _parse(c, df.schema[c.name])
        values.append(v.alias(c.name))
        checks.extend(b.fill_null(False) for b, _ in ch)
    raw = df.select(pl.col("_row"), pl.any_horizontal(checks).alias("_b"))
    typed = df.select(pl.col("_row"), *values)
    cross = [b.fill_null(False) for b, _ in _table_checks(table)]
    if cross:
        typed = typed.with_columns(pl.any_horizontal(cross).alias("_x"))
    else:
        typed = typed.with_columns(pl.lit(False).alias("_x"))
    both = raw.join(typed.select("_row", "_x"), on="_row")
    return set(both.filter(pl.col("_b") | pl.col("_x")).get_column("_row"))


@settings(max_examples=60, derandomize=True)
@given(st.sampled_from(sorted(TABLES)).flatmap(lambda t: st.tuples(st.just(t), _rows(t))))
def test_fast_flags_reject_exactly_the_bad_rows(case: tuple[str, pl.DataFrame]) -> None:
    table, df = case
    good, rejects = prepare(df, table)
    bad = _exact_bad(df, table)
    dup = set(rejects.filter(pl.col("reason").str.starts_with("duplicate")).get_column("row"))
    assert set(rejects.get_column("row")) - dup == bad
    assert set(good.get_column("_row")) == set(df.get_column("_row")) - bad - dup
    reasons = rejects.get_column("reason")
    assert all(reasons.str.len_chars() > 0)
    assert not any(reasons.str.contains(r"^\d"))  # a reason names the column, never the row
