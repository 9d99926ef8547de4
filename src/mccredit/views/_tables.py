"""Tables that fit the screen without cutting a figure (issue 14.5).

rich squeezes a table wider than the console by ellipsizing its cells (`24537…`), which turns
a cost into nonsense. `print_table` never lets that happen: a table that fits is printed as
it is; one whose text can wrap at words to fit is wrapped (each column at least as wide as its
longest word, figures never wrap); one that cannot is split into stacked tables, each
repeating the first `keep` columns (the row's key: scenario and year, educator id, ...), with
as many further columns as fit, in order, and a footer line says so and that `mccredit --wide
...` prints it whole.
"""

from __future__ import annotations

import copy
import dataclasses
import textwrap

from rich.console import Console
from rich.table import Column, Table

__all__ = ["fit_table", "print_table", "print_text"]


def _subtable(table: Table, columns: list[Column], *, title: bool) -> Table:
    t = copy.copy(table)
    t.columns = [dataclasses.replace(c, _index=i) for i, c in enumerate(columns)]
    if not title:
        t.title = None
    return t


def _ranges(console: Console, table: Table) -> list[tuple[int, int]]:
    """Each column's (least, natural) width with padding: least is its longest word, or its
    natural width where it may not wrap."""
    options = console.options.update(max_width=10_000)
    out = []
    for c in table.columns:
        m = table._measure_column(console, options, c)  # noqa: SLF001 (rich's own measure)
        out.append((m.maximum if c.no_wrap else m.minimum, m.maximum))
    return out


def _least(console: Console, table: Table) -> int:
    return sum(lo for lo, _ in _ranges(console, table)) + table._extra_width  # noqa: SLF001


def _allot(console: Console, table: Table, width: int) -> None:
    """Fix each column's width so the table is `width` wide at most and no word is cut: every
    column gets its least width, wrapping columns share what is left by what they lack."""
    ranges = _ranges(console, table)
    room = width - table._extra_width  # noqa: SLF001
    if sum(hi for _, hi in ranges) <= room:
        return
    lack = [hi - lo for lo, hi in ranges]
    spare = max(room - sum(lo for lo, _ in ranges), 0)
    total = sum(lack) or 1
    for i, (c, (lo, _)) in enumerate(zip(table.columns, ranges, strict=True)):
        pad = table._get_padding_width(i)  # noqa: SLF001
        if lo > room:  # a word wider than the screen beside the key: fold it
            c.overflow = "fold"
        c.width = max(lo + spare * lack[i] // total - pad, 1)


def fit_table(table: Table, width: int, *, keep: int = 1, console: Console) -> list[Table]:
    """`table` as one or more tables no wider than `width` (where a word allows), every cell
    whole: the first `keep` columns repeated in each, the others in order as many as fit."""
    if _least(console, table) <= width:
        _allot(console, table, width)
        return [table]
    key, rest = table.columns[:keep], table.columns[keep:]
    groups: list[list[Column]] = []
    for col in rest:
        if (
            groups
            and _least(console, _subtable(table, key + groups[-1] + [col], title=False)) <= width
        ):
            groups[-1].append(col)
        else:
            groups.append([col])
    out: list[Table] = []
    for i, g in enumerate(groups or [[]]):
        t = _subtable(table, key + g, title=i == 0)
        _allot(console, t, width)
        out.append(t)
    return out


def print_table(console: Console, table: Table, *, keep: int = 1) -> None:
    """Print `table` to fit `console.width`: stacked (see the module doc), never ellipsized."""
    parts = fit_table(table, console.width, keep=keep, console=console)
    for t in parts:
        console.print(t)
    if len(parts) > 1:
        print_text(
            console,
            f"(one table split in {len(parts)} to fit {console.width} columns; "
            "`mccredit --wide ...` prints it whole)",
        )


def print_text(console: Console, text: str) -> None:
    """One paragraph wrapped at words to `console.width` (no trailing spaces; a word longer
    than the line, such as a path, is kept whole)."""
    console.print(
        textwrap.fill(text, width=console.width, break_long_words=False, break_on_hyphens=False)
    )
