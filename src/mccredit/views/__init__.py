"""Views of an evaluation: a readable account of every figure and the rule behind it
(named `views` so the package never shadows the `mccredit.explain` function)."""

from ._text import annual_change, render_text
from ._trace import render_trace

__all__ = ["annual_change", "render_text", "render_trace"]
