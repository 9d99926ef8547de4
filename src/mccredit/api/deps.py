"""FastAPI dependencies as `Annotated` aliases: sessions, the caller's key, the evaluator.

Roles (DESIGN.md §4, issue 5):

- licensure: evaluate, explain, rules; educators, credentials and stored evaluations in scope.
- payroll: as licensure, plus the payroll changes and exports of its districts.
- union: evaluate, explain (what-if proposals included) and rules; nothing is stored and no
  personal record is readable.
- admin: everything in scope (`*` for all), plus the audit log.

A key's scope is a list of jurisdiction ids, each covering itself and what lies beneath it.
Out-of-scope records answer 404, exactly like absent ones, so existence never leaks; a role
that may not use a route at all answers 403.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import inspect
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from .. import _api
from ..errors import ProblemsError
from ..io.educator import Educator
from ..result import Evaluation
from ..rules import RuleSet
from ..store._config import read_session, write_session
from ..store.repositories import authenticate, in_scope
from .problems import ApiProblem, problems_from

__all__ = [
    "ApiSettings",
    "Evaluator",
    "EvaluatorDep",
    "KeyCache",
    "KeyDep",
    "Principal",
    "RequestIdDep",
    "SessionDep",
    "SettingsDep",
    "WriteSessionDep",
    "get_evaluator",
    "get_principal",
    "get_session",
    "get_write_session",
]


@dataclass(frozen=True)
class ApiSettings:
    """Limits the API enforces (bytes, items, seconds); see `from_env`."""

    max_body_bytes: int = 1 << 20
    max_batch_bytes: int = 32 << 20
    max_batch_items: int = 10_000
    key_cache_seconds: float = 2.0

    @classmethod
    def from_env(cls) -> ApiSettings:
        """Defaults, overridden by `MCCREDIT_API_MAX_BODY_BYTES`, `…_MAX_BATCH_BYTES`,
        `…_MAX_BATCH_ITEMS` and `…_KEY_CACHE_SECONDS`."""
        kw: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = os.environ.get(f"MCCREDIT_API_{f.name.upper()}")
            if raw:
                kw[f.name] = float(raw) if f.type in (float, "float") else int(raw)
        return cls(**kw)


class Evaluator:
    """The engine as the API uses it; swap it in tests with `app.dependency_overrides`."""

    def __init__(self, rules: RuleSet | None = None) -> None:
        self._rules = rules

    @property
    def rules(self) -> RuleSet:
        return self._rules if self._rules is not None else _api.default_rules()

    @property
    def supports_proposals(self) -> bool:
        return "proposal" in inspect.signature(_api.evaluate).parameters

    def _kw(self, proposal: dict[str, Any] | None, fn: Any) -> dict[str, Any]:
        if proposal is None:
            return {}
        if "proposal" not in inspect.signature(fn).parameters:
            raise ApiProblem(
                501,
                "what-if proposals are not available in this build of mccredit",
                kind="proposals-unavailable",
            )
        return {"proposal": proposal}

    def evaluate(
        self,
        educator: Educator | dict[str, Any],
        *,
        as_of: dt.date | None,
        proposal: dict[str, Any] | None = None,
        jurisdiction: str | None = None,
    ) -> Evaluation:
        """The evaluation; `jurisdiction` defaults to the educator's own."""
        return _api.evaluation_of(
            educator,
            jurisdiction=jurisdiction,
            as_of=as_of,
            rules=self.rules,
            **self._kw(proposal, _api.evaluation_of),
        )

    def explain(
        self,
        educator: Educator | dict[str, Any],
        *,
        as_of: dt.date | None,
        proposal: dict[str, Any] | None = None,
    ) -> str:
        return _api.explain(
            educator, as_of=as_of, rules=self.rules, **self._kw(proposal, _api.explain)
        )

    def to_educator(
        self, data: dict[str, Any], *, stored: bool = False, as_of: dt.date | None = None
    ) -> Educator:
        """Validate an educator document (badge documents become credentials, verified
        against the rules' trust registry). `stored=True` only for documents read back from
        the store, whose credentials keep the verification recorded at intake; a request's
        own document may not declare a verification."""
        return _api.to_educator(data, rules=self.rules, stored=stored, as_of=as_of)

    def normalize(self, educator: Educator, *, as_of: dt.date | None = None) -> Educator:
        """An educator validated by FastAPI, with any Open Badges / CLR documents under
        `badges` turned into credentials the way `mccredit evaluate` does; problems in them
        (and a credential that declares its own `verification`) raise `ApiProblem` 422
        pointing into `/educator`. Badges are verified on `as_of` (default today)."""
        if not educator.badges and all(c.verification is None for c in educator.credentials):
            return educator
        try:
            return self.to_educator(educator.model_dump(mode="json"), as_of=as_of)
        except ProblemsError as e:
            raise ApiProblem(
                422,
                f"{len(e.problems)} problem(s) in the educator's badges",
                kind="validation",
                errors=problems_from(e, prefix=["educator"]),
            ) from None

    def ruleset_sha256(self, jurisdiction: str) -> str | None:
        """The sha256 of a jurisdiction's rules now, or None when it is no longer known."""
        rules = self.rules
        if jurisdiction not in rules.jurisdictions:
            return None
        return rules.get(jurisdiction).sha256


