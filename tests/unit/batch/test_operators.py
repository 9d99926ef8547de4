"""Every operator of the one field/operator table (`rules._fields`) gives the same answers on
the engine path (`parse_matcher` → `Matcher.test`, the Python predicate) and on the batch path
(`batch._compile.matcher_expr` → the polars expression over the roster column the table names),
for every field type it applies to, on generated values and operands: missing values, list
fields, numbers finer than the roster's 10^4 scale and dates included."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mccredit.batch._columns import SCALE
from mccredit.batch._compile import Unsupported, matcher_expr
from mccredit.rules import parse_matcher
from mccredit.rules._fields import FIELDS, OPERATORS, FieldSpec

# per field type, one field of the table the batch path has a column for
_BY_TYPE: dict[str, FieldSpec] = {}
for _context in FIELDS:
    for _spec in FIELDS[_context].values():
        if _spec.column is not None:
            _BY_TYPE.setdefault(_spec.type, _spec)

PAIRS = [(op, t) for op in OPERATORS for t in _BY_TYPE if OPERATORS[op].fits(t)]

_WORDS = st.sampled_from(["a", "b", "c", "literacy"])
_DECIMALS = st.decimals(min_value=0, max_value=50, places=4, allow_nan=False)
# operands may be finer than the roster's scale (no column value equals 2.00005)
_OPERAND_DECIMALS = st.decimals(min_value=-1, max_value=51, places=6, allow_nan=False)
_DATES = st.dates(min_value=dt.date(2019, 12, 25), max_value=dt.date(2020, 1, 10))


def _values(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """A field's value as the engine sees it (None: missing; a tuple for a list field)."""
    words = st.sampled_from(spec.values) if spec.values is not None else _WORDS
    return {
        "string": st.none() | words,
        "strings": st.lists(words, max_size=3, unique=True).map(tuple),
        "number": st.none() | _DECIMALS,
        "date": st.none() | _DATES,
        "boolean": st.none() | st.booleans(),
    }[spec.type]


def _operand(spec: FieldSpec) -> st.SearchStrategy[Any]:
    words = st.sampled_from(spec.values) if spec.values is not None else _WORDS
    return {
        "string": words,
        "strings": words,
        "number": _OPERAND_DECIMALS.map(str),
        "date": _DATES,
        "boolean": st.booleans(),
    }[spec.type]


def _column(spec: FieldSpec, values: list[Any]) -> pl.Series:
    """The values as the roster column holds them: numbers scaled to integers, lists as
    list<string> (never null: an empty list is a missing list)."""
    name = spec.column
    if spec.type == "number":
        ints = [None if v is None else int(v * SCALE) for v in values]
        return pl.Series(name, ints, dtype=pl.Int64)
    if spec.type == "strings":
        return pl.Series(name, [list(v) for v in values], dtype=pl.List(pl.String))
    dtype = {"string": pl.String, "date": pl.Date, "boolean": pl.Boolean}[spec.type]
    return pl.Series(name, values, dtype=dtype)


@pytest.mark.parametrize(("op", "ftype"), PAIRS, ids=[f"{o}-{t}" for o, t in PAIRS])
@given(data=st.data())
def test_engine_and_batch_agree(op: str, ftype: str, data: st.DataObject) -> None:
    spec = _BY_TYPE[ftype]
    operator = OPERATORS[op]
    values = data.draw(st.lists(_values(spec), min_size=1, max_size=8), label="values")
    if operator.operand == "boolean":
        raw: Any = data.draw(st.booleans(), label="operand")
    elif operator.operand == "values":
        raw = data.draw(st.lists(_operand(spec), min_size=1, max_size=3), label="operand")
    else:
        raw = data.draw(_operand(spec), label="operand")
    m = parse_matcher({spec.name: {op: raw}}, spec.context)
    engine = [m.test(lambda _name, v=v: v) for v in values]
    df = pl.DataFrame([_column(spec, values)])
    # with_columns, as the batch path uses it: a literal answer (no operand value can match)
    # is broadcast to every row
    hit = df.with_columns(matcher_expr(m, spec.context).alias("hit")).get_column("hit")
    batch = hit.to_list()
    assert batch == engine, (spec.name, op, raw, values)


def test_every_operator_runs_on_both_paths() -> None:
    """The table lists each operator once, with both halves; each is exercised above for every
    field type it applies to, and every field type has a batch column to test it on."""
    assert set(_BY_TYPE) == {"string", "strings", "number", "date", "boolean"}
    assert {op for op, _ in PAIRS} == set(OPERATORS)
    for op in OPERATORS.values():
        assert callable(op.test) and callable(op.expr) and op.meaning


def test_a_bare_value_is_eq_on_both_paths() -> None:
    m = parse_matcher({"contact_hours": "2.5"}, "credential")
    assert m.cmp == "eq" and m.test(lambda _n: Decimal("2.5"))
    df = pl.DataFrame({"hours": [25000, 25001, None]})
    hit = df.with_columns(matcher_expr(m, "credential").alias("hit")).get_column("hit")
    assert hit.to_list() == [True, False, False]


def test_a_field_without_a_column_is_left_to_the_engine() -> None:
    m = parse_matcher({"verification": "verified"}, "credential")
    assert FIELDS["credential"]["verification"].column is None
    with pytest.raises(Unsupported):
        matcher_expr(m, "credential")
