"""Hand-offs to the systems people already run (issue 15): payroll export layouts as data."""

from .layouts import Layout, bundled_layouts, load_layout, render

__all__ = ["Layout", "bundled_layouts", "load_layout", "render"]
