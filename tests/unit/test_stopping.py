"""Requests cut off. One still running when the graceful window ends (uvicorn cancels it) is
answered 503 ServiceUnavailableException, not a bare 500; one whose answer had begun is left to
end. One whose client goes away before its body is read ends quietly, with no traceback logged
(the long fuzz profile found one logged for every client that gave up mid-body)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from starlette.requests import ClientDisconnect, Request
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


def test_a_client_gone_before_its_body_was_read_ends_the_request_quietly() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def gone() -> Message:
        return {"type": "http.disconnect"}

    async def reads_the_body(request: Request) -> Response:
        await request.body()
        raise AssertionError("a body was read from a client that went away")

    try:
        asyncio.run(FrontLane(_never_called, reads_the_body)(SCOPE, gone, send))
    except ClientDisconnect:
        pytest.fail("the disconnect reached the server, which logs it with a traceback")
    assert sent == []


def test_an_aws_request_cancelled_while_its_answer_is_sent_is_not_answered_twice() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    class Started(Response):
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise asyncio.CancelledError

    async def answered(request: Request) -> Response:
        return Started(b"")

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(FrontLane(_never_called, answered)(SCOPE, _no_body, send))
    assert [m.get("status") for m in sent] == [200]
