"""The engine's steps: compile a jurisdiction into a plan; credits → ledger, renewal,
advancement and the evaluation document. `mccredit.evaluation` composes them with salary."""

from ..ledger import LedgerEntry
from ._advancement import advance
from ._credits import build_ledger
from ._document import document
from ._facts import Facts
from ._plan import Plan, compile_plan
from ._renewal import renew

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
