"""Reports people open or print: self-contained HTML (issue 11: the costing report;
issue 15: the workforce skills view).

`_page` is the shell they share (one file, inline SVG charts drawn by matplotlib, print CSS);
each report module renders one document kind.
"""

from .costing import costing_report, write_costing_report
from .workforce import workforce_csv, workforce_html, workforce_view

__all__ = [
    "costing_report",
    "workforce_csv",
    "workforce_html",
    "workforce_view",
    "write_costing_report",
]
