"""What `mccredit serve` hands uvicorn: the application factory and the HTTP protocol.

`serve_app` is `create_app` for a server process: at start-up it loads the rules and then
freezes the garbage collector's view of everything built so far (`gc.freeze`), so the
collections that requests trigger no longer walk the rules, compiled jurisdictions and models
(they live as long as the worker). Tests keep using `create_app`, whose apps come and go.

`NoDelayHTTPProtocol` is uvicorn's HTTP protocol with TCP_NODELAY on every connection.

asyncio turns Nagle's algorithm off only for sockets whose `proto` is IPPROTO_TCP; the listening
socket uvicorn hands to worker processes (`--workers N`) arrives with `proto` 0, so replies
(headers, then body) waited for the client's delayed ACK: ~40 ms a request. Setting the option
on each accepted connection restores sub-millisecond replies in every mode.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

try:  # the protocol uvicorn's "auto" would pick
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:  # pragma: no cover - depends on whether httptools is installed
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Base  # type: ignore[assignment]

__all__ = ["NoDelayHTTPProtocol", "serve_app"]


def serve_app() -> Any:
    """The API for a `mccredit serve` worker (see the module docstring)."""
    from .main import create_app

    app = create_app()
    app.state.freeze_gc = True
    return app


class NoDelayHTTPProtocol(_Base):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock: Any = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # pragma: no cover - e.g. a socket already closed
                pass
        super().connection_made(transport)
