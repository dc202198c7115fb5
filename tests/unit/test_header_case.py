"""Raw header names from both of uvicorn's HTTP parsers (h11 and httptools), read back through
``header_case.raw_headers`` as any data plane does."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from emulator.header_case import RAW_NAMES, http_protocol, raw_headers
from emulator.server import free_port


async def _echo(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": json.dumps(raw_headers(scope))})
        await send({"type": "websocket.close", "code": 1000})
        return
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    body = json.dumps({"raw": raw_headers(scope), "lower": [
        [n.decode(), v.decode()] for n, v in scope["headers"]]}).encode()
    # /cased answers with names cased as AWS integrations give them, one name twice.
    cased = [(b"X-Back-Case", b"1"), (b"x-back-case", b"2"), (b"ETag", b'"e"')] \
        if scope["path"] == "/cased" else []
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", str(len(body)).encode()), *cased]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(params=["h11", "httptools"])
def server(request: pytest.FixtureRequest) -> Iterator[int]:
    pytest.importorskip(request.param)
    port = free_port()
    config = uvicorn.Config(_echo, host="127.0.0.1", port=port, log_level="warning",
                            http=http_protocol(request.param), lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(instance.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield port
    instance.should_exit = True
    thread.join(10)


def _exchange(port: int, *requests: bytes) -> list[dict[str, Any]]:
    """Send requests on one connection (pipelined) and read each JSON answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"".join(requests))
        data = b""
        answers: list[dict[str, Any]] = []
        while len(answers) < len(requests):
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk
            while b"\r\n\r\n" in data:
                head, _, rest = data.partition(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length")))
                if len(rest) < length:
                    break
                answers.append(json.loads(rest[:length]))
                data = rest[length:]
    return answers


def test_names_keep_their_case_order_and_repeats(server: int) -> None:
    request = (b"POST /x HTTP/1.1\r\nHost: here\r\nContent-Type: application/json\r\n"
               b"X-Custom-Header: one\r\nx-custom-header: two\r\nAUTHORIZATION: Bearer t\r\n"
               b"Content-Length: 2\r\n\r\n{}")
    (answer,) = _exchange(server, request)
    assert answer["raw"] == [["Host", "here"], ["Content-Type", "application/json"],
                             ["X-Custom-Header", "one"], ["x-custom-header", "two"],
                             ["AUTHORIZATION", "Bearer t"], ["Content-Length", "2"]]
    assert [name for name, _ in answer["lower"]] == [
        "host", "content-type", "x-custom-header", "x-custom-header", "authorization",
        "content-length"]


def _heads(port: int, *requests: bytes) -> list[list[bytes]]:
    """The header lines of each answer, as written, to requests sent on one connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"".join(requests))
        data, heads = b"", []
        while len(heads) < len(requests):
            while b"\r\n\r\n" not in data:
                data += sock.recv(65536)
            head, _, data = data.partition(b"\r\n\r\n")
            lines = head.split(b"\r\n")[1:]
            length = int(next(line.split(b":")[1] for line in lines
                              if line.lower().startswith(b"content-length:")))
            while len(data) < length:
                data += sock.recv(65536)
            data = data[length:]
            heads.append(lines)
    return heads


def test_response_names_are_written_as_the_application_gave_them(server: int) -> None:
    cased, plain = _heads(server, b"GET /cased HTTP/1.1\r\nHost: h\r\n\r\n",
                          b"GET /plain HTTP/1.1\r\nHost: h\r\n\r\n")
    assert [line for line in cased if line.lower().startswith((b"x-back", b"etag"))] == \
        [b"X-Back-Case: 1", b"x-back-case: 2", b'ETag: "e"']
    assert any(line.startswith(b"content-length: ") for line in cased), cased
    assert not any(line.lower().startswith(b"x-back") for line in plain), plain


def test_each_request_on_a_kept_alive_connection_has_its_own_names(server: int) -> None:
    first = b"GET /a HTTP/1.1\r\nHost: h\r\nX-One: 1\r\n\r\n"
    second = b"GET /b HTTP/1.1\r\nhost: h\r\nx-TWO: 2\r\nUser-Agent: t\r\n\r\n"
    answers = _exchange(server, first, second)
    assert [a["raw"] for a in answers] == [
        [["Host", "h"], ["X-One", "1"]],
        [["host", "h"], ["x-TWO", "2"], ["User-Agent", "t"]],
    ]


def test_without_the_record_names_stay_as_the_server_gave_them() -> None:
    scope = {"headers": [(b"content-type", b"a")]}
    assert raw_headers(scope) == [("content-type", "a")]
    # A record that no longer matches the headers (a middleware changed them) is ignored.
    scope["extensions"] = {RAW_NAMES: [b"Content-Type", b"X-Gone"]}
    assert raw_headers(scope) == [("content-type", "a")]
    scope["extensions"] = {RAW_NAMES: [b"Content-Type"]}
    assert raw_headers(scope) == [("Content-Type", "a")]


def test_a_websocket_handshake_keeps_its_names(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        sock.sendall(b"GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
                     b"Connection: Upgrade\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     b"Sec-WebSocket-Version: 13\r\nX-Custom-CASE: kept\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(4096)
        head, _, frame = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        while len(frame) < 4:
            frame += sock.recv(4096)
        length, start = frame[1] & 0x7F, 2
        if length == 126:  # a 16-bit extended length
            length, start = int.from_bytes(frame[2:4], "big"), 4
        while len(frame) < start + length:
            frame += sock.recv(4096)
    names = [name for name, _ in json.loads(frame[start:start + length])]
    assert "X-Custom-CASE" in names and "sec-websocket-key" in names and "Host" in names


def test_a_head_laid_out_otherwise_keeps_its_values() -> None:
    from emulator.header_case import _CasedHead

    written: list[bytes] = []

    class Transport:
        def write(self, data: bytes) -> None:
            written.append(data)

    head = b"HTTP/1.1 200 OK\r\nserver: x\r\nx-back: 1\r\netag: e\r\n\r\n"
    _CasedHead(Transport(), 2, [b"X-Back", b"ETag"]).write(head)
    assert written[-1] == b"HTTP/1.1 200 OK\r\nserver: x\r\nX-Back: 1\r\nETag: e\r\n\r\n"
    # One line off (a header the cycle did not expect): nothing is renamed into another's place.
    _CasedHead(Transport(), 1, [b"X-Back", b"ETag"]).write(head)
    assert written[-1] == head
