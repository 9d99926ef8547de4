"""Step 1, the gate: why a credential is not credited at all (verification, issuer, catalog
code), or None when it may be."""

from __future__ import annotations

import datetime as dt

from ..result import (
    Warning,
    WarningCode,
    accepted_clause,
    code_refusal,
)
from ._facts import Facts, _warn
from ._plan import Plan


def _verification_gate(facts: Facts, plan: Plan) -> Warning | None:
    """Why a badge's verification result keeps it from credit here (issue 12), or None: the
    result must be one `accept.verification` credits (default: `verified`), and a verified
    badge's registry entry one `accept.registry` trusts (when it names any)."""
    cred, j = facts.cred, plan.jurisdiction
    v = cred.verification
    if v is None:
        return None
    refusal = j.verification_refusal(v.status, v.registry_entry)
    day = dt.datetime.combine(plan.as_of, dt.time(), dt.UTC)
    if refusal is None and v.valid_until is not None and v.valid_until <= day:
        return _warn(
            WarningCode.VERIFICATION_NOT_CREDITED,
            credential=cred.id,
            status="expired",
            reasons=f"expired: validUntil {v.valid_until.isoformat()} is not after "
            f"{plan.as_of} (checked {v.status} on {v.checked})",
            jurisdiction=j.id,
            credited=" or ".join(sorted(j.credited_verification)),
        )
    if refusal == "status":
        why = "; ".join(f"{r.code}: {r.message}" for r in v.reasons) or v.status
        return _warn(
            WarningCode.VERIFICATION_NOT_CREDITED,
            credential=cred.id,
            status=v.status,
            reasons=why,
            jurisdiction=j.id,
            credited=" or ".join(sorted(j.credited_verification)),
        )
    if refusal == "registry":
        return _warn(
            WarningCode.REGISTRY_ENTRY_NOT_TRUSTED,
            credential=cred.id,
            entry=v.registry_entry,
            jurisdiction=j.id,
            trusted=", ".join(sorted(j.trusted_registry or ())),
        )
    return None


def _gate(facts: Facts, plan: Plan) -> Warning | None:
    """Why a credential is not credited at all, or None when it may be."""
    cred, j = facts.cred, plan.jurisdiction
    if cred.verification is not None:
        refused = _verification_gate(facts, plan)
        if refused is not None:
            return refused
    if cred.kind != "micro_credential":
        return None
    if cred.issuer is None:
        return _warn(
            WarningCode.ISSUER_MISSING,
            credential=cred.id,
            jurisdiction=j.id,
            accepted=", ".join(sorted(j.accepted_issuers)),
        )
    if not facts.accepted:
        return _warn(
            WarningCode.ISSUER_NOT_ACCEPTED,
            credential=cred.id,
            issuer=cred.issuer,
            jurisdiction=j.id,
            accepted=accepted_clause(j.accepted_issuers),
        )
    if facts.unknown_code and (j.strict_codes or cred.issuer in j.complete_code_issuers):
        return _warn(
            WarningCode.CODE_NOT_IN_CATALOG,
            credential=cred.id,
            code=cred.code,
            catalog=j.issuer_names.get(cred.issuer, cred.issuer),
            why=code_refusal(j.id, j.strict_codes),
        )
    return None


UNKNOWN_CODE_BASIS = "issuer accepted; code not in catalog"
