"""The FastAPI application: `/v1` routes, problem details, request ids, body limits.

`create_app()` wires an engine (from `MCCREDIT_DATABASE_URL` or the default SQLite file), the
evaluator and the limits into `app.state`; it does not migrate (`mccredit serve` does, or
refuses to start). Every response carries `X-Request-ID` (the caller's, when it sends a sane
one); the audit log and error logs quote it.
"""

from __future__ import annotations

import gc
import json
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..rules import RuleSet
from ..store._config import make_engine
from ..store._writer import EvaluationWriter
from ._fast import EvaluateFastPath
from ._guard import BodyGuard
from ._jobs import Jobs
from .deps import ApiSettings, Evaluator, KeyCache
from .problems import PROBLEM_JSON, ProblemDetails, install_handlers
from .routes import (
    audit,
    badges,
    educators,
    evaluate,
    evaluations,
    health,
    jurisdictions,
    licensure,
    notifications,
    payroll,
    scenarios,
    workforce,
)

__all__ = ["create_app"]

_RID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

DESCRIPTION = """\
Licensure and salary-credit evaluation for K-12 educators.

Authenticate with `Authorization: Bearer <key>` (create one with
`mccredit keys create --role licensure --scope us-tn`). Errors are RFC 9457 problem details
(`application/problem+json`) whose `errors` name each offending field by JSON pointer.
A key only ever sees educators in its jurisdiction scope: others answer 404.
"""


class RequestContext:
    """Pure-ASGI middleware: request id in, `X-Request-ID` out, body size limit enforced."""

    def __init__(self, app: ASGIApp, settings: ApiSettings) -> None:
        self.app = app
        self.settings = settings

    def _limit(self, path: str) -> int:
        if path.rstrip("/").endswith(("/evaluate/batch", "/scenarios/cost", "/v1/scenarios")):
            return self.settings.max_batch_bytes
        return self.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = ""
        length: int | None = None
        for k, v in scope.get("headers", []):
            if k == b"x-request-id":
                incoming = v.decode("latin-1")
            elif k == b"content-length":
                try:
                    length = int(v)
                except ValueError:
                    length = None
        rid = incoming if _RID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        limit = self._limit(scope.get("path", ""))
        started = False
        rejected = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if rejected:
                return  # we already answered 413; whatever the app says next is dropped
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        if length is not None and length > limit:
            await self._too_large(scope, send_with_id, limit, rid)
            return
        seen = 0

        async def counted_receive() -> Message:
            nonlocal seen, rejected
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and not started:
                    await self._too_large(scope, send_with_id, limit, rid)
                    rejected = True
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counted_receive, send_with_id)

    @staticmethod
    async def _too_large(scope: Scope, send: Send, limit: int, rid: str) -> None:
        body = json.dumps(
            {
                "type": "/problems/body-too-large",
                "title": "Request body too large",
                "status": 413,
                "detail": f"the request body is larger than {limit} bytes",
                "instance": scope.get("path"),
                "request_id": rid,
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _operation_id(route: APIRoute) -> str:
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def _problem_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The OpenAPI document with every 4xx/5xx response as `application/problem+json`."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        problem = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem.pop("$defs", {}))
        schemas["ProblemDetails"] = problem
        ref = {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
        for item in spec.get("paths", {}).values():
            for op in item.values():
                for code, resp in op.get("responses", {}).items():
                    if code[:1] in ("4", "5"):
                        resp["content"] = {PROBLEM_JSON: ref}
        from ._examples import add_examples

        app.openapi_schema = add_examples(spec)
        return spec

    return openapi


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On shutdown (after uvicorn answered the requests in flight): commit every queued
    evaluation, finish the running background job, mark the queued ones interrupted."""
    app.state.writer.open()  # an application may be started again after a shutdown
    if getattr(app.state, "freeze_gc", False):  # `mccredit serve`'s workers (see _server)
        app.state.evaluator.rules  # noqa: B018 - loaded now, not on the first request
        gc.collect()
        gc.freeze()
    yield
    await run_in_threadpool(app.state.writer.close)
    await run_in_threadpool(app.state.jobs.shutdown)


def create_app(
    *,
    url: str | None = None,
    engine: Engine | None = None,
    rules: RuleSet | None = None,
    settings: ApiSettings | None = None,
) -> FastAPI:
    """The API over the database at `url` (or the given engine) and the bundled rules."""
    settings = settings or ApiSettings.from_env()
    responses: dict[int | str, dict[str, Any]] = {
        401: {"description": "No, unknown or revoked API key."},
        413: {"description": "Body over the size limit."},
        422: {"description": "Invalid request; `errors` points at each field."},
        500: {"description": "Unexpected error; the body quotes the request id."},
    }
    # /docs without a CDN: Swagger UI from fastapi-offline's bundled assets under /docs/assets
    # (FastAPI's own page loads them from jsDelivr and stays blank offline). No ReDoc: its
    # standalone bundle still fetches its logo from cdn.redoc.ly.
    app = FastAPIOffline(
        docs_url="/docs",
        redoc_url=None,
        static_url="/docs/assets",
        title="mccredit",
        version="1",
        description=DESCRIPTION,
        generate_unique_id_function=_operation_id,
        responses=responses,
        lifespan=_lifespan,
    )
    app.state.engine = engine if engine is not None else make_engine(url)
    app.state.writer = EvaluationWriter(app.state.engine)  # group commit of store=true
    app.state.evaluator = Evaluator(rules)
    app.state.settings = settings
    app.state.key_cache = KeyCache(settings.key_cache_seconds)
    app.state.jobs = Jobs(scenarios.mark_interrupted(app.state.engine))
    scenarios.recover_runs(app.state.engine)  # runs a stopped server left unfinished
    install_handlers(app)
    app.include_router(health.router)
    for module in (
        jurisdictions,
        evaluate,
        scenarios,
        educators,
        badges,
        evaluations,
        payroll,
        licensure,
        workforce,
        audit,
    ):
        app.include_router(module.router, prefix="/v1")
    app.include_router(notifications.router, prefix="/v1")
    # innermost: answers a plain POST /v1/evaluate itself, on bodies BodyGuard has let through
    app.add_middleware(EvaluateFastPath, fastapi=app)
    app.add_middleware(BodyGuard)  # inside RequestContext: sees only size-limited bodies
    app.add_middleware(RequestContext, settings=settings)
    app.openapi = _problem_openapi(app)  # type: ignore[method-assign]
    return app
