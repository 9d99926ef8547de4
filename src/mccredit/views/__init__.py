"""Views of an evaluation: a readable account of every figure and the rule behind it
(named `views` so the package never shadows the `mccredit.explain` function)."""

from ._text import annual_change, render_text

__all__ = ["annual_change", "render_text"]
