"""Educators, their credentials and the badge files credentials came from: read within scopes,
create or replace a profile, take in credentials idempotently, and read a jurisdiction's whole
roster in chunks (for costing runs)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ...errors import ConflictError
from ...io.educator import Credential, Educator
from ..tables import BadgeDocument, CredentialRecord, EducatorRecord, utcnow
from ._audit import audit
from ._common import (
    canonical_json,
    educator_document,
    in_scope,
    scope_filter,
    sha256_text,
)

__all__ = [
    "count_jurisdiction_educators",
    "credentials_of",
    "educator_input",
    "educator_inputs",
    "get_credential",
    "get_educator",
    "intake_credential",
    "jurisdiction_educator_inputs",
    "list_educators",
    "put_educator",
    "store_badge_document",
]


def _credential_document(credential: Credential) -> dict[str, Any]:
    doc: dict[str, Any] = credential.model_dump(mode="json")
    return doc


def get_educator(
    *,
    session: Session,
    educator_id: str,
    scopes: Sequence[str],
    jurisdiction: str | None = None,
) -> EducatorRecord | None:
    """The educator `educator_id` within `scopes` (and of `jurisdiction`, when given), or None
    when there is none there (the caller answers 404: what lies outside the scopes is never
    looked at). Ids are namespaced by jurisdiction, so a key whose scopes cover several
    jurisdictions may see the id in more than one: that is a `ConflictError` naming them,
    answered by giving `jurisdiction`."""
    cond = sa.and_(
        col(EducatorRecord.id) == educator_id, scope_filter(EducatorRecord.jurisdiction, scopes)
    )
    if jurisdiction is not None:
        cond = sa.and_(cond, col(EducatorRecord.jurisdiction) == jurisdiction)
    rows = session.exec(
        select(EducatorRecord).where(cond).order_by(col(EducatorRecord.jurisdiction)).limit(10)
    ).all()
    if len(rows) > 1:
        raise ConflictError(
            f"educator id {educator_id!r} is held in more than one jurisdiction of this key's "
            f"scope ({', '.join(r.jurisdiction for r in rows)}); name one with ?jurisdiction=",
            field="jurisdiction",
        )
    return rows[0] if rows else None


def list_educators(
    *,
    session: Session,
    scopes: Sequence[str],
    jurisdiction: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[EducatorRecord], int]:
    cond = scope_filter(EducatorRecord.jurisdiction, scopes)
    if jurisdiction is not None:
        cond = sa.and_(cond, col(EducatorRecord.jurisdiction) == jurisdiction)
    rows = session.exec(
        select(EducatorRecord)
        .where(cond)
        .order_by(col(EducatorRecord.id))
        .offset(offset)
        .limit(limit)
    ).all()
    count = session.exec(select(sa.func.count()).select_from(EducatorRecord).where(cond)).one()
    return list(rows), int(count)


def credentials_of(*, session: Session, educator: EducatorRecord) -> list[CredentialRecord]:
    return list(
        session.exec(
            select(CredentialRecord)
            .where(
                CredentialRecord.educator_id == educator.id,
                CredentialRecord.jurisdiction == educator.jurisdiction,
            )
            .order_by(col(CredentialRecord.pk))
        ).all()
    )


def educator_input(*, session: Session, record: EducatorRecord) -> dict[str, Any]:
    """The educator input document: the stored profile plus every stored credential, in the
    order they were taken in."""
    doc: dict[str, Any] = json.loads(record.document)
    doc["credentials"] = [
        json.loads(c.document) for c in credentials_of(session=session, educator=record)
    ]
    return doc


def educator_inputs(
    *, session: Session, records: Sequence[EducatorRecord]
) -> dict[tuple[str, str], dict[str, Any]]:
    """`educator_input` for many educators in two queries (for listings), by (id,
    jurisdiction)."""
    docs: dict[tuple[str, str], dict[str, Any]] = {}
    for r in records:
        doc = json.loads(r.document)
        doc["credentials"] = []
        docs[r.id, r.jurisdiction] = doc
    if docs:
        for c in session.exec(
            select(CredentialRecord)
            .where(col(CredentialRecord.educator_id).in_({i for i, _ in docs}))
            .order_by(col(CredentialRecord.pk))
        ).all():
            doc = docs.get((c.educator_id, c.jurisdiction))
            if doc is not None:
                doc["credentials"].append(json.loads(c.document))
    return docs


def put_educator(
    *,
    session: Session,
    educator: Educator,
    scopes: Sequence[str],
    actor: str,
    request_id: str | None = None,
) -> tuple[EducatorRecord, bool] | None:
    """Create or replace the profile of the educator (`educator.id`, `educator.jurisdiction`)
    and take in the credentials it lists.

    Ids are namespaced by jurisdiction: only that one (id, jurisdiction) is looked at, so
    whether the id is held in another jurisdiction changes nothing and shows nothing. The same
    id under another jurisdiction is another educator: an educator does not move; a transfer
    is stored as the educator of the new jurisdiction, and the old jurisdiction keeps its own.
    Credentials already stored and not listed are kept (nothing is lost); a listed one that
    conflicts with the stored one of the same id raises `ConflictError`. Returns
    (record, created), or None when the jurisdiction is outside `scopes`.
    """
    if not in_scope(educator.jurisdiction, scopes):
        return None
    profile = educator_document(educator)
    profile.pop("credentials", None)
    text = canonical_json(profile)
    ident = (educator.id, educator.jurisdiction)
    rec = session.get(EducatorRecord, ident)
    created = rec is None
    if rec is None:
        rec = EducatorRecord(
            id=educator.id,
            jurisdiction=educator.jurisdiction,
            document=text,
            sha256=sha256_text(text),
        )
        try:
            with session.begin_nested():
                session.add(rec)
        except IntegrityError:  # created concurrently: replace it like any other
            rec = session.get(EducatorRecord, ident, populate_existing=True)
            assert rec is not None
            created = False
    if not created and rec.sha256 != sha256_text(text):
        rec.document = text
        rec.sha256 = sha256_text(text)
        rec.updated = utcnow()
        session.add(rec)
    session.flush()
    audit(
        session=session,
        actor=actor,
        action="educator.create" if created else "educator.replace",
        target=rec.id,
        jurisdiction=rec.jurisdiction,
        request_id=request_id,
        detail={"sha256": rec.sha256, "credentials": len(educator.credentials)},
    )
    for cred in educator.credentials:
        intake_credential(
            session=session, educator=rec, credential=cred, actor=actor, request_id=request_id
        )
    return rec, created


def intake_credential(
    *,
    session: Session,
    educator: EducatorRecord,
    credential: Credential,
    actor: str,
    request_id: str | None = None,
    badge_sha256: str | None = None,
) -> tuple[CredentialRecord, bool]:
    """Take in one credential, idempotently: (record, created). `badge_sha256` names the
    stored badge file it came from (`store_badge_document`).

    A replay (same issuer, id and content) returns the stored row; the same id with a different
    issuer or content raises `ConflictError`. Safe under concurrency: the unique constraint
    decides, and the loser reads the winner's row.
    """
    doc = _credential_document(credential)
    text = canonical_json(doc)
    digest = sha256_text(text)

    def existing() -> CredentialRecord | None:
        return session.exec(
            select(CredentialRecord).where(
                CredentialRecord.educator_id == educator.id,
                CredentialRecord.jurisdiction == educator.jurisdiction,
                CredentialRecord.credential_id == credential.id,
            )
        ).first()

    def check(found: CredentialRecord) -> tuple[CredentialRecord, bool]:
        if found.issuer != credential.issuer:
            raise ConflictError(
                f"educator {educator.id!r} already has credential {credential.id!r} from issuer "
                f"{found.issuer!r}, not {credential.issuer!r}; credential ids are unique per "
                "educator",
                field="id",
            )
        if found.sha256 != digest:
            stored = json.loads(found.document)
            fields = sorted(k for k in set(stored) | set(doc) if stored.get(k) != doc.get(k))
            raise ConflictError(
                f"credential {credential.id!r} from {credential.issuer!r} is already stored with "
                f"different content ({', '.join(fields)}); stored credentials are never edited",
                field=fields[0] if fields else None,
            )
        return found, False

    found = existing()
    if found is not None:
        return check(found)
    rec = CredentialRecord(
        educator_id=educator.id,
        jurisdiction=educator.jurisdiction,
        credential_id=credential.id,
        issuer=credential.issuer,
        document=text,
        sha256=digest,
        created_by=actor,
        badge_sha256=badge_sha256,
    )
    try:
        with session.begin_nested():
            session.add(rec)
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return check(found)
    audit(
        session=session,
        actor=actor,
        action="credential.create",
        target=f"{educator.id}/{credential.id}",
        jurisdiction=educator.jurisdiction,
        request_id=request_id,
        detail={"issuer": credential.issuer, "sha256": digest},
    )
    return rec, True


def get_credential(
    *, session: Session, educator: EducatorRecord, credential_id: str
) -> CredentialRecord | None:
    return session.exec(
        select(CredentialRecord).where(
            CredentialRecord.educator_id == educator.id,
            CredentialRecord.jurisdiction == educator.jurisdiction,
            CredentialRecord.credential_id == credential_id,
        )
    ).first()


def store_badge_document(
    *,
    session: Session,
    educator: EducatorRecord,
    content: bytes,
    source: str,
    container: str,
    actor: str,
) -> BadgeDocument:
    """Keep a badge file byte for byte, once per educator and content (issue 12)."""
    digest = hashlib.sha256(content).hexdigest()

    def existing() -> BadgeDocument | None:
        return session.exec(
            select(BadgeDocument).where(
                BadgeDocument.educator_id == educator.id,
                BadgeDocument.jurisdiction == educator.jurisdiction,
                BadgeDocument.sha256 == digest,
            )
        ).first()

    found = existing()
    if found is not None:
        return found
    rec = BadgeDocument(
        educator_id=educator.id,
        jurisdiction=educator.jurisdiction,
        sha256=digest,
        source=source[-500:],
        container=container,
        content=content,
        created_by=actor,
    )
    try:
        with session.begin_nested():
            session.add(rec)
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return found
    return rec


def jurisdiction_educator_inputs(
    *, session: Session, jurisdiction: str, chunk: int = 1000
) -> Iterable[dict[str, Any]]:
    """Every stored educator input document of `jurisdiction` (exactly it, not beneath),
    by id, read `chunk` educators at a time."""
    last = ""
    while True:
        rows = session.exec(
            select(EducatorRecord)
            .where(col(EducatorRecord.jurisdiction) == jurisdiction, col(EducatorRecord.id) > last)
            .order_by(col(EducatorRecord.id))
            .limit(chunk)
        ).all()
        if not rows:
            return
        docs = educator_inputs(session=session, records=rows)
        for r in rows:
            yield docs[r.id, r.jurisdiction]
        last = rows[-1].id


def count_jurisdiction_educators(*, session: Session, jurisdiction: str) -> int:
    return int(
        session.exec(
            select(sa.func.count())
            .select_from(EducatorRecord)
            .where(col(EducatorRecord.jurisdiction) == jurisdiction)
        ).one()
    )
