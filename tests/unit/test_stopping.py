"""A request still running when the graceful window ends (uvicorn cancels it) is answered
503 ServiceUnavailableException, not a bare 500; one whose answer had begun is left to end."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

from emulator.app import FrontLane

SCOPE = {"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""}


async def _cancelled(request: Request) -> Response:
    raise asyncio.CancelledError


async def _never_called(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("the catch-all route takes this request")


def test_a_cancelled_request_is_answered_503() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(FrontLane(_never_called, _cancelled)(SCOPE, _no_body, send))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 503
    assert (b"connection", b"close") in sent[0]["headers"]
    assert json.loads(sent[1]["body"])["__type"] == "ServiceUnavailableException"


def test_a_request_cancelled_after_its_answer_began_is_not_answered_twice() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def streaming(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise asyncio.CancelledError

    internal = {**SCOPE, "path": "/_emulator/health"}  # goes on to the router: the app here
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(FrontLane(streaming, _cancelled)(internal, _no_body, send))
    assert [m.get("status") for m in sent] == [200]


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
