"""`POST /v1/evaluate` without FastAPI's per-request machinery, when nothing can go wrong.

Measured in process on the 20-credential benchmark educator (issue 14.2), the route spent about
as much CPU in FastAPI (routing, solving five dependencies, the exception and exit-stack
middleware, building a `Request`) as in the evaluation itself. `EvaluateFastPath` is a
pure-ASGI middleware, inside `RequestContext` (request id, size limit) and `BodyGuard` (depth,
NUL, surrogates), that answers the plain case directly:

- `POST /v1/evaluate`, no query string or exactly `store=true` (with a key whose role may
  store), a JSON content type, no dependency overrides;
- a Bearer key already in the key cache (the same `KeyCache` the route reads), whose scope
  covers the educator's jurisdiction;
- a body that `EvaluateRequest` validates (the same model, validated as FastAPI validates a
  body: the parsed JSON, in Python mode), without a proposal;
- an evaluation that raises nothing.

It then sends what the route sends: status 200, (when storing, `location` and
`x-evaluation-id`, once the evaluation writer committed the row), `content-length` and
`content-type: application/json`, the body `_api.to_json` writes (the request id is added by
`RequestContext` as for every response). Anything else (a missing, unknown or uncached key, an
invalid body, a proposal, another query, a jurisdiction out of scope, an engine problem) goes on
to the FastAPI route with the body replayed, so every refusal and every other route is exactly
as before. A store that failed goes on to the route too, with the exception in the request's
state (`STORE_FAILURE`): the route raises it instead of storing again, so the problem document
is the one the exception handlers write for the route's own failures.
tests/api/test_api_fast_path.py compares both paths response for response.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import _api
from ..result import Evaluation
from .deps import Evaluator, KeyCache
from .models import EvaluateRequest
from .routes.evaluate import STORE_FAILURE, STORE_ROLES, run, store_row

__all__ = ["EvaluateFastPath"]

_PATH = "/v1/evaluate"
_STORE = b"store=true"
_JSON_TYPES = (b"application/json", b"application/json; charset=utf-8")


class EvaluateFastPath:
    """Answer a plain `POST /v1/evaluate` without the FastAPI stack; else pass it on."""

    def __init__(self, app: ASGIApp, fastapi: Any) -> None:
        self.app = app
        self.fastapi = fastapi  # the application: its state and dependency overrides

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or scope.get("path") != _PATH
            or scope.get("query_string") not in (b"", _STORE, None)
            or self.fastapi.dependency_overrides
        ):
            await self.app(scope, receive, send)
            return
        token = None
        ctype = None
        seen_auth = seen_type = False
        for k, v in scope.get("headers", ()):
            if k == b"authorization" and not seen_auth:  # the first, as Starlette's headers
                seen_auth = True
                scheme, _, cred = v.decode("latin-1").partition(" ")
                cred = cred.strip()  # as fastapi.security's HTTPBearer
                if scheme.lower() == "bearer" and cred:
                    token = cred
            elif k == b"content-type" and not seen_type:
                seen_type = True
                ctype = v.lower()
        state = self.fastapi.state
        cache: KeyCache = state.key_cache
        key = cache.get(token) if token is not None and ctype in _JSON_TYPES else None
        store = scope.get("query_string") == _STORE
        if key is None or (store and key.role not in STORE_ROLES):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        chunks: list[bytes] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        answer = None
        headers: list[tuple[bytes, bytes]] = []
        if messages[-1]["type"] == "http.request":
            body = b"".join(chunks)
            messages = [{"type": "http.request", "body": body, "more_body": False}]
            answer = _answer(body, key, state.evaluator)
        if answer is not None and store:
            request, doc, text = answer
            rid = scope.get("state", {}).get("request_id", "-")
            try:
                eid = await store_row(state.writer, request, doc, text, key, rid)
            except Exception as e:  # the route answers it, without storing again
                scope.setdefault("state", {})[STORE_FAILURE] = e
                answer = None
            else:
                location = f"/v1/evaluations/{eid}".encode("latin-1")
                headers = [(b"location", location), (b"x-evaluation-id", str(eid).encode())]
        if answer is None:

            async def replay() -> Message:
                return messages.pop(0) if messages else await receive()

            await self.app(scope, replay, send)
            return
        content = answer[2].encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    *headers,
                    (b"content-length", str(len(content)).encode("latin-1")),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})


def _answer(
    body: bytes, key: Any, evaluator: Evaluator
) -> tuple[EvaluateRequest, Evaluation, str] | None:
    """The request, its evaluation and that one's JSON text, or None for anything the route
    itself must answer."""
    try:
        data = json.loads(body)
        request = EvaluateRequest.model_validate(data)
    except (ValueError, ValidationError):
        return None
    if request.proposal is not None or not key.sees(request.educator.jurisdiction):
        return None
    try:
        doc = run(evaluator, request)
        return request, doc, _api.to_json(doc)
    except Exception:  # the route answers it (problem document, logged 500) exactly as ever
        return None
