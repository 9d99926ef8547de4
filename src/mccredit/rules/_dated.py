"""Values that change over time, written OpenFisca-style.

```yaml
amount: 6                                  # always 6
amount: {2017-07-01: 6, 2023-07-01: 5}     # 6 from 2017-07-01, 5 from 2023-07-01
amount: {2020-07-01: 3, 2024-06-30: null}  # 3 from 2020-07-01; ends: nothing after 2024-06-30
```
The value on a date is the one with the latest start <= date (sorted newest first, as
openfisca-core's `Parameter.get_at_instant`). Before the first start, or from a `null` start on,
there is no value: an ended series never silently persists.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = ["DatedDecimal", "DatedSeries", "parse_date"]

T = TypeVar("T")


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a real date YYYY-MM-DD") from None
    raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")


class DatedSeries(Generic[T]):
    """An immutable series of (start date, value or None), newest first."""

    __slots__ = ("_items",)

    def __init__(self, items: list[tuple[dt.date, T | None]]) -> None:
        self._items = tuple(sorted(items, key=lambda kv: kv[0], reverse=True))

    @property
    def items(self) -> tuple[tuple[dt.date, T | None], ...]:
        return self._items

    def at(self, when: dt.date) -> T | None:
        for start, value in self._items:
            if start <= when:
                return value
        return None

    def __repr__(self) -> str:
        return f"DatedSeries({list(reversed(self._items))!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DatedSeries) and other._items == self._items

    def __hash__(self) -> int:
        return hash(self._items)


_ALWAYS = dt.date(1900, 1, 1)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            raise ValueError(f"expected a number, got {value!r}") from None
    raise ValueError(f"expected a number, got {value!r}")


class DatedDecimal(DatedSeries[Decimal]):
    """A `DatedSeries` of decimals; a bare number means "this value, always"."""

    @classmethod
    def parse(cls, raw: Any) -> DatedDecimal:
        if isinstance(raw, DatedSeries):
            return cls(list(raw.items))
        if isinstance(raw, dict):
            if not raw:
                raise ValueError("a dated series needs at least one 'YYYY-MM-DD: value' entry")
            items: list[tuple[dt.date, Decimal | None]] = []
            for k, v in raw.items():
                start = parse_date(k)
                items.append((start, None if v is None else _to_decimal(v)))
            return cls(items)
        return cls([(_ALWAYS, _to_decimal(raw))])

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            json_schema_input_schema=core_schema.union_schema(
                [
                    core_schema.decimal_schema(),
                    core_schema.dict_schema(
                        core_schema.str_schema(pattern=r"^\d{4}-\d{2}-\d{2}$"),
                        core_schema.nullable_schema(core_schema.decimal_schema()),
                    ),
                ]
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda s: {
                    d.isoformat(): (None if v is None else str(v)) for d, v in reversed(s.items)
                }
            ),
        )
