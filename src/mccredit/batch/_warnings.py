"""Warning messages on the columnar path, rendered from the engine's own templates
(`mccredit.result.WarningCode`): a parameter is either a polars expression (per row) or a
plain value (the same for every row, formatted as `str()` formats it, like the engine)."""

from __future__ import annotations

import string

import polars as pl

from ..result import WarningCode, placeholders

__all__ = ["message_expr"]


def message_expr(code: WarningCode, /, **params: pl.Expr | object) -> pl.Expr:
    """The message of `code` for each row: its template with every placeholder filled."""
    missing = set(placeholders(code)) - set(params)
    extra = set(params) - set(placeholders(code))
    if missing or extra:
        raise ValueError(
            f"{code.value}: placeholders missing {sorted(missing)}, unknown {sorted(extra)}"
        )
    parts: list[pl.Expr] = []
    text: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(code.template):
        text.append(literal)
        if name is None:
            continue
        value = params[name]
        if isinstance(value, pl.Expr):
            if text:
                parts.append(pl.lit("".join(text)))
                text = []
            parts.append(value.cast(pl.String))
        else:
            text.append(str(value))
    if text:
        parts.append(pl.lit("".join(text)))
    return pl.concat_str(parts)
