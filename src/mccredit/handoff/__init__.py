"""Hand-offs to the systems people already run (issue 15): payroll export layouts as data
and exports delivered in them; licensure work lists; Ed-Fi in and out."""

from ._roster import Roster, read_roster
from .edfi import EdfiRoster, earned_pd, is_edfi_folder, jsonl, read_edfi, validate_resource
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
from .worklist import (
    DEFAULT_WORKLIST,
    SECTION_COLUMNS,
    Worklist,
    WorklistDocument,
    build_worklist,
    choose_worklist,
    entries_csv,
    load_worklist,
    section_csv,
    worklists_in,
)

__all__ = [
    "CSV_MEDIA_TYPE",
    "DEFAULT_LAYOUT",
    "DEFAULT_WORKLIST",
    "FIELDS",
    "Delivery",
    "EdfiRoster",
    "XLSX_MEDIA_TYPE",
    "Layout",
    "Roster",
    "SECTION_COLUMNS",
    "Worklist",
    "WorklistDocument",
    "build_worklist",
    "bundled_layouts",
    "choose_layout",
    "choose_worklist",
    "deliver",
    "earned_pd",
    "entries_csv",
    "export_in_layout",
    "is_edfi_folder",
    "jsonl",
    "layouts_in",
    "load_layout",
    "load_worklist",
    "pay_periods",
    "read_edfi",
    "read_roster",
    "render",
    "section_csv",
    "validate_resource",
    "worklists_in",
]
