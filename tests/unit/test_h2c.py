"""The HTTP/2 session (emulator/h2c.py) driven frame by frame through an in-memory transport:
what a client observes of its flow control and of a response h2 cannot frame."""

from __future__ import annotations

import asyncio
from typing import Any

import h2.config
import h2.connection
import h2.errors
import h2.events

from emulator.h2c import H2Session

REQUEST = [(b":method", b"POST"), (b":path", b"/"), (b":scheme", b"http"),
           (b":authority", b"localhost")]


class MemoryTransport:
    def __init__(self) -> None:
        self.written = b""
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def take(self) -> bytes:
        data, self.written = self.written, b""
        return data


class Peer:
    """A client h2 connection wired to an :class:`H2Session`."""

    def __init__(self, app: Any) -> None:
        self.transport = MemoryTransport()
        self.tasks: set[asyncio.Task[None]] = set()
        self.session = H2Session(self.transport, app, {}, self.tasks)  # type: ignore[arg-type]
        self.conn = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True, header_encoding=None))
        self.conn.initiate_connection()
        self.events: list[h2.events.Event] = []
        self.exchange()

    def exchange(self) -> None:
        while True:
            if outgoing := self.conn.data_to_send():
                self.session.data_received(outgoing)
            incoming = self.transport.take()
            if not incoming:
                return
            self.events.extend(self.conn.receive_data(incoming))

    async def settle(self) -> None:
        for _ in range(20):
            await asyncio.sleep(0)
            self.exchange()


def test_request_data_is_acknowledged_as_the_app_reads_it() -> None:
    # Flow control is the backpressure (RFC 9113, section 5.2): a server whose application has
    # not read the body yet does not open the client's windows.
    release = asyncio.Event()
    received: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await release.wait()
        while True:
            message = await receive()
            received.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(len(b"".join(received))).encode()})

    async def run() -> None:
        peer = Peer(app)
        payload = bytes(range(256)) * 800  # 204,800 bytes: three times the initial windows
        peer.conn.send_headers(1, REQUEST)
        sent = 0
        while peer.conn.local_flow_control_window(1) > 0:
            size = min(peer.conn.local_flow_control_window(1), peer.conn.max_outbound_frame_size)
            peer.conn.send_data(1, payload[sent:sent + size])
            sent += size
        await peer.settle()
        assert sent == 65535
        assert peer.conn.local_flow_control_window(1) == 0  # nothing read, nothing handed back
        release.set()
        while sent < len(payload):
            await peer.settle()
            window = min(peer.conn.local_flow_control_window(1),
                         peer.conn.max_outbound_frame_size, len(payload) - sent)
            assert window > 0, "the windows stayed shut while the app read"
            peer.conn.send_data(1, payload[sent:sent + window])
            sent += window
        peer.conn.end_stream(1)
        await peer.settle()
        assert b"".join(received) == payload
        data = b"".join(e.data for e in peer.events if isinstance(e, h2.events.DataReceived))
        assert data == str(len(payload)).encode()

    asyncio.run(run())


def test_a_response_h2_cannot_frame_resets_its_stream() -> None:
    # A pseudo-header from the application is refused by h2 (RFC 9113, section 8.3); the
    # client gets RST_STREAM INTERNAL_ERROR instead of waiting for ever.
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b":bogus", b"1")]})
        await send({"type": "http.response.body", "body": b"never"})

    async def run() -> None:
        peer = Peer(app)
        peer.conn.send_headers(1, REQUEST, end_stream=True)
        await peer.settle()
        resets = [e for e in peer.events if isinstance(e, h2.events.StreamReset)]
        assert [(e.stream_id, e.error_code) for e in resets] == [
            (1, h2.errors.ErrorCodes.INTERNAL_ERROR)]
        assert not peer.transport.closing  # the connection goes on

    asyncio.run(run())
