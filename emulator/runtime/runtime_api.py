"""The Lambda Runtime API (version 2018-06-01), served to one execution environment.

A runtime (our Node.js client, a custom runtime's ``bootstrap``) long-polls
``GET /2018-06-01/runtime/invocation/next`` for an event, then posts
``/runtime/invocation/{id}/response`` or ``/runtime/invocation/{id}/error``, or
``/runtime/init/error`` when it cannot start. A streamed response
(``Lambda-Runtime-Function-Response-Mode: streaming``, chunked, an error in the
``Lambda-Runtime-Function-Error-Type`` / ``-Body`` trailers) is collected whole: a failed
one keeps the bytes it sent before the error, as Lambda passes them on to the caller.

Each environment gets its own server on a loopback port, as each Lambda sandbox has its own
endpoint in ``AWS_LAMBDA_RUNTIME_API``. HTTP/1.1 framing is h11's; the server runs on the
emulator's event loop and holds no knowledge of processes or the clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import h11

from emulator.runtime.spec import STREAMED_RESPONSE_LIMIT, SYNC_RESPONSE_LIMIT

PREFIX = "/2018-06-01/runtime"
_INVOCATION_PATH = re.compile(r"^/2018-06-01/runtime/invocation/([^/]+)/(response|error)$")
# A body past this is not kept: the invocation is answered Function.ResponseSizeTooLarge.
_BODY_CAP = SYNC_RESPONSE_LIMIT + 1
_STREAM_CAP = STREAMED_RESPONSE_LIMIT + 1
_READ_SIZE = 256 * 1024


@dataclass
class Reply:
    """What the runtime posted for an invocation (or for init)."""

    kind: Literal["response", "error"]
    body: bytes
    error_type: str | None = None
    too_large: bool = False
    # A streamed response's Content-Type (a function URL in RESPONSE_STREAM mode answers with
    # it, and reads the HTTP integration prelude when it says so); None when buffered.
    content_type: str | None = None
    # What a streamed response sent before failing (its error comes in the trailers).
    partial_payload: bytes = b""


def _future() -> asyncio.Future[Any]:
    return asyncio.get_running_loop().create_future()


@dataclass
class Invocation:
    request_id: str
    payload: bytes
    headers: dict[str, str]
    reply: asyncio.Future[Reply] = field(default_factory=_future)
    # The runtime's post is answered (202) once the emulator has taken the reply, so the
    # answer and the runtime's next request stay off the invocation's critical path.
    taken: asyncio.Future[None] = field(default_factory=_future)

    def take(self) -> None:
        if not self.taken.done():
            self.taken.set_result(None)


def _error_document(error_type: str, message: str) -> bytes:
    return json.dumps({"errorMessage": message, "errorType": error_type}).encode()


class RuntimeApi:
    """The endpoint of one execution environment."""

    def __init__(self) -> None:
        self._waiting: asyncio.Queue[Invocation] = asyncio.Queue()
        self._current: Invocation | None = None
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        # Set when the runtime first asks for an event: its init is over.
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.init_error: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self.address = ""

    async def start(self) -> str:
        """Listen on a free loopback port; returns ``host:port``."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        host, port = self._server.sockets[0].getsockname()[:2]
        self.address = f"{host}:{port}"
        return self.address

    def submit(self, invocation: Invocation) -> None:
        """Hand an invocation to the runtime's next (or waiting) ``/next`` request."""
        self._waiting.put_nowait(invocation)

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()

    # -- HTTP ------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        connection = h11.Connection(h11.SERVER)
        try:
            while True:
                request = await self._read(connection, reader)
                if request is None:
                    return
                target, headers, body, trailers, too_large = request
                status, reply_headers, content = await self._route(
                    connection, target, headers, body, trailers, too_large)
                reply_headers.append(("Content-Length", str(len(content))))
                head = connection.send(h11.Response(status_code=status, headers=reply_headers))
                data = connection.send(h11.Data(data=content)) if content else b""
                end = connection.send(h11.EndOfMessage())
                writer.write(b"".join((head or b"", data or b"", end or b"")))
                await writer.drain()
                if connection.our_state is not h11.DONE or \
                        connection.their_state is not h11.DONE:
                    return
                connection.start_next_cycle()
        except (h11.ProtocolError, ConnectionError, asyncio.IncompleteReadError):
            return
        except asyncio.CancelledError:
            return  # closed with its environment; the task ends normally
        finally:
            if task is not None:
                self._connections.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _read(
        self, connection: h11.Connection, reader: asyncio.StreamReader
    ) -> tuple[str, dict[str, str], bytes, dict[str, str], bool] | None:
        """One request: target, headers (lower-case), body, trailers, and whether the body
        passed the cap; None once the peer closes."""
        target = ""
        headers: dict[str, str] = {}
        trailers: dict[str, str] = {}
        chunks: list[bytes] = []
        size = 0
        too_large = False
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(_READ_SIZE)
                connection.receive_data(data)
                if not data and connection.their_state is h11.IDLE:
                    return None
                continue
            if isinstance(event, h11.Request):
                target = event.target.decode("latin-1")
                headers = {name.decode("latin-1").lower(): value.decode("latin-1")
                           for name, value in event.headers}
                headers["_method"] = event.method.decode("latin-1")
            elif isinstance(event, h11.Data):
                size += len(event.data)
                if size > (_STREAM_CAP if headers.get(
                        "lambda-runtime-function-response-mode", "").lower() == "streaming"
                        else _BODY_CAP):
                    too_large = True
                else:
                    chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                trailers = {name.decode("latin-1").lower(): value.decode("latin-1")
                            for name, value in event.headers}
                return target, headers, b"".join(chunks), trailers, too_large
            elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                return None

    async def _route(
        self, connection: h11.Connection, target: str, headers: dict[str, str], body: bytes,
        trailers: dict[str, str], too_large: bool,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        method = headers.get("_method", "")
        path = target.split("?", 1)[0]
        accepted = (202, [("Content-Type", "application/json")], b'{"status":"OK"}')
        if path == f"{PREFIX}/invocation/next" and method == "GET":
            return await self._next()
        if path == f"{PREFIX}/init/error" and method == "POST":
            if not self.init_error.done() and not self.ready.done():
                self.init_error.set_result(Reply(
                    "error", body, headers.get("lambda-runtime-function-error-type")))
                return accepted
            return 403, [("Content-Type", "application/json")], _error_document(
                "InvalidStateTransition", "State transition from Ready to InitError failed")
        match = _INVOCATION_PATH.match(path)
        if match is None or method != "POST":
            return 404, [("Content-Type", "application/json")], _error_document(
                "InvalidRequest", f"No such Runtime API resource: {method} {path}")
        request_id, kind = match.group(1), match.group(2)
        current = self._current
        if current is None or current.request_id != request_id:
            return 400, [("Content-Type", "application/json")], _error_document(
                "InvalidRequestID", "Invalid request ID")
        if current.reply.done():
            return 403, [("Content-Type", "application/json")], _error_document(
                "InvalidStateTransition", "Invocation already answered")
        error_type = (trailers.get("lambda-runtime-function-error-type")
                      or headers.get("lambda-runtime-function-error-type"))
        streamed = headers.get("lambda-runtime-function-response-mode", "").lower() == "streaming"
        content_type = headers.get("content-type", "application/octet-stream") if streamed else None
        if kind == "response" and error_type:
            # A streamed response that failed midway reports its error in the trailers.
            streamed_error = trailers.get("lambda-runtime-function-error-body", "")
            current.reply.set_result(Reply(
                "error", _decode_trailer(streamed_error), error_type,
                content_type=content_type, partial_payload=b"" if too_large else body))
            await current.taken
            return accepted
        current.reply.set_result(Reply(kind, body, error_type, too_large,  # type: ignore[arg-type]
                                       content_type))
        await current.taken
        if too_large:
            return 413, [("Content-Type", "application/json")], _error_document(
                "RequestEntityTooLarge",
                f"Exceeded maximum allowed payload size ({SYNC_RESPONSE_LIMIT} bytes).")
        return accepted

    async def _next(self) -> tuple[int, list[tuple[str, str]], bytes]:
        if not self.ready.done():
            self.ready.set_result(None)
        invocation = await self._waiting.get()
        self._current = invocation
        headers = [("Content-Type", "application/json"),
                   *invocation.headers.items()]
        return 200, headers, invocation.payload


def _decode_trailer(value: str) -> bytes:
    """The error body trailer is base64 (AWS's runtimes encode it so); plain JSON also works."""
    import base64
    import binascii

    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value.encode()


__all__ = ["PREFIX", "Invocation", "Reply", "RuntimeApi"]
