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


_CATEGORY_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "a", "a;b", " a ; b ", "a;;b ;", ";", "x" * 201, "b;" + "y" * 201]),
    st.lists(st.sampled_from(["a", "b", " c", "", "d "]), max_size=3).map(";".join),
)


def _by_hand(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").strip().split(";") if p.strip()]


@settings(max_examples=60, derandomize=True)
@given(st.lists(_CATEGORY_TEXT, min_size=1, max_size=30))
def test_categories_parsed_once_per_value_as_per_row(texts: list[str | None]) -> None:
    """Text categories are split once per distinct value and joined back; every row gets
    the list a per-row split gives, rows keep their order, and an over-long item is a
    located reject. The same values as Parquet `list<string>` give the same lists."""
    n = len(texts)
    base = {
        "educator_id": ["E1"] * n,
        "credential_id": [f"C{i}" for i in range(n)],
        "kind": ["workshop"] * n,
        "earned": ["2024-01-31"] * n,
        "_row": list(range(1, n + 1)),
    }
    df = pl.DataFrame({**base, "categories": texts}, schema_overrides={"_row": pl.Int64})
    good, rejects = prepare(df, "credentials")
    long = {i + 1 for i, t in enumerate(texts) if any(len(p) > 200 for p in _by_hand(t))}
    assert set(rejects.get_column("row")) == long
    assert all("a category is longer than 200" in r for r in rejects.get_column("reason"))
    want = [_by_hand(t) for i, t in enumerate(texts) if i + 1 not in long]
    assert good.get_column("categories").to_list() == want
    assert good.get_column("_row").to_list() == sorted(set(range(1, n + 1)) - long)
    lists = [None if t is None else t.split(";") for t in texts]
    df_list = pl.DataFrame(
        {**base, "categories": lists},
        schema_overrides={"_row": pl.Int64, "categories": pl.List(pl.String)},
    )
    good_l, rejects_l = prepare(df_list, "credentials")
    assert good_l.get_column("categories").to_list() == want
    assert set(rejects_l.get_column("row")) == long


def test_duplicates_are_the_repeats_of_an_educators_key_after_the_first() -> None:
    n = 5000  # enough rows that the pairs' hashes are compared, not a handful
    cred = pl.DataFrame(
        {
            "_row": list(range(1, n + 4)),
            "educator_id": [f"E{i % 700}" for i in range(n)] + ["E1", " E2 ", "E3"],
            # the same credential id under other educators is no duplicate
            "credential_id": [f"C{i // 700}" for i in range(n)] + ["C0", "C0", "C999"],
            "kind": "workshop",
            "earned": "2024-01-01",
        }
    )
    good, rej = prepare(cred, "credentials")
    assert rej.get_column("row").to_list() == [n + 1, n + 2]
    assert rej.get_column("reason").to_list() == [
        "duplicate credential id 'C0' for educator 'E1'",
        "duplicate credential id 'C0' for educator 'E2'",
    ]
    assert good.height == n + 1
    evals = pl.DataFrame(
        {
            "_row": [1, 2, 3, 4],
            "educator_id": ["A", "B", "A", "A"],
            "year": [2025, 2025, 2024, 2025],
            "score": [3, 4, 5, 2],
        }
    )
    good, rej = prepare(evals, "evaluations")
    assert rej.get_column("row").to_list() == [4]
    assert good.get_column("_row").to_list() == [1, 2, 3]
