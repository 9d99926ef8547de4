"""Badge intake into the store (issue 12): `mccredit ingest` and `POST /v1/educators/{id}/badges`.

`ingest_badges` takes badge files for one stored educator and, per file:
1. reads, normalizes and verifies it (`mccredit.io.badges.intake_badges`, against the trust
   registry, on `as_of`, bound to the educator's declared `identifiers`);
2. decides each credential in it: `accepted` when the educator's jurisdiction credits its
   verification result (`accept.verification`, `accept.registry`: the same test the engine
   applies), `replay` when the store already holds it from the same file (or the same
   record), `rejected` with every reason otherwise (a verification failure, a different
   credential under a stored id, an invalid record);
3. stores what is accepted in one savepoint per file: the file byte for byte
   (`badge_document`), the normalized credential with its verification record and a link to
   the file (`credential.badge_sha256`). A file whose every credential is refused stores
   nothing; an unreadable file stores nothing; the rest of the batch still goes through;
4. evaluates the stored educator on `as_of` and reports, per credential, the ledger lines it
   earned (`credited`: unit, amount, rule) or the warning that says why it earned nothing.
Idempotent: ingesting the same files again stores nothing new and reports `replay`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError
from sqlmodel import Session

from .._yaml import pydantic_problems
from ..errors import InputError, Problem
from ..evaluation import evaluate_plan, plan_for, to_educator
from ..io.badge_files import BadgeFile
from ..io.badges import intake_badges
from ..io.educator import Credential, recipient_of
from ..rules import RuleSet
from ..verify import TrustRegistry
from .repositories import (
    audit,
    educator_input,
    get_credential,
    get_educator,
    intake_credential,
    store_badge_document,
)

__all__ = ["CredentialOutcome", "FileOutcome", "ingest_badges"]

Outcome = Literal["accepted", "replay", "rejected"]


def _problem_dict(p: Problem) -> dict[str, Any]:
    return {
        "code": p.type,
        "message": p.message,
        "field": p.field or None,
        "line": p.line,
        "col": p.col,
    }


@dataclass
class CredentialOutcome:
    """One credential of a badge file: what was decided, why, and what it earned."""

    id: str
    issuer: str | None
    status: Outcome
    verification: dict[str, Any] | None
    reasons: list[dict[str, Any]] = field(default_factory=list)
    credited: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "issuer": self.issuer,
            "status": self.status,
            "verification": self.verification,
            "reasons": self.reasons,
            "credited": self.credited,
            "warnings": self.warnings,
        }


@dataclass
class FileOutcome:
    """One badge file: `accepted` (something new stored), `replay` (all of it already
    stored), or `rejected` (nothing stored; `reasons` and each credential's say why)."""

    file: str
    sha256: str | None
    status: Outcome
    credentials: list[CredentialOutcome] = field(default_factory=list)
    reasons: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "status": self.status,
            "reasons": self.reasons,
            "credentials": [c.as_dict() for c in self.credentials],
        }


def _file_status(creds: list[CredentialOutcome]) -> Outcome:
    states = {c.status for c in creds}
    if "accepted" in states:
        return "accepted"
    if states == {"replay"}:
        return "replay"
    return "rejected"


def _same_record(stored: dict[str, Any], new: dict[str, Any]) -> bool:
    """The same credential record, whatever day it was checked on."""

    def strip(d: dict[str, Any]) -> dict[str, Any]:
        v = d.get("verification")
        if isinstance(v, dict):
            d = {**d, "verification": {k: x for k, x in v.items() if k != "checked"}}
        return d

    return strip(stored) == strip(new)


