"""Every request the emulator answers: kept in a bounded ring, logged as one line, watched live.

A front door (the AWS API, an invoke URL, a function URL, a WebSocket message) opens an
:class:`Exchange` with :meth:`RequestLog.begin`; the layer that answers names what answered with
:func:`note` (service and operation, or API, stage and route, and the account and region);
:meth:`RequestLog.finish` keeps it, writes the request's log line and wakes whoever watches (the
console's live updates). Nothing is decoded or copied beyond a short prefix of each body while
the request is answered: headers are kept as the server gave them and read only when shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

log = logging.getLogger("emulator.requests")

# What kind of front door a request came through.
Kind = Literal["api", "execute-api", "http-api", "websocket", "function-url", "cloudfront",
               "unroutable"]

RawHeaders = Sequence[tuple[bytes, bytes]] | Sequence[tuple[str, str]]

_current: ContextVar[Exchange | None] = ContextVar("emulator_exchange", default=None)
_log: ContextVar[RequestLog | None] = ContextVar("emulator_request_log", default=None)


@dataclass(slots=True, eq=False)
class Exchange:
    """One request and its answer, as the console lists it."""

    id: int
    kind: Kind
    method: str
    path: str
    started: float  # epoch seconds on the emulator clock
    perf_started: float
    host: str = ""
    query: str = ""
    request_headers: RawHeaders = ()
    request_body: bytes = b""
    request_size: int = 0
    service: str = ""  # botocore service name, or execute-api / lambda for data planes
    operation: str = ""  # the AWS operation, the route, or the WebSocket route key
    resource: str = ""  # what was addressed: "api-id/stage", a function name, a queue...
    account: str = ""
    region: str = ""
    error: str = ""  # the AWS error code, or why a data plane call failed
    status: int = 0
    latency_ms: float = 0.0
    response_headers: RawHeaders = ()
    response_body: bytes = b""
    response_size: int = 0
    done: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """What answered, for people: ``sqs.SendMessage``, ``GET /orders/{id}``..."""
        if self.kind == "api":
            return f"{self.service or '-'}.{self.operation or '-'}"
        return self.operation or f"{self.method} {self.path}"


def note(**fields: str) -> None:
    """Name what answers the request being answered now (a no-op outside one)."""
    exchange = _current.get()
    if exchange is not None:
        for name, value in fields.items():
            setattr(exchange, name, value)


def current() -> Exchange | None:
    """The exchange being answered in this task, if any."""
    return _current.get()


def active_log() -> RequestLog | None:
    """The request log of the emulator answering in this task (set by its front door)."""
    return _log.get()


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def header_pairs(headers: RawHeaders) -> list[tuple[str, str]]:
    """Raw or decoded header pairs as text."""
    return [(_text(name), _text(value)) for name, value in headers]


class RequestLog:
    """A bounded ring of the latest exchanges, the request log line, and change signals.

    ``capacity`` exchanges are kept (0 keeps none but still logs); each body keeps its first
    ``body_bytes`` bytes.
    """

    def __init__(self, capacity: int = 1000, body_bytes: int = 4096, *,
                 log_lines: bool = True, now: Callable[[], float] = time.time) -> None:
        self.capacity = capacity
        self.body_bytes = body_bytes
        self.log_lines = log_lines
        self._now = now
        self._ring: deque[Exchange] = deque(maxlen=max(capacity, 1))
        self._ids = itertools.count(1)
        self.sequence = 0  # how many exchanges have finished
        self._waiters: set[asyncio.Future[None]] = set()

    # -- recording -------------------------------------------------------------------------

    def begin(self, kind: Kind, method: str, path: str, *, host: str = "", query: str = "",
              headers: RawHeaders = (), body: bytes = b"") -> Exchange:
        """Open an exchange and make it the one :func:`note` names in this task."""
        exchange = Exchange(next(self._ids), kind, method, path, self._now(),
                            time.perf_counter(), host, query, headers,
                            body[:self.body_bytes], len(body))
        _current.set(exchange)
        return exchange

    def finish(self, exchange: Exchange, status: int, *, headers: RawHeaders = (),
               body: bytes = b"") -> None:
        """Close the exchange: keep it, log its line once the answer is on its way, wake
        watchers."""
        exchange.latency_ms = (time.perf_counter() - exchange.perf_started) * 1000
        exchange.status = status
        exchange.response_headers = headers
        exchange.response_body = body[:self.body_bytes]
        exchange.response_size = len(body)
        exchange.done = True
        if self.capacity:
            self._ring.append(exchange)
        self.sequence += 1
        if self.log_lines and log.isEnabledFor(logging.INFO):
            try:
                asyncio.get_running_loop().call_soon(_write_line, exchange)
            except RuntimeError:  # no event loop: write it now
                _write_line(exchange)
        if self._waiters:
            self._wake()

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        """Make this log the one :func:`active_log` finds in the current task."""
        token = _log.set(self)
        try:
            yield
        finally:
            _log.reset(token)

    # -- reading ---------------------------------------------------------------------------

    def recent(self, limit: int = 200, keep: Callable[[Exchange], bool] | None = None
               ) -> list[Exchange]:
        """The latest exchanges, newest first, that ``keep`` accepts."""
        found: list[Exchange] = []
        for exchange in reversed(self._ring):
            if keep is None or keep(exchange):
                found.append(exchange)
                if len(found) >= limit:
                    break
        return found

    def get(self, exchange_id: int) -> Exchange | None:
        if not self._ring:
            return None
        index = exchange_id - self._ring[0].id
        if 0 <= index < len(self._ring) and self._ring[index].id == exchange_id:
            return self._ring[index]
        return next((e for e in self._ring if e.id == exchange_id), None)

    def __len__(self) -> int:
        return len(self._ring)

    def __iter__(self) -> Iterator[Exchange]:
        return iter(list(self._ring))

    def clear(self) -> None:
        self._ring.clear()

    async def wait_change(self, seen: int, timeout: float) -> int:
        """The sequence once it passes ``seen``, or after ``timeout`` seconds."""
        if self.sequence > seen:
            return self.sequence
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(waiter), timeout)
        finally:
            self._waiters.discard(waiter)
        return self.sequence

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, set()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)


def line(exchange: Exchange) -> str:
    """The request's log line: what answered, then status and latency."""
    status = f"{exchange.status} {exchange.latency_ms:.1f}ms"
    if exchange.kind == "api":
        return f"{exchange.label} {status}"
    if exchange.kind == "unroutable":
        return f"unroutable {exchange.method} {exchange.path} {status}"
    where = ""
    if exchange.kind in ("execute-api", "http-api", "websocket"):
        api, _, stage = exchange.resource.partition("/")
        where = f" api={api or '-'} stage={stage or '-'}"
    elif exchange.kind == "function-url":
        where = f" function={exchange.resource or '-'}"
    route = f" route={exchange.operation}" if exchange.operation else ""
    return f"{exchange.kind} {exchange.method} {exchange.path}{where}{route} {status}"


def _write_line(exchange: Exchange) -> None:
    log.info("%s", line(exchange))


def matches(exchange: Exchange, words: Iterable[str]) -> bool:
    """Whether every word appears in the exchange's label, path, resource or status."""
    text = " ".join((exchange.kind, exchange.label, exchange.path, exchange.resource,
                     str(exchange.status), exchange.account, exchange.region,
                     exchange.error)).lower()
    return all(word.lower() in text for word in words)


def describe(exchange: Exchange) -> dict[str, Any]:
    """A JSON-ready summary of the exchange (no headers or bodies)."""
    return {"id": exchange.id, "kind": exchange.kind, "label": exchange.label,
            "method": exchange.method, "path": exchange.path, "service": exchange.service,
            "operation": exchange.operation, "resource": exchange.resource,
            "account": exchange.account, "region": exchange.region,
            "status": exchange.status, "error": exchange.error,
            "latency_ms": round(exchange.latency_ms, 2), "started": exchange.started}


__all__ = ["Exchange", "Kind", "RequestLog", "active_log", "current", "describe",
           "header_pairs", "line", "matches", "note"]
