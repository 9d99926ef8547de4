"""Views of an evaluation: a readable account of every figure and the rule behind it
(named `views` so the package never shadows the `mccredit.explain` function), and tables
that fit the screen without cutting a figure (`print_table`)."""

from ._tables import fit_table, print_table, print_text
from ._text import annual_change, render_text
from ._trace import render_trace

__all__ = [
    "annual_change",
    "fit_table",
    "print_table",
    "print_text",
    "render_text",
    "render_trace",
]
