"""What `mccredit serve` hands uvicorn: the application factory, the HTTP protocol and, with
several workers, the event loop.

`serve_app` is `create_app` for a server process: at start-up it loads the rules and then
freezes the garbage collector's view of everything built so far (`gc.freeze`), so the
collections that requests trigger no longer walk the rules, compiled jurisdictions and models
(they live as long as the worker). Tests keep using `create_app`, whose apps come and go.

`NoDelayHTTPProtocol` is uvicorn's HTTP protocol with TCP_NODELAY on every connection, and
one that a shutting-down server closes like every other.

asyncio accepts a connection in one turn of the loop and calls the protocol's `connection_made`
one or two turns later; uvicorn's graceful shutdown stops listening and asks each connection
it knows to close, all in one turn, and then waits, without a time limit by default, for
every connection to close. A connection accepted just before the shutdown and made just after
was asked nothing: kept alive by a client that sends its next request as soon as it has the
answer, it never closed, and the worker served it forever while its master waited for it (a
two-worker server on PostgreSQL under store load hung on SIGTERM in 5 of 29 tries: when the
first worker closed its connections, their clients reconnected to the second just as it began
its own shutdown). A connection made once its server has stopped serving is shut down at once
(closed, as an idle one; its client sees the same as any connection a shutdown closes), and
`mccredit serve` bounds the graceful shutdown too (`--graceful-timeout`).

asyncio turns Nagle's algorithm off only for sockets whose `proto` is IPPROTO_TCP; the listening
socket uvicorn hands to worker processes (`--workers N`) arrives with `proto` 0, so replies
(headers, then body) waited for the client's delayed ACK: ~40 ms a request. Setting the option
on each accepted connection restores sub-millisecond replies in every mode.

`balanced_loop` (the event loop of each worker of `mccredit serve --workers N`, N > 1) spreads
the connections evenly over the workers. They all accept from one listening socket, and
asyncio's accept loop takes every pending connection per wake-up: 8 keep-alive connections
opened at once mostly went to one worker, which was the bottleneck while the other core idled
(issue 14.2 traced 784 and 5,158 requests on the two workers). Here a worker accepts one
connection per wake-up, and none while it holds more open connections than another live
worker still listening (one shutting down leaves the counts when it stops listening): it
stops watching the socket so the others take it, and after `MAX_DEFER_SECONDS` takes one
itself if it is still ahead (the others are busy or not scheduled: on a loaded
machine 2 ms was not enough, and a new connection waits at most that long).
The workers' counts live in a small file shared by memory map (`$MCCREDIT_SERVE_COUNTERS`,
named by `mccredit serve`: on Linux an anonymous file that goes with the server, even a
killed one; sized by the first worker): per worker its pid, open connections,
connections and requests so far (`read_counters`; the API benchmark prints the split). Without
the variable, or where the file cannot be used, the loop is asyncio's, one accept per wake-up.
"""

from __future__ import annotations

import asyncio
import mmap
import os
import socket
import struct
from typing import Any

try:
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - not POSIX: no shared counts
    _fcntl = None  # type: ignore[assignment]

try:  # the protocol uvicorn's "auto" would pick
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:  # pragma: no cover - depends on whether httptools is installed
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Base  # type: ignore[assignment]

__all__ = [
    "COUNTERS_ENV",
    "BalancedEventLoop",
    "NoDelayHTTPProtocol",
    "WorkerCounters",
    "balanced_loop",
    "read_counters",
    "serve_app",
]

COUNTERS_ENV = "MCCREDIT_SERVE_COUNTERS"
"""Names the file of per-worker counts (`mccredit serve` sets it for its workers)."""
DEFER_SECONDS = 0.002
"""How often a worker with more connections than another looks again whether it still has."""
MAX_DEFER_SECONDS = 0.01
"""How long at most it leaves a new connection to the others (busy, or not scheduled)."""
SLOTS = 64
_SLOT = struct.Struct("<4q")  # pid, open connections, connections, requests
COUNTERS_BYTES = SLOTS * _SLOT.size


def serve_app() -> Any:
    """The API for a `mccredit serve` worker (see the module docstring)."""
    from .main import create_app

    app = create_app()
    app.state.freeze_gc = True
    return app


