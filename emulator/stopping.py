"""What a request still running when the server's graceful window ends is answered.

uvicorn cancels such requests; left alone, each would get a bare ``500 Internal Server
Error`` and a traceback in the log. Instead it gets ``503 ServiceUnavailable``, which every
AWS SDK retries (against the next server, once one is up), and the connection closes.
"""

from __future__ import annotations

import json

from starlette.types import Message, Send

STOPPING_BODY = json.dumps({
    "__type": "ServiceUnavailableException",
    "message": "The service is stopping. Retry the request.",
}).encode()


class ResponseWatch:
    """An ASGI ``send`` that remembers whether the response has started."""

    __slots__ = ("_send", "started")

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


async def send_stopping(send: Send) -> None:
    await send({"type": "http.response.start", "status": 503, "headers": [
        (b"content-type", b"application/x-amz-json-1.1"),
        (b"content-length", str(len(STOPPING_BODY)).encode()),
        (b"x-amzn-errortype", b"ServiceUnavailableException"),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": STOPPING_BODY})


__all__ = ["STOPPING_BODY", "ResponseWatch", "send_stopping"]
