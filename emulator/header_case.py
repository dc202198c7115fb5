"""Header names as the client wrote them.

ASGI servers lowercase header names, but API Gateway hands them to integrations as the client
sent them (``Content-Type``, ``X-Custom-Header``). uvicorn's HTTP protocols are subclassed here
to keep the raw names, in request order, beside the lowercased ``scope["headers"]``; any data
plane reads them back through :func:`raw_headers`. Both of uvicorn's HTTP implementations are
covered (httptools, the server's choice when installed, and h11, the pure-Python fallback). A
WebSocket handshake is handed on to the WebSocket protocol with its raw names too: the
websockets implementation uvicorn picks passes names on as it reads them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

# scope["extensions"][RAW_NAMES]: the raw names of scope["headers"], in the same order.
RAW_NAMES = "emulator.raw_header_names"


def raw_headers(scope: Any) -> list[tuple[str, str]]:
    """``(name, value)`` pairs in request order, each name cased as the client sent it.

    Without the server's record (another ASGI server, an in-process test client) names are
    as the server gave them."""
    headers: Iterable[tuple[bytes, bytes]] = scope.get("headers") or ()
    pairs = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]
    names: list[bytes] | None = (scope.get("extensions") or {}).get(RAW_NAMES)
    # Anything that changed the headers since (a middleware) makes the record stale.
    if not names or len(names) != len(pairs) or any(
            raw.lower().decode("latin-1") != name for raw, (name, _) in zip(names, pairs,
                                                                               strict=True)):
        return pairs
    return [(raw.decode("latin-1"), value) for raw, (_, value) in zip(names, pairs,
                                                                         strict=True)]


def decoded(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    """Raw header pairs (an HTTP client's ``response.headers.raw``) as text, names kept."""
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw]


def _remember(scope: Any, names: list[bytes]) -> None:
    extensions = scope.get("extensions")
    if extensions is None:
        extensions = scope["extensions"] = {}
    extensions[RAW_NAMES] = names


class H11RawHeaders(H11Protocol):
    """uvicorn's h11 protocol, recording the raw header names of each request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._raw_names: list[bytes] | None = None
        self._watch(self.conn)

    def _watch(self, conn: Any) -> None:
        import h11

        read = conn.next_event

        def next_event() -> Any:
            event = read()
            if isinstance(event, h11.Request):
                self._raw_names = [bytes(name) for name, _ in event.headers.raw_items()]
            return event

        conn.next_event = next_event

    def handle_websocket_upgrade(self, event: Any) -> None:
        # uvicorn re-sends the handshake to the WebSocket protocol from its lowercased list.
        self.headers = [(bytes(name), bytes(value)) for name, value in event.headers.raw_items()]
        super().handle_websocket_upgrade(event)

    def handle_events(self) -> None:
        self._raw_names = None
        super().handle_events()
        # The request's task is created, not yet run: its scope can still be completed.
        names, scope = self._raw_names, getattr(self, "scope", None)
        if names is not None and scope is not None and scope.get("type") == "http" and \
                len(names) == len(scope.get("headers", ())):
            _remember(scope, names)
        self._raw_names = None


class _CasedHead:
    """A transport stand-in for one response head: uvicorn's httptools protocol writes the
    status line and every header line in one ``write``, names lowercased; this puts back the
    names the application gave, line by line (the same name may come twice, cased two ways)."""

    def __init__(self, transport: Any, first_line: int, names: list[bytes]) -> None:
        self.transport = transport
        self.first_line = first_line  # the head's line of the application's first header
        self.names = names

    def write(self, data: bytes) -> None:
        lines = data.split(b"\r\n")
        for index, name in enumerate(self.names, self.first_line):
            if index >= len(lines):
                break
            line = lines[index]
            # Only a line that is this header, lowercased: a head laid out otherwise (another
            # uvicorn version) keeps its lowercase names rather than lose a value.
            if line[len(name):len(name) + 1] == b":" and line[:len(name)] == name.lower():
                lines[index] = name + line[len(name):]
        self.transport.write(b"\r\n".join(lines))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


def _httptools_protocol() -> type[asyncio.Protocol] | None:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
    except ImportError:  # httptools is optional
        return None

    class CasedResponseCycle(RequestResponseCycle):
        """uvicorn's request-response cycle, writing response header names as given."""

        async def send(self, message: Any) -> None:
            if message["type"] != "http.response.start" or self.response_started:
                return await super().send(message)
            names = [bytes(name) for name, _ in message.get("headers") or ()]
            if all(name.islower() or name == name.lower() for name in names):
                return await super().send(message)
            transport = self.transport
            # Line 0 is the status line, then the server's default headers.
            self.transport = _CasedHead(transport, 1 + len(self.default_headers), names)  # type: ignore[assignment]
            try:
                await super().send(message)
            finally:
                self.transport = transport

    class HttpToolsRawHeaders(HttpToolsProtocol):
        """uvicorn's httptools protocol, recording the raw header names of each request."""

        _raw_names: list[bytes]

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._raw_names = []
            _remember(self.scope, self._raw_names)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._raw_names.append(bytes(name))
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            # The cycle's task is created, not yet run: it answers through the cased send.
            cycle = getattr(self, "cycle", None)
            if type(cycle) is RequestResponseCycle:
                cycle.__class__ = CasedResponseCycle

        def handle_websocket_upgrade(self) -> None:
            # uvicorn re-sends the handshake to the WebSocket protocol from the ASGI headers.
            self.scope["headers"] = [(raw, value) for raw, (_, value) in zip(
                self._raw_names, self.scope["headers"], strict=True)]
            super().handle_websocket_upgrade()

    return HttpToolsRawHeaders


HttpToolsRawHeaders = _httptools_protocol()


def http_protocol(kind: str = "auto") -> type[asyncio.Protocol]:
    """The protocol class for uvicorn's ``http`` setting: ``h11``, ``httptools`` or ``auto``
    (httptools when installed, as uvicorn chooses: its C parser costs a fraction of h11's
    pure-Python one per request)."""
    if kind == "h11" or (kind == "auto" and HttpToolsRawHeaders is None):
        return H11RawHeaders
    if HttpToolsRawHeaders is None:
        raise ValueError("httptools is not installed")
    return HttpToolsRawHeaders


__all__ = ["RAW_NAMES", "H11RawHeaders", "HttpToolsRawHeaders", "decoded", "http_protocol",
           "raw_headers"]