def read_counters(path: str) -> list[dict[str, int]]:
    """Each worker's counts in the file `path` (a worker that stopped listening or exited is
    not listed; one killed keeps its last)."""
    with open(path, "rb") as f:
        data = f.read(COUNTERS_BYTES)
    out = []
    for k in range(len(data) // _SLOT.size):
        pid, open_, conns, reqs = _SLOT.unpack_from(data, k * _SLOT.size)
        if pid:
            out.append({"pid": pid, "open": open_, "connections": conns, "requests": reqs})
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: it exists
        return True
    return True


class WorkerCounters:
    """This worker's slot in the shared file of counts (written only by this process)."""

    def __init__(self, path: str) -> None:
        assert _fcntl is not None
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _fcntl.flock(fd, _fcntl.LOCK_EX)  # one claim at a time
            try:
                if os.fstat(fd).st_size < COUNTERS_BYTES:  # the first worker sizes it
                    os.ftruncate(fd, COUNTERS_BYTES)
                self._map = mmap.mmap(fd, COUNTERS_BYTES)
                self.slot = self._claim()
            finally:
                _fcntl.flock(fd, _fcntl.LOCK_UN)
        finally:
            os.close(fd)
        self.pid = os.getpid()
        self.open = self.connections = self.requests = 0
        self.left = False
        self._write()

    def _claim(self) -> int:
        for k in range(SLOTS):
            pid = _SLOT.unpack_from(self._map, k * _SLOT.size)[0]
            if pid == 0 or not _alive(pid):
                _SLOT.pack_into(self._map, k * _SLOT.size, os.getpid(), 0, 0, 0)
                return k
        self._map.close()
        raise OSError("no free slot")

    def _write(self) -> None:
        if self.left:  # the slot may be another worker's now
            return
        _SLOT.pack_into(
            self._map,
            self.slot * _SLOT.size,
            self.pid,
            self.open,
            self.connections,
            self.requests,
        )

    def opened(self) -> None:
        self.open += 1
        self.connections += 1
        self._write()

    def closed(self) -> None:
        self.open = max(0, self.open - 1)
        self._write()

    def request(self) -> None:
        self.requests += 1
        self._write()

    def ahead(self) -> bool:
        """Whether another live worker holds fewer open connections than this one."""
        fewest = None
        for k in range(SLOTS):
            if k == self.slot:
                continue
            pid, open_ = _SLOT.unpack_from(self._map, k * _SLOT.size)[:2]
            if pid and open_ < self.open and (fewest is None or open_ < fewest) and _alive(pid):
                fewest = open_
        return fewest is not None

    def leave(self) -> None:
        """This worker accepts no more connections (it is shutting down): out of the others'
        comparison at once, though its connections still close and its writer drains, and
        its slot free for the worker replacing it."""
        if not self.left and not self._map.closed:
            _SLOT.pack_into(self._map, self.slot * _SLOT.size, 0, 0, 0, 0)
        self.left = True

    def release(self) -> None:
        if self._map.closed:
            return
        self.leave()
        self._map.close()


_counters: WorkerCounters | None = None
"""This worker's counts, once its `balanced_loop` exists."""


class BalancedEventLoop(asyncio.SelectorEventLoop):
    """asyncio's loop, accepting one connection per wake-up and leaving new connections to
    the workers with fewer (see the module docstring)."""

    def __init__(self, counters_path: str | None = None) -> None:
        super().__init__()
        self.counters_path = counters_path
        self.counters: WorkerCounters | None = None

    def _start_serving(self, *args: Any) -> None:
        global _counters
        if self.counters_path is not None:  # counted once listening, not while starting up
            path, self.counters_path = self.counters_path, None
            try:
                self.counters = _counters = WorkerCounters(path)
            except (OSError, ValueError):
                pass  # one accept per wake-up still spreads them somewhat
        super()._start_serving(*args)  # type: ignore[misc]

    def _accept_connection(
        self,
        protocol_factory: Any,
        sock: socket.socket,
        sslcontext: Any = None,
        server: Any = None,
        backlog: int = 100,
        *rest: Any,
    ) -> None:
        if self.counters is not None and self.counters.ahead():
            self._remove_reader(sock.fileno())  # type: ignore[attr-defined]
            args = (protocol_factory, sock, sslcontext, server, backlog, *rest)
            self.call_later(DEFER_SECONDS, self._resume, DEFER_SECONDS, args)
            return
        super()._accept_connection(  # type: ignore[misc]
            protocol_factory, sock, sslcontext, server, 1, *rest
        )

    def _resume(self, waited: float, args: tuple[Any, ...]) -> None:
        protocol_factory, sock, sslcontext, server, backlog, *rest = args
        if sock.fileno() == -1 or (server is not None and not server.is_serving()):
            return  # closed meanwhile (shutting down)
        assert self.counters is not None
        ahead = self.counters.ahead()
        if ahead and waited < MAX_DEFER_SECONDS:  # the others may not have run yet
            self.call_later(DEFER_SECONDS, self._resume, waited + DEFER_SECONDS, args)
            return
        self._start_serving(protocol_factory, sock, sslcontext, server, backlog, *rest)
        if ahead:  # the others are busy: take one connection still waiting
            super()._accept_connection(  # type: ignore[misc]
                protocol_factory, sock, sslcontext, server, 1, *rest
            )

    def _stop_serving(self, sock: socket.socket) -> None:
        if self.counters is not None:  # shutting down: see WorkerCounters.leave
            self.counters.leave()
        super()._stop_serving(sock)  # type: ignore[misc]

    def close(self) -> None:
        global _counters
        if self.counters is not None:
            self.counters.release()
            if _counters is self.counters:
                _counters = None
        super().close()


def balanced_loop() -> asyncio.AbstractEventLoop:
    """uvicorn's loop factory for the workers of `mccredit serve --workers N`."""
    path = os.environ.get(COUNTERS_ENV, "")
    return BalancedEventLoop(path if path and _fcntl is not None else None)


class NoDelayHTTPProtocol(_Base):
    _counters: WorkerCounters | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._counters = _counters
        if self._counters is not None:  # counted when created, right after the accept
            self._counters.opened()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock: Any = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # pragma: no cover - e.g. a socket already closed
                pass
        super().connection_made(transport)
        server = getattr(transport, "_server", None)  # asyncio's Server that accepted it
        if server is not None and not server.is_serving():
            self.shutdown()  # accepted as the shutdown began: see the module docstring

    def connection_lost(self, exc: Exception | None) -> None:
        if self._counters is not None:
            self._counters.closed()
            self._counters = None
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        if self._counters is not None:
            self._counters.request()
        super().on_message_begin()