@dataclass(frozen=True)
class Principal:
    """The caller: an API key's id, role and jurisdiction scope."""

    key_id: str
    role: str
    scopes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def actor(self) -> str:
        return f"key:{self.key_id}"

    def sees(self, jurisdiction: str) -> bool:
        return in_scope(jurisdiction, self.scopes)

    def require(self, *roles: str) -> None:
        if self.role not in roles:
            raise ApiProblem(
                403,
                f"role {self.role!r} may not use this route (allowed: {', '.join(roles)})",
                kind="forbidden-role",
            )


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_session(request: Request) -> Iterator[Session]:
    with read_session(_engine(request)) as session:
        yield session


def get_write_session(request: Request) -> Iterator[Session]:
    """A session that takes SQLite's write lock up front; the route commits."""
    with write_session(_engine(request)) as session:
        yield session


async def get_request_id(request: Request) -> str:
    rid = getattr(request.state, "request_id", None)
    return rid if isinstance(rid, str) else "-"


async def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


async def get_evaluator(request: Request) -> Evaluator:
    evaluator: Evaluator = request.app.state.evaluator
    return evaluator


_bearer = HTTPBearer(auto_error=False, description="An API key from `mccredit keys create`.")


class KeyCache:
    """Recently authenticated keys, by SHA-256 of the token, for `ttl` seconds.

    Saves a database read per request; a key revoked with `mccredit keys revoke` (another
    process) stops working within `ttl` seconds. `ttl=0` turns the cache off.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._keys: dict[str, tuple[float, Principal]] = {}

    def get(self, token: str) -> Principal | None:
        if self.ttl <= 0:
            return None
        hit = self._keys.get(hashlib.sha256(token.encode()).hexdigest())
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, token: str, principal: Principal) -> None:
        if self.ttl <= 0:
            return
        if len(self._keys) > 10_000:
            self._keys.clear()
        self._keys[hashlib.sha256(token.encode()).hexdigest()] = (
            time.monotonic() + self.ttl,
            principal,
        )


def _lookup(engine: Engine, token: str) -> Principal | None:
    with read_session(engine) as session:
        key = authenticate(session=session, token=token)
    return None if key is None else Principal(key_id=key.key_id, role=key.role, scopes=key.scopes)


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    challenge = {"WWW-Authenticate": 'Bearer realm="mccredit"'}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiProblem(
            401,
            "send an API key as `Authorization: Bearer <key>`",
            kind="unauthenticated",
            headers=challenge,
        )
    token = credentials.credentials
    cache: KeyCache = request.app.state.key_cache
    principal = cache.get(token)
    if principal is None:
        principal = await run_in_threadpool(_lookup, _engine(request), token)
        if principal is None:
            raise ApiProblem(
                401, "this API key is unknown or revoked", kind="unauthenticated", headers=challenge
            )
        cache.put(token, principal)
    return principal


SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]
KeyDep = Annotated[Principal, Depends(get_principal)]
EvaluatorDep = Annotated[Evaluator, Depends(get_evaluator)]
RequestIdDep = Annotated[str, Depends(get_request_id)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
