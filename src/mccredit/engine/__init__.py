"""The engine's steps: compile a jurisdiction into a plan; credits → ledger, renewal,
advancement and the evaluation document. `mccredit.evaluation` composes them with salary."""

from ..ledger import LedgerEntry
from ._evaluate import Facts, advance, build_ledger, document, renew
from ._plan import Plan, compile_plan

__all__ = [
    "Facts",
    "LedgerEntry",
    "Plan",
    "advance",
    "build_ledger",
    "compile_plan",
    "document",
    "renew",
]
