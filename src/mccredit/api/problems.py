"""RFC 9457 problem details: every error the API returns, in one shape.

```json
{"type": "/problems/validation", "title": "Request is invalid", "status": 422,
 "detail": "1 problem in the request", "instance": "/v1/evaluate", "request_id": "…",
 "errors": [{"type": "date_from_datetime_parsing", "msg": "…",
             "pointer": "/educator/licenses/0/issued",
             "loc": ["educator", "licenses", 0, "issued"]}]}
```
`type` is a relative URI naming the kind of problem; `errors` lists each offending field by
JSON pointer into the body (`pointer`) or by query/path parameter name (`parameter`). No stack
trace ever leaves the server: unexpected errors are logged with the request id, and the client
gets that id to quote.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    DigestMismatchError,
    InputError,
    MccreditError,
    ProblemsError,
    UnknownJurisdictionError,
)
from ..store.repositories import ConflictError

__all__ = [
    "PROBLEM_JSON",
    "ApiProblem",
    "ErrorDetail",
    "ProblemDetails",
    "install_handlers",
    "pointer",
    "problem_response",
    "problems_from",
]

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("mccredit.api")

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Not allowed for this key's role",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict with stored data",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Request is invalid",
    500: "Internal error",
    501: "Not implemented",
    503: "Not ready",
}


class ErrorDetail(BaseModel):
    """One offending field, shaped like pydantic-core's `ErrorDetails` plus a JSON pointer."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A stable id of the kind of error.")
    msg: str
    pointer: str | None = Field(None, description="JSON pointer into the request body.")
    parameter: str | None = Field(None, description="Query, path or header parameter name.")
    loc: list[str | int] = Field(default_factory=list)


class ProblemDetails(BaseModel):
    """RFC 9457 problem details (`application/problem+json`)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "/problems/validation",
                    "title": "Request is invalid",
                    "status": 422,
                    "detail": "1 problem in the request",
                    "instance": "/v1/evaluate",
                    "request_id": "3f0c9b2e5d7a4c1e",
                    "errors": [
                        {
                            "type": "date_from_datetime_parsing",
                            "msg": "Input should be a valid date",
                            "pointer": "/educator/credentials/0/earned",
                            "loc": ["educator", "credentials", 0, "earned"],
                        }
                    ],
                }
            ]
        },
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[ErrorDetail] = Field(default_factory=list)


class ApiProblem(Exception):
    """Raise from a route to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        title: str | None = None,
        errors: Sequence[dict[str, Any]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.title = title or _TITLES.get(status, "Error")
        self.errors = list(errors)
        self.headers = headers


def pointer(loc: Sequence[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in loc)


def problems_from(
    exc: ProblemsError, *, prefix: Sequence[str | int] = (), keep: Sequence[str] = ("proposal",)
) -> list[dict[str, Any]]:
    """The engine's located problems as `errors` entries, pointed into the request body:
    `prefix` is put before each location, except those already starting with a `keep` name
    (the engine locates proposal problems from the request's `proposal` field itself)."""
    out = []
    for p in exc.problems:
        d = p.as_dict()
        loc = [*p.loc] if p.loc and p.loc[0] in keep else [*prefix, *p.loc]
        entry: dict[str, Any] = {
            "type": d["type"],
            "msg": d["msg"],
            "pointer": pointer(loc),
            "loc": loc,
        }
        for k in ("expected", "got", "file", "line", "col"):
            if d.get(k) is not None:
                entry[k] = d[k]
        out.append(entry)
    return out


def _request_id(request: Request) -> str | None:
    rid = getattr(request.state, "request_id", None)
    return rid if isinstance(rid, str) else None


def problem_response(
    request: Request,
    status: int,
    detail: str | None,
    *,
    kind: str | None = None,
    title: str | None = None,
    errors: Sequence[dict[str, Any]] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{kind}" if kind else "about:blank",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": _request_id(request),
    }
    if errors:
        body["errors"] = list(errors)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for e in exc.errors():
        loc = list(e.get("loc", ()))
        where = loc[0] if loc else "body"
        rest = loc[1:]
        entry: dict[str, Any] = {"type": e.get("type", "value_error"), "msg": e.get("msg", "")}
        if where == "body":
            entry["pointer"] = pointer(rest)
        else:
            entry["parameter"] = ".".join(str(x) for x in rest) or str(where)
            entry["in"] = where
        entry["loc"] = rest
        out.append(entry)
    return out


def install_handlers(app: FastAPI) -> None:
    """Map every error to a problem document."""

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(
            request,
            exc.status,
            exc.detail,
            kind=exc.kind,
            title=exc.title,
            errors=exc.errors,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        log.info(
            "request %s %s invalid (request id %s): %s",
            request.method,
            request.url.path,
            _request_id(request),
            "; ".join(f"{e.get('pointer') or e.get('parameter')}: {e['msg']}" for e in errors),
        )
        n = len(errors)
        return problem_response(
            request,
            422,
            f"{n} problem{'s' if n != 1 else ''} in the request",
            kind="validation",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers) if exc.headers else None
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem_response(request, exc.status_code, detail, headers=headers)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> JSONResponse:
        errors = problems_from(exc)
        log.info(
            "request %s %s invalid input (request id %s): %s",
            request.method,
            request.url.path,
            _request_id(request),
            exc,
        )
        return problem_response(
            request, 422, f"{len(errors)} problem(s) in the input", kind="validation", errors=errors
        )

    @app.exception_handler(UnknownJurisdictionError)
    async def _unknown(request: Request, exc: UnknownJurisdictionError) -> JSONResponse:
        return problem_response(
            request,
            422,
            str(exc),
            kind="unknown-jurisdiction",
            errors=[
                {
                    "type": "jurisdiction.unknown",
                    "msg": str(exc),
                    "pointer": "/educator/jurisdiction",
                    "loc": ["educator", "jurisdiction"],
                    "got": exc.jurisdiction,
                }
            ],
        )

    @app.exception_handler(ConflictError)
    async def _conflict(request: Request, exc: ConflictError) -> JSONResponse:
        errors = []
        if exc.field:
            errors.append(
                {
                    "type": "conflict",
                    "msg": str(exc),
                    "pointer": pointer([exc.field]),
                    "loc": [exc.field],
                }
            )
        return problem_response(request, 409, str(exc), kind="conflict", errors=errors)

    @app.exception_handler(DigestMismatchError)
    async def _digest(request: Request, exc: DigestMismatchError) -> JSONResponse:
        # stored data that fails its own checksum is the server's fault, never served as valid
        return problem_response(request, 500, str(exc), kind="integrity")

    @app.exception_handler(MccreditError)
    async def _mccredit(request: Request, exc: MccreditError) -> JSONResponse:
        errors = problems_from(exc) if isinstance(exc, ProblemsError) else []
        return problem_response(request, 422, str(exc), kind="invalid", errors=errors)

    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning(
            "request %s %s: database unavailable (request id %s): %s",
            request.method,
            request.url.path,
            _request_id(request),
            type(exc).__name__,
        )
        return problem_response(
            request,
            503,
            "the database is unavailable or did not answer in time; retry later",
            kind="database-unavailable",
            title="Service unavailable",
            headers={"Retry-After": "5"},
        )

    for unavailable in (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError):
        app.add_exception_handler(unavailable, _unavailable)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error(
            "request %s %s failed (request id %s)",
            request.method,
            request.url.path,
            _request_id(request),
            exc_info=exc,
        )
        return problem_response(
            request,
            500,
            "the server could not complete this request; quote the request id when reporting it",
            kind="internal",
        )