def ingest_badges(
    *,
    session: Session,
    educator_id: str,
    files: Sequence[BadgeFile],
    unreadable: Sequence[Problem] = (),
    scopes: Sequence[str],
    actor: str,
    rules: RuleSet,
    registry: TrustRegistry | None = None,
    as_of: dt.date | None = None,
    request_id: str | None = None,
    jurisdiction: str | None = None,
) -> list[FileOutcome] | None:
    """Take badge files in for a stored educator (see the module docstring); None when the
    educator is absent or outside `scopes`; `jurisdiction` names the educator's where the
    scopes hold the id in more than one (`get_educator`). The caller commits."""
    rec = get_educator(
        session=session, educator_id=educator_id, scopes=scopes, jurisdiction=jurisdiction
    )
    if rec is None:
        return None
    day = as_of or dt.datetime.now(dt.UTC).date()
    j = rules.get(rec.jurisdiction)
    intakes = intake_badges(
        files,
        registry=registry if registry is not None else rules.registry,
        as_of=day,
        known_issuers=rules.issuer_aliases(),
        recipient=recipient_of(educator_input(session=session, record=rec)),
    )
    outcomes: list[FileOutcome] = [
        FileOutcome(
            file=p.path or "<input>", sha256=None, status="rejected", reasons=[_problem_dict(p)]
        )
        for p in unreadable
    ]
    for intake in intakes:
        f = intake.file
        digest = hashlib.sha256(f.original).hexdigest()
        if intake.problems:
            outcomes.append(
                FileOutcome(
                    file=f.source,
                    sha256=digest,
                    status="rejected",
                    reasons=[_problem_dict(p) for p in intake.problems],
                )
            )
            continue
        creds: list[CredentialOutcome] = [
            CredentialOutcome(
                id=cid,
                issuer=None,
                status="replay",
                verification=None,
                reasons=[
                    {
                        "code": "replay",
                        "message": "the same credential appears in an earlier file of this intake",
                        "field": "id",
                    }
                ],
            )
            for cid in intake.replays
        ]
        accepted: list[Credential] = []
        for raw in intake.credentials:
            v = raw.get("verification") or {}
            out = CredentialOutcome(
                id=str(raw["id"]),
                issuer=raw.get("issuer"),
                status="rejected",
                verification=v or None,
            )
            creds.append(out)
            try:
                cred = Credential.model_validate(raw)
            except ValidationError as e:
                out.reasons = [
                    _problem_dict(p) for p in pydantic_problems(e, located=None, kind="credential")
                ]
                continue
            refusal = j.verification_refusal(str(v.get("status")), v.get("registry_entry"))
            if refusal is not None:
                out.reasons = list(v.get("reasons") or [])
                if refusal == "registry":
                    out.reasons.append(
                        {
                            "code": "registry_entry_not_trusted",
                            "message": f"registry entry {v.get('registry_entry')!r} is not one "
                            f"{j.id} trusts (accept.registry)",
                            "field": None,
                        }
                    )
                elif not out.reasons:
                    out.reasons.append(
                        {"code": str(v.get("status")), "message": "not credited", "field": None}
                    )
                out.reasons.append(
                    {
                        "code": "not_credited_here",
                        "message": f"{j.id} credits badges only when "
                        + " or ".join(sorted(j.credited_verification)),
                        "field": None,
                    }
                )
                continue
            stored = get_credential(session=session, educator=rec, credential_id=cred.id)
            if stored is not None:
                if stored.badge_sha256 == digest or _same_record(
                    json.loads(stored.document), cred.model_dump(mode="json")
                ):
                    out.status = "replay"
                    out.reasons = [{"code": "replay", "message": "already stored", "field": "id"}]
                else:
                    out.reasons = [
                        {
                            "code": "conflict",
                            "message": f"educator {rec.id!r} already has a different credential "
                            f"{cred.id!r} (from {stored.issuer!r}); stored credentials are "
                            "never edited",
                            "field": "id",
                        }
                    ]
                continue
            out.status = "accepted"
            accepted.append(cred)
        if accepted:
            with session.begin_nested():
                store_badge_document(
                    session=session,
                    educator=rec,
                    content=f.original,
                    source=f.source,
                    container=f.container,
                    actor=actor,
                )
                for cred in accepted:
                    intake_credential(
                        session=session,
                        educator=rec,
                        credential=cred,
                        actor=actor,
                        request_id=request_id,
                        badge_sha256=digest,
                    )
                audit(
                    session=session,
                    actor=actor,
                    action="badge.ingest",
                    target=f"{rec.id}/{digest[:16]}",
                    jurisdiction=rec.jurisdiction,
                    request_id=request_id,
                    detail={
                        "file": f.source,
                        "sha256": digest,
                        "credentials": [c.id for c in accepted],
                    },
                )
        outcomes.append(
            FileOutcome(file=f.source, sha256=digest, status=_file_status(creds), credentials=creds)
        )
    session.flush()
    _credits(session, rec, rules, day, outcomes)
    return outcomes


def _credits(
    session: Session, rec: Any, rules: RuleSet, day: dt.date, outcomes: list[FileOutcome]
) -> None:
    """Fill each taken-in credential's `credited` lines and `warnings` from an evaluation of
    the stored educator on `day`."""
    wanted: dict[str, CredentialOutcome] = {}
    for o in outcomes:
        for c in o.credentials:
            if c.status in ("accepted", "replay") and c.verification is not None:
                wanted.setdefault(c.id, c)
    if not wanted:
        return
    try:
        educator = to_educator(
            educator_input(session=session, record=rec), rules=rules, stored=True
        )
        doc = evaluate_plan(plan_for(rules, rec.jurisdiction, day), educator)
    except InputError as e:  # the stored educator no longer validates: say so, credit nothing
        for each in wanted.values():
            each.warnings = [_problem_dict(p) for p in e.problems]
        return
    for line in doc.ledger:
        hit = wanted.get(line.credential)
        if hit is not None:
            hit.credited.append({"unit": line.unit, "amount": str(line.amount), "rule": line.rule})
    for w in doc.warnings:
        hit = wanted.get(w.credential) if w.credential is not None else None
        if hit is not None:
            hit.warnings.append({"code": w.code.value, "message": w.message})
