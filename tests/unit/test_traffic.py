"""The request log: a bounded ring, one line per request, what each front door notes."""

from __future__ import annotations

import asyncio
import contextvars
import logging

import pytest

from emulator import traffic
from emulator.traffic import RequestLog


def _answer(requests: RequestLog, path: str, status: int = 200, **fields: str) -> int:
    exchange = requests.begin("unroutable", "POST", path, body=b"x" * 10)
    traffic.note(**fields)
    requests.finish(exchange, status, body=b"y" * 10)
    return exchange.id


def test_the_ring_keeps_the_latest_exchanges_up_to_its_capacity() -> None:
    requests = RequestLog(capacity=3, body_bytes=4)
    ids = [_answer(requests, f"/{n}") for n in range(5)]
    assert [e.path for e in requests.recent()] == ["/4", "/3", "/2"]
    assert requests.get(ids[0]) is None and requests.get(ids[4]).path == "/4"  # type: ignore[union-attr]
    kept = requests.get(ids[3])
    assert kept is not None and kept.request_body == b"xxxx" and kept.request_size == 10
    assert kept.response_body == b"yyyy" and kept.response_size == 10
    assert requests.sequence == 5


def test_a_capacity_of_zero_keeps_nothing_but_still_counts() -> None:
    requests = RequestLog(capacity=0)
    _answer(requests, "/a")
    assert len(requests) == 0 and requests.sequence == 1


def test_note_names_what_answered_and_the_line_says_it(caplog: pytest.LogCaptureFixture) -> None:
    requests = RequestLog()
    with caplog.at_level(logging.INFO, logger="emulator.requests"):
        _answer(requests, "/", 200, kind="api", service="sqs", operation="SendMessage",
                account="000000000000", region="us-east-1")
        _answer(requests, "/_aws/execute-api/abc/prod/orders", 502, kind="execute-api",
                resource="abc/prod", operation="GET /orders")
        _answer(requests, "/nowhere", 404)
    lines = [record.getMessage() for record in caplog.records]
    assert lines[0].startswith("sqs.SendMessage 200 ")
    assert lines[1].startswith("execute-api POST /_aws/execute-api/abc/prod/orders api=abc "
                               "stage=prod route=GET /orders 502 ")
    assert lines[2].startswith("unroutable POST /nowhere 404 ")


def test_note_outside_a_request_does_nothing() -> None:
    def outside() -> object:
        traffic.note(service="sqs")
        return traffic.current()

    assert contextvars.Context().run(outside) is None


def test_filters_match_every_word() -> None:
    requests = RequestLog()
    _answer(requests, "/", 400, kind="api", service="lambda", operation="Invoke",
            error="ResourceNotFoundException")
    _answer(requests, "/", 200, kind="api", service="sqs", operation="ReceiveMessage")
    found = requests.recent(keep=lambda e: traffic.matches(e, ["lambda", "notfound"]))
    assert [e.label for e in found] == ["lambda.Invoke"]


def test_watchers_wake_on_the_next_request_and_time_out_without_one() -> None:
    requests = RequestLog()

    async def scenario() -> tuple[int, int]:
        waiting = asyncio.ensure_future(requests.wait_change(0, timeout=5))
        await asyncio.sleep(0.01)
        _answer(requests, "/a")
        woke = await waiting
        quiet = await requests.wait_change(requests.sequence, timeout=0.05)
        return woke, quiet

    assert asyncio.run(scenario()) == (1, 1)
