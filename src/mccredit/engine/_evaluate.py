"""The engine's steps against a compiled plan: credentials → ledger (`build_ledger`), renewal
(`renew`), advancement (`advance`), and the output document of DESIGN.md §4 (`document`).
`mccredit.evaluation` composes them with the salary step; the engine never imports salary.

Order of work, each step recorded in the ledger or the warnings, and the module doing it:
1. gate (`_gate`): micro-credentials count only from accepted issuers (and, where the
   jurisdiction's catalogs list codes, only known codes), once per catalog code; nothing earned
   after `as_of` counts; everything not credited is a warning with a reason;
2. awards (`_credits`): each credential's matching award rules (indexed by kind), amounts
   rounded per unit;
3. evaluations (`_credits`): per-year awards by score (TN levels of overall effectiveness);
4. stacks (`_credits`): completion awards (all or N of M within a window), `bonus` or `instead`
   of parts;
5. caps (`_caps`) of scope `credential` and `career`, in date order: entries are reduced, never
   dropped;
6. totals (`_document`): the sum of the ledger, per unit;
7. renewal (`_renewal`) per license (cycle window, cycle caps, share caps, category allocation);
8. advancement tiers (`_advancement`); (9. salary, in `mccredit.salary`, composed by
   `mccredit.evaluation`).
What they share (`Facts`, the condition getters, `_warn`) is in `_facts`; the non-credit
conditions and the alternatives of steps 7 and 8 in `_conditions`.

This module keeps the names the batch path imports from `engine._evaluate` (the words of
`no_requirement`'s reason, `_cycle_for`) and the steps `mccredit.engine` exports.
"""

from __future__ import annotations

from ._advancement import advance
from ._credits import build_ledger
from ._document import document
from ._facts import Facts
from ._renewal import (
    LICENSE_MISS,
    NOT_APPLICABLE,
    REASON_JOIN,
    REASON_SEP,
    REQUIREMENTS_JOIN,
    _cycle_for,
    cycles_miss,
    educator_miss,
    renew,
    renewals_miss,
)

__all__ = [
    "LICENSE_MISS",
    "NOT_APPLICABLE",
    "REASON_JOIN",
    "REASON_SEP",
    "REQUIREMENTS_JOIN",
    "Facts",
    "_cycle_for",
    "advance",
    "build_ledger",
    "cycles_miss",
    "document",
    "educator_miss",
    "renew",
    "renewals_miss",
]
