"""Hand-offs to the systems people already run (issue 15): payroll export layouts as data
and exports delivered in them."""

from .layouts import (
    CSV_MEDIA_TYPE,
    DEFAULT_LAYOUT,
    FIELDS,
    XLSX_MEDIA_TYPE,
    Layout,
    bundled_layouts,
    choose_layout,
    layouts_in,
    load_layout,
    render,
)
from .payroll import Delivery, deliver, export_in_layout, pay_periods

__all__ = [
    "CSV_MEDIA_TYPE",
    "DEFAULT_LAYOUT",
    "FIELDS",
    "Delivery",
    "XLSX_MEDIA_TYPE",
    "Layout",
    "bundled_layouts",
    "choose_layout",
    "deliver",
    "export_in_layout",
    "layouts_in",
    "load_layout",
    "pay_periods",
    "render",
]
