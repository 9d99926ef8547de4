"""The evaluation result: the typed evaluation document (`Evaluation` and its parts) and the
warning codes with their message templates. Below the ledger, the engine and salary, which
fill it; everything above reads it; it becomes JSON once, at the edge (`to_dict`)."""

from ._models import (
    Advancement,
    Allocation,
    CategoryProgress,
    Cycle,
    CycleCap,
    Evaluation,
    LedgerKind,
    LedgerLine,
    PayPeriod,
    ProposalApplied,
    Renewal,
    RenewalStatus,
    RulesetRef,
    Salary,
    SalaryChange,
    SalaryStep,
    Unmet,
    Warning,
)
from ._warnings import (
    WarningCode,
    accepted_clause,
    code_refusal,
    placeholders,
    requirements_clause,
)

__all__ = [
    "Advancement",
    "Allocation",
    "CategoryProgress",
    "Cycle",
    "CycleCap",
    "Evaluation",
    "LedgerKind",
    "LedgerLine",
    "PayPeriod",
    "ProposalApplied",
    "Renewal",
    "RenewalStatus",
    "RulesetRef",
    "Salary",
    "SalaryChange",
    "SalaryStep",
    "Unmet",
    "Warning",
    "WarningCode",
    "accepted_clause",
    "code_refusal",
    "placeholders",
    "requirements_clause",
]
