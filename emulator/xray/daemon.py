"""The X-Ray daemon's two faces on one port: UDP for segment documents and a TCP proxy for
the X-Ray API (the SDKs' centralised sampling calls GetSamplingRules and GetSamplingTargets
through it).

A UDP datagram is the header line ``{"format": "json", "version": 1}``, a newline, then one
segment document. The proxy speaks plain HTTP/1.1 and hands each request to ``forward``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from emulator import inbound

log = logging.getLogger("emulator.xray.daemon")

DocumentSink = Callable[[bytes], None]
ProxyReply = tuple[int, list[tuple[str, str]], bytes]
Forward = Callable[[str, str, list[tuple[str, str]], bytes], Awaitable[ProxyReply]]

RECEIVE_BUFFER = 8 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 411: "Length Required",
            413: "Payload Too Large", 500: "Internal Server Error", 502: "Bad Gateway"}


@dataclass
class DaemonCounters:
    received: int = 0  # datagrams
    bad_header: int = 0  # datagrams without the daemon header, dropped as the daemon does
    proxied: int = 0  # HTTP requests forwarded


def split_datagram(data: bytes) -> bytes | None:
    """The segment document of one datagram, or None when the header is missing or wrong."""
    header, newline, body = data.partition(b"\n")
    if not newline:
        return None
    try:
        parsed = inbound.loads(header)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or parsed.get("format") != "json" or parsed.get(
        "version"
    ) != 1:
        return None
    return body


class _UdpProtocol(asyncio.DatagramProtocol):
    def __init__(self, sink: DocumentSink, counters: DaemonCounters) -> None:
        self._sink = sink
        self._counters = counters

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self._counters.received += 1
        document = split_datagram(data)
        if document is None:
            self._counters.bad_header += 1
            return
        try:
            self._sink(document)
        except Exception:  # one bad document must not stop the daemon
            log.exception("could not keep a segment document")


async def _read_request(
    reader: asyncio.StreamReader,
) -> tuple[str, str, list[tuple[str, str]], bytes] | int | None:
    """One HTTP/1.1 request; None at end of stream, or an HTTP status to answer with."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError:
        return 413
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return 400
    method, target = parts[0], parts[1]
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon:
            return 400
        headers.append((name.strip(), value.strip()))
    lowered = {name.lower(): value for name, value in headers}
    if "chunked" in lowered.get("transfer-encoding", "").lower():
        return 411
    try:
        length = int(lowered.get("content-length", "0"))
    except ValueError:
        return 400
    if length < 0 or length > MAX_BODY_BYTES:
        return 413
    body = await reader.readexactly(length) if length else b""
    return method, target, headers, body


def _response(status: int, headers: list[tuple[str, str]], body: bytes) -> bytes:
    kept = [(k, v) for k, v in headers
            if k.lower() not in ("content-length", "transfer-encoding", "connection")]
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
    lines += [f"{k}: {v}" for k, v in kept]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Daemon:
    """The UDP listener and TCP proxy, started and stopped with the xray service."""

    def __init__(self, host: str, port: int, sink: DocumentSink, forward: Forward) -> None:
        self.host = host
        self.requested_port = port
        self.port: int | None = None
        self.counters = DaemonCounters()
        self._sink = sink
        self._forward = forward
        self._transport: asyncio.DatagramTransport | None = None
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()

    @property
    def address(self) -> str | None:
        """``host:port`` for AWS_XRAY_DAEMON_ADDRESS, once listening."""
        if self.port is None:
            return None
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"{host}:{self.port}"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        # Port 0 picks a free UDP port; the TCP proxy then takes the same number.
        for _ in range(20):
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            with contextlib.suppress(OSError):
                udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            try:
                udp.bind((self.host, self.requested_port))
            except OSError:
                udp.close()
                raise
            port = int(udp.getsockname()[1])
            try:
                server = await asyncio.start_server(self._serve, self.host, port,
                                                    limit=MAX_HEADER_BYTES)
            except OSError:
                udp.close()
                if self.requested_port:
                    raise
                continue
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _UdpProtocol(self._sink, self.counters), sock=udp
            )
            self._transport = transport
            self._server = server
            self.port = port
            log.info("X-Ray daemon listening on %s (UDP and TCP)", self.address)
            return
        raise OSError("no free port for the X-Ray daemon")

    async def stop(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        # Close idle keep-alive connections first, so their handlers end rather than being
        # cancelled when the loop shuts down.
        for writer in list(self._connections):
            writer.close()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None
        self.port = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                if isinstance(request, int):
                    writer.write(_response(request, [], b""))
                    await writer.drain()
                    break
                method, target, headers, body = request
                self.counters.proxied += 1
                try:
                    status, reply_headers, reply = await self._forward(
                        method, target, headers, body
                    )
                except Exception:
                    log.exception("X-Ray daemon proxy failed")
                    status, reply_headers, reply = 502, [], b""
                writer.write(_response(status, reply_headers, reply))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._connections.discard(writer)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


__all__ = ["Daemon", "DaemonCounters", "DocumentSink", "Forward", "split_datagram"]
