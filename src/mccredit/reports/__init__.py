"""Reports people open or print: self-contained HTML (issue 11: the costing report).

`_page` is the shell they share (one file, inline SVG charts drawn by matplotlib, print CSS);
each report module renders one document kind.
"""

from .costing import costing_report, write_costing_report

__all__ = ["costing_report", "write_costing_report"]
