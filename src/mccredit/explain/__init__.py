"""Explanations: a readable account of every figure and the rule behind it."""

from ._text import render_text

__all__ = ["render_text"]
