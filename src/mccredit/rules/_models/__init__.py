"""The rule language as pydantic v2 models (immutable, unknown keys rejected).

A jurisdiction is a folder with a `jurisdiction.yaml` and rule files under `rules/`; every rule
file is a mapping of sections (`awards`, `caps`, `stacks`, `requirements`, `advancement`,
`lanes`, `base_increases`), each a list of rules. Salary schedules live under `schedules/`,
one file per school year. See `docs/RULES.md` for the full reference with examples.

One module a concern: `_base` (ids, units, matcher and dated fields, `Origin`, `Source`,
`Window`, `UnitDef`, the common rule fields), `_credit` (awards, caps, stacks, requirements,
advancement), `_salary` (lanes, base increases, deadlines, the payroll calendar, schedules),
`_files` (a rule file, `jurisdiction.yaml` and its settings, a catalog).
"""

from ._base import Origin, Source, SourceRef, UnitDef, Window
from ._credit import (
    AdvancementRule,
    Alternative,
    AwardRule,
    CapRule,
    Conditions,
    RequirementRule,
    StackRule,
)
from ._files import (
    AcceptSettings,
    CatalogEntry,
    CatalogFile,
    CatalogIssuer,
    CatalogStack,
    EventSettings,
    JurisdictionFile,
    LicensureSettings,
    PayrollSettings,
    RuleFile,
)
from ._salary import (
    BaseIncreaseRule,
    Deadline,
    LaneCredit,
    LaneRule,
    PayCalendar,
    SalarySettings,
    ScheduleFile,
)

__all__ = [
    "AcceptSettings",
    "AdvancementRule",
    "Alternative",
    "AwardRule",
    "BaseIncreaseRule",
    "CapRule",
    "CatalogEntry",
    "CatalogFile",
    "CatalogIssuer",
    "CatalogStack",
    "Conditions",
    "Deadline",
    "EventSettings",
    "JurisdictionFile",
    "LaneCredit",
    "LaneRule",
    "LicensureSettings",
    "Origin",
    "PayCalendar",
    "PayrollSettings",
    "RequirementRule",
    "RuleFile",
    "SalarySettings",
    "ScheduleFile",
    "Source",
    "SourceRef",
    "StackRule",
    "UnitDef",
    "Window",
]
