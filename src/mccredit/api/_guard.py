"""Request bodies refused before anything parses them deeply (issue 14).

`BodyGuard` is a pure-ASGI middleware that reads the (size-limited) body once and answers 422
with a problem document when it

- nests arrays/objects more than `MAX_DEPTH` levels deep (checked on the bytes, before any
  recursive parser or validator sees them), or
- holds a NUL character or a lone UTF-16 surrogate in any string or key (neither can be stored
  in PostgreSQL text nor hashed as UTF-8).

Bodies that are not valid JSON pass through untouched: FastAPI reports those itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._yaml import MAX_DEPTH, json_too_deep

__all__ = ["MAX_DEPTH", "BodyGuard", "body_problems"]

# A \u0000 or \uD800-\uDFFF escape, or a surrogate written raw as (invalid) UTF-8 bytes.
_SUSPECT = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})|\xed[\xa0-\xbf]")
_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")
_too_deep = json_too_deep


def _strings(data: Any) -> Iterator[tuple[list[str | int], str]]:
    stack: list[tuple[list[str | int], Any]] = [([], data)]
    while stack:
        loc, node = stack.pop()
        if isinstance(node, str):
            yield loc, node
        elif isinstance(node, dict):
            for k, v in node.items():
                yield [*loc, k], k
                stack.append(([*loc, k], v))
        elif isinstance(node, list):
            stack.extend(([*loc, i], v) for i, v in enumerate(node))


def _pointer(loc: list[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in loc)


def _safe(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def body_problems(body: bytes) -> list[dict[str, Any]]:
    """The `errors` entries for a refused body (empty when it may go on)."""
    if _too_deep(body):
        return [
            {
                "type": "too_deep",
                "msg": f"the body nests arrays and objects more than {MAX_DEPTH} levels deep",
                "pointer": "",
                "loc": [],
            }
        ]
    if _SUSPECT.search(body) is None:
        return []
    try:
        data = json.loads(body)
    except ValueError:
        return []
    out: list[dict[str, Any]] = []
    for loc, text in _strings(data):
        bad = _BAD_CHAR.search(text)
        if bad is None:
            continue
        nul = bad.group() == "\x00"
        safe_loc = [_safe(p) if isinstance(p, str) else p for p in loc]
        out.append(
            {
                "type": "string_nul" if nul else "string_lone_surrogate",
                "msg": "a NUL character is not allowed"
                if nul
                else f"a lone surrogate U+{ord(bad.group()):04X} is not valid Unicode text",
                "pointer": _pointer(safe_loc),
                "loc": safe_loc,
            }
        )
    out.sort(key=lambda e: e["pointer"])
    return out


class BodyGuard:
    """Answer 422 for a body `body_problems` refuses; otherwise replay it to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
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
        if messages[-1]["type"] == "http.request":
            body = b"".join(chunks)
            errors = body_problems(body) if body else []
            if errors:
                await _refuse(scope, send, errors)
                return
            messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _refuse(scope: Scope, send: Send, errors: list[dict[str, Any]]) -> None:
    n = len(errors)
    body = json.dumps(
        {
            "type": "/problems/validation",
            "title": "Request is invalid",
            "status": 422,
            "detail": f"{n} problem{'s' if n != 1 else ''} in the request",
            "instance": scope.get("path"),
            "request_id": scope.get("state", {}).get("request_id"),
            "errors": errors,
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
