"""HTTP/2 over cleartext TCP with prior knowledge (RFC 9113, section 3.3).

AWS endpoints speak HTTP/2, and some SDK clients use nothing else: the AWS SDK for JavaScript
v3 sends every Kinesis call (not only SubscribeToShard) over HTTP/2, and against a plain
``http://`` endpoint it opens the connection with the HTTP/2 preface straight away. uvicorn
speaks HTTP/1.1 only, so its protocol is wrapped here: a connection that starts with the preface
is served by :class:`H2Session` (frames by the ``h2`` library, each stream one ASGI request to
the same app); any other connection goes on to uvicorn's own protocol untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import unquote

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
from hyperframe.frame import GoAwayFrame

log = logging.getLogger(__name__)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

# Connection-specific fields HTTP/2 forbids (RFC 9113, section 8.2.2); "te" may say only
# "trailers".
_HOP_BY_HOP = frozenset({b"connection", b"keep-alive", b"proxy-connection", b"transfer-encoding",
                         b"upgrade"})
# A method is a token (RFC 9110, section 9.1; tchar in section 5.6.2).
_TCHAR = frozenset(b"!#$%&'*+-.^_`|~0123456789"
                   b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _connection_specific(name: bytes, value: bytes) -> bool:
    return name in _HOP_BY_HOP or (name == b"te" and value.strip().lower() != b"trailers")


class _Stream:
    """One request's state: its body as it arrives (each chunk with its flow-controlled size,
    acknowledged when the app takes it), and whether the peer is gone."""

    def __init__(self) -> None:
        self.body: asyncio.Queue[tuple[bytes, int] | None] = asyncio.Queue()
        self.ended = False  # the peer sent END_STREAM
        self.body_done = False  # the app was told so
        self.gone = asyncio.Event()  # reset by the peer, or the connection dropped
        self.response_started = False
        self.status = 200
        self.headers: list[tuple[bytes, bytes]] = []

    @property
    def closed(self) -> bool:
        return self.gone.is_set()


class H2Session:
    """Serves one HTTP/2 connection: every stream is an ASGI ``http`` request."""

    def __init__(self, transport: asyncio.Transport, app: Any, scope_base: dict[str, Any],
                 tasks: set[asyncio.Task[None]]) -> None:
        self.transport = transport
        self.app = app
        self.scope_base = scope_base
        self.tasks = tasks
        self.conn = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=False, header_encoding=None))
        self.streams: dict[int, _Stream] = {}
        self.window_open = asyncio.Event()
        # After shutdown(): GOAWAY sent, new streams refused, closed when the last one ends.
        self.draining = False
        self.conn.initiate_connection()
        self.flush()

    def flush(self) -> None:
        data = self.conn.data_to_send()
        if data and not self.transport.is_closing():
            self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        try:
            events = self.conn.receive_data(data)
        except h2.exceptions.ProtocolError:
            self.flush()
            self.transport.close()
            return
        for event in events:
            self._handle(event)
        self.flush()

    def _handle(self, event: h2.events.Event) -> None:
        if isinstance(event, h2.events.RequestReceived):
            self._start(event)
        elif isinstance(event, h2.events.DataReceived):
            stream = self.streams.get(event.stream_id)
            if stream is not None and event.data:
                # Acknowledged when the app takes it (receive): the peer's window is the
                # backpressure.
                stream.body.put_nowait((event.data, event.flow_controlled_length))
            else:
                self._acknowledge(event.stream_id, event.flow_controlled_length)
        elif isinstance(event, h2.events.StreamEnded):
            self._end_body(event.stream_id)
        elif isinstance(event, h2.events.StreamReset):
            self._close_stream(event.stream_id)
        elif isinstance(event, (h2.events.WindowUpdated, h2.events.RemoteSettingsChanged)):
            self._wake_senders()
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.transport.close()

    def _acknowledge(self, stream_id: int, size: int) -> None:
        # A closing connection has no window to give back.
        with contextlib.suppress(h2.exceptions.ProtocolError):
            if size:
                self.conn.acknowledge_received_data(size, stream_id)

    def _reset(self, stream_id: int, code: h2.errors.ErrorCodes) -> None:
        with contextlib.suppress(h2.exceptions.ProtocolError):  # already closed
            self.conn.reset_stream(stream_id, code)
        self.flush()

    def _start(self, event: h2.events.RequestReceived) -> None:
        stream_id = event.stream_id
        if self.draining:
            self._reset(stream_id, h2.errors.ErrorCodes.REFUSED_STREAM)
            return
        pseudo: dict[bytes, bytes] = {}
        headers: list[tuple[bytes, bytes]] = []
        for name, value in event.headers or ():
            name_b = name if isinstance(name, bytes) else name.encode("latin-1")
            value_b = value if isinstance(value, bytes) else value.encode("latin-1")
            if name_b.startswith(b":"):
                pseudo[name_b] = value_b
            else:
                headers.append((name_b, value_b))
        if b":authority" in pseudo and not any(name == b"host" for name, _ in headers):
            headers.insert(0, (b"host", pseudo[b":authority"]))
        method = pseudo.get(b":method", b"GET")
        if not method or not _TCHAR.issuperset(method):
            # A malformed request is a stream error (RFC 9113, section 8.1.1); the
            # connection's other streams go on.
            self._reset(stream_id, h2.errors.ErrorCodes.PROTOCOL_ERROR)
            return
        raw_path, _, query = pseudo.get(b":path", b"/").partition(b"?")
        scope = dict(self.scope_base)
        scope.update({
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "2", "method": method.decode("ascii"),
            "path": unquote(raw_path.decode("latin-1")),
            "raw_path": raw_path, "query_string": query, "headers": headers,
        })
        stream = self.streams[stream_id] = _Stream()
        if event.stream_ended:
            self._end_body(stream_id)
        task = asyncio.get_running_loop().create_task(self._run(stream_id, stream, scope))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _end_body(self, stream_id: int) -> None:
        stream = self.streams.get(stream_id)
        if stream is not None and not stream.ended:
            stream.ended = True
            stream.body.put_nowait(None)

    def _close_stream(self, stream_id: int) -> None:
        stream = self._forget(stream_id)
        if stream is not None:
            stream.gone.set()
            stream.body.put_nowait(None)
        self._wake_senders()

    def _forget(self, stream_id: int) -> _Stream | None:
        """Drops a finished stream: the body it never read goes back to the connection's
        window, and a draining connection closes after its last stream."""
        stream = self.streams.pop(stream_id, None)
        if stream is not None:
            while not stream.body.empty():
                chunk = stream.body.get_nowait()
                if chunk is not None:
                    self._acknowledge(stream_id, chunk[1])
            self.flush()
        self._close_if_drained()
        return stream

    def _close_if_drained(self) -> None:
        if self.draining and not self.streams and not self.transport.is_closing():
            self.conn.close_connection(last_stream_id=self.conn.highest_inbound_stream_id)
            self.flush()
            self.transport.close()

    def _wake_senders(self) -> None:
        self.window_open.set()
        self.window_open = asyncio.Event()

    def connection_lost(self) -> None:
        for stream_id in list(self.streams):
            self._close_stream(stream_id)

    def shutdown(self) -> None:
        """Graceful close, as uvicorn's HTTP/1.1 protocol lets its response finish: GOAWAY
        with the last stream taken (RFC 9113, section 6.8), the streams in flight answered,
        then the connection closed. uvicorn's graceful-shutdown timeout bounds the wait: it
        cancels the streams' tasks, whose ends close the connection."""
        if self.transport.is_closing() or self.draining:
            return
        self.draining = True
        if not self.streams:
            self._close_if_drained()
            return
        # h2 takes no frames for any stream once it has sent GOAWAY itself, so this one is
        # written beside it; h2's own follows when the last stream ends.
        self.flush()
        goaway = GoAwayFrame(0)
        goaway.last_stream_id = self.conn.highest_inbound_stream_id
        goaway.error_code = h2.errors.ErrorCodes.NO_ERROR
        self.transport.write(goaway.serialize())

    async def _run(self, stream_id: int, stream: _Stream, scope: dict[str, Any]) -> None:
        async def receive() -> dict[str, Any]:
            if stream.body_done:
                # After the body, receive waits for the peer to go away, as in uvicorn.
                await stream.gone.wait()
            if stream.closed:
                return {"type": "http.disconnect"}
            chunk = await stream.body.get()
            if chunk is None:
                if stream.closed:
                    return {"type": "http.disconnect"}
                stream.body_done = True
                return {"type": "http.request", "body": b"", "more_body": False}
            data, size = chunk
            self._acknowledge(stream_id, size)
            self.flush()
            return {"type": "http.request", "body": data, "more_body": True}

        async def send(message: dict[str, Any]) -> None:
            await self._send(stream_id, stream, message)

        try:
            await self.app(scope, receive, send)
        except Exception:
            log.exception("Exception in ASGI application (HTTP/2 stream %d)", stream_id)
            if not stream.response_started and not stream.closed:
                stream.status, stream.headers = 500, [(b"content-type", b"text/plain")]
                await self._send(stream_id, stream, {"type": "http.response.body",
                                                     "body": b"Internal Server Error"})
        finally:
            if not stream.closed and stream_id in self.streams:
                self._reset(stream_id, h2.errors.ErrorCodes.NO_ERROR)
            self._forget(stream_id)

    async def _send(self, stream_id: int, stream: _Stream, message: dict[str, Any]) -> None:
        if stream.closed:
            return
        if message["type"] == "http.response.start":
            stream.status = int(message["status"])
            stream.headers = [(bytes(name).lower(), bytes(value))
                              for name, value in message.get("headers", ())
                              if not _connection_specific(bytes(name).lower(), bytes(value))]
            return
        if message["type"] != "http.response.body":
            return
        body: bytes = message.get("body", b"")
        more = bool(message.get("more_body", False))
        try:
            if not stream.response_started:
                stream.response_started = True
                self.conn.send_headers(stream_id, [(b":status", str(stream.status).encode()),
                                                   *stream.headers],
                                       end_stream=not body and not more)
                self.flush()
                if not body and not more:
                    stream.gone.set()
                    self._forget(stream_id)
                    return
            await self._send_data(stream_id, stream, body)
            if not more and not stream.closed:
                self.conn.end_stream(stream_id)
                self.flush()
                stream.gone.set()  # a finished response's receive says disconnect, as uvicorn's
                self._forget(stream_id)
        except h2.exceptions.StreamClosedError:
            stream.gone.set()
            self._forget(stream_id)
        except h2.exceptions.ProtocolError as error:
            # A response h2 will not frame: the client is told, not left waiting.
            log.warning("HTTP/2 stream %d reset: %s", stream_id, error)
            stream.gone.set()
            self._reset(stream_id, h2.errors.ErrorCodes.INTERNAL_ERROR)
            self._forget(stream_id)

    async def _send_data(self, stream_id: int, stream: _Stream, data: bytes) -> None:
        while data and not stream.closed and not self.transport.is_closing():
            window = min(self.conn.local_flow_control_window(stream_id),
                         self.conn.max_outbound_frame_size)
            if window <= 0:
                await self.window_open.wait()
                continue
            self.conn.send_data(stream_id, data[:window])
            data = data[window:]
            self.flush()


