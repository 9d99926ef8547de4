"""The evaluation result: warning codes with their message templates (and, built on them,
the typed evaluation document). Below the ledger, the engine and salary, which all fill it."""

from ._warnings import (
    WarningCode,
    accepted_clause,
    code_refusal,
    placeholders,
    requirements_clause,
)

__all__ = [
    "WarningCode",
    "accepted_clause",
    "code_refusal",
    "placeholders",
    "requirements_clause",
]
