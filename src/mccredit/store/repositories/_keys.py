"""API keys: a role and jurisdiction scopes; only the secret's SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from sqlmodel import Session, col, select

from ...errors import StoreError
from ..tables import ApiKey, utcnow
from ._audit import audit

__all__ = ["ROLES", "authenticate", "create_api_key", "list_api_keys", "revoke_api_key"]

ROLES = ("licensure", "payroll", "union", "admin")


def _hash_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_key(
    *,
    session: Session,
    role: str,
    scopes: Sequence[str],
    name: str | None = None,
    actor: str = "cli",
) -> tuple[ApiKey, str]:
    """A new key: (row, the secret). The secret is shown once; only its SHA-256 is kept."""
    if role not in ROLES:
        raise StoreError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    clean = [s.strip().strip("/") for s in scopes if s.strip().strip("/")]
    if not clean:
        raise StoreError("a key needs at least one jurisdiction scope (or '*' for all)")
    bad = [s for s in clean if any(ch.isspace() for ch in s)]
    if bad:
        raise StoreError(f"scopes cannot contain spaces: {bad}")
    key_id = secrets.token_hex(4)
    token = f"mcc_{key_id}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        key_id=key_id, key_hash=_hash_key(token), role=role, scope=" ".join(clean), name=name
    )
    session.add(key)
    session.flush()
    audit(
        session=session,
        actor=actor,
        action="key.create",
        target=key_id,
        detail={"role": role, "scope": clean, "name": name},
    )
    return key, token


def authenticate(*, session: Session, token: str) -> ApiKey | None:
    """The live key for a bearer token, or None."""
    if not token.startswith("mcc_") or len(token) > 200:
        return None
    key = session.exec(select(ApiKey).where(ApiKey.key_hash == _hash_key(token))).first()
    if key is None or key.revoked_at is not None:
        return None
    return key


def list_api_keys(*, session: Session, include_revoked: bool = True) -> list[ApiKey]:
    q = select(ApiKey).order_by(col(ApiKey.id))
    if not include_revoked:
        q = q.where(col(ApiKey.revoked_at).is_(None))
    return list(session.exec(q).all())


def revoke_api_key(*, session: Session, key_id: str, actor: str = "cli") -> ApiKey | None:
    key = session.exec(select(ApiKey).where(ApiKey.key_id == key_id)).first()
    if key is None:
        return None
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        audit(session=session, actor=actor, action="key.revoke", target=key_id)
        session.flush()
    return key