class PriorKnowledge(asyncio.Protocol):
    """Mixed in before a uvicorn HTTP/1.1 protocol: a connection that opens with the HTTP/2
    preface is served by an :class:`H2Session`, any other by the protocol as before."""

    _h2: H2Session | None = None
    _sniffed: bytes | None = b""

    def data_received(self, data: bytes) -> None:
        if self._h2 is not None:
            self._h2.data_received(data)
            return
        if self._sniffed is None:
            super().data_received(data)
            return
        seen = self._sniffed + data
        if len(seen) < len(PREFACE) and PREFACE.startswith(seen):
            self._sniffed = seen
            return
        self._sniffed = None
        if not seen.startswith(PREFACE):
            # HTTP/1.1 for good: later chunks go straight to the base protocol, so the
            # sniffing costs a keep-alive connection nothing after its first bytes.
            self.data_received = super().data_received  # type: ignore[method-assign]
            super().data_received(seen)
            return
        me: Any = self
        scope_base = {"server": me.server, "client": me.client, "scheme": me.scheme,
                      "root_path": me.root_path, "state": me.app_state.copy()}
        self._h2 = H2Session(me.transport, me.app, scope_base, me.server_state.tasks)
        self._h2.data_received(seen)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._h2 is not None:
            self._h2.connection_lost()
        super().connection_lost(exc)

    def shutdown(self) -> None:
        if self._h2 is not None:
            self._h2.shutdown()
            return
        super().shutdown()  # type: ignore[misc]


def with_prior_knowledge(base: type[asyncio.Protocol]) -> type[asyncio.Protocol]:
    """``base`` (a uvicorn HTTP/1.1 protocol class) also serving HTTP/2 with prior knowledge."""
    return type(f"{base.__name__}H2c", (PriorKnowledge, base), {})


__all__ = ["PREFACE", "H2Session", "PriorKnowledge", "with_prior_knowledge"]
