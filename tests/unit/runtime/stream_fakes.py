"""Fakes for the stream event-source engine: a stream of shards, a function, destinations."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from typing import Any

from emulator.clock import Clock
from emulator.idle import wait_idle
from emulator.ports import InvokeResult, Ports, ShardInfo, ShardRecord
from emulator.runtime.event_sources import StreamHooks, StreamPoller, StreamSource
from emulator.shards import Changes, Entry, ShardLog

ARN = "arn:aws:kinesis:us-east-1:111111111111:stream/fake"


class FakeStreams:
    """A Kinesis-like stream held in ShardLogs (the engine's own logs)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.logs: dict[str, ShardLog] = {}
        self.parents: dict[str, tuple[str, ...]] = {}
        self.changes = Changes()
        self.counter = 0
        self.gone = False

    def add_shard(self, shard_id: str, parents: tuple[str, ...] = ()) -> None:
        self.logs[shard_id] = ShardLog(shard_id, self.counter + 1)
        self.parents[shard_id] = parents
        self.changes.notify()

    def put(self, shard_id: str, key: str, data: Any, arrival: float | None = None) -> str:
        self.counter += 10
        text = json.dumps(data) if not isinstance(data, bytes) else None
        raw = data if isinstance(data, bytes) else (text or "").encode()
        self.logs[shard_id].append(Entry(self.counter, arrival or self.clock.now(), len(raw), {
            "sequence": str(self.counter), "key": key,
            "data": base64.b64encode(raw).decode()}))
        self.changes.notify()
        return str(self.counter)

    def close(self, shard_id: str) -> None:
        self.logs[shard_id].close()
        self.changes.notify()

    # -- ShardedStreams ----------------------------------------------------------------------

    def resolve(self, source_arn: str) -> str | None:
        return ARN if not self.gone else None

    def shards(self, stream_arn: str) -> list[ShardInfo] | None:
        if self.gone:
            return None
        return [ShardInfo(name, self.parents[name], log.closed) for name, log in self.logs.items()]

    def start(self, stream_arn: str, shard_id: str, starting_position: str,
              timestamp: float | None = None) -> int:
        log = self.logs[shard_id]
        if starting_position == "LATEST":
            return log.tip
        if starting_position == "AT_TIMESTAMP" and timestamp is not None:
            return log.after_time(timestamp)
        return log.trimmed_through

    def read(self, stream_arn: str, shard_id: str, after: int, limit: int) -> list[ShardRecord]:
        log = self.logs.get(shard_id)
        if log is None:
            return []
        return [ShardRecord(
            sequence=e.item["sequence"], position=e.sequence, arrival=e.arrival, size=e.size,
            key=e.item["key"],
            record={"kinesisSchemaVersion": "1.0", "partitionKey": e.item["key"],
                    "sequenceNumber": e.item["sequence"], "data": e.item["data"],
                    "approximateArrivalTimestamp": e.arrival})
            for e in log.read(after, limit)]

    def pending(self, stream_arn: str, shard_id: str, after: int) -> int:
        log = self.logs.get(shard_id)
        return log.pending(after) if log else 0

    async def wait(self, stream_arn: str, deadline: float) -> bool:
        return await self.changes.wait(self.clock, deadline)


Answer = Callable[[dict[str, Any]], Any]


class FakeFunction:
    """Records each event; ``answer`` decides the outcome: a value is the function's answer,
    an exception raised inside it is an Unhandled error, and ``Unreachable`` never reaches
    the function."""

    def __init__(self, answer: Answer | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.answer = answer or (lambda event: None)
        self.unreachable = 0

    async def invoke(self, function: str, payload: bytes, **_: Any) -> InvokeResult:
        event = json.loads(payload)
        try:
            value = self.answer(event)
        except Unreachable:
            self.unreachable += 1
            raise
        except Exception as error:
            self.events.append(event)
            body = json.dumps({"errorMessage": str(error), "errorType": type(error).__name__})
            return InvokeResult(200, body.encode(), function_error="Unhandled")
        self.events.append(event)
        return InvokeResult(200, json.dumps(value).encode())

    def batches(self) -> list[list[Any]]:
        """Each invocation's records, decoded back to what was put."""
        return [[json.loads(base64.b64decode(r["kinesis"]["data"])) for r in event["Records"]]
                for event in self.events]


class Unreachable(Exception):
    """Raised by an answer to stand for a throttled or missing function."""


class FakeQueues:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def send(self, queue_arn: str, body: str, **_: Any) -> dict[str, Any]:
        self.sent.append((queue_arn, json.loads(body)))
        return {}


class Harness:
    """A poller for one mapping over a fake stream, run on the test's loop."""

    def __init__(self, answer: Answer | None = None, **options: Any) -> None:
        self.clock = Clock()
        self.streams = FakeStreams(self.clock)
        self.function = FakeFunction(answer)
        self.queues = FakeQueues()
        self.checkpoints: dict[str, int] = {}
        self.finished: list[str] = []
        self.results: list[str] = []
        ports = {"queues": self.queues, "data-streams": self.streams}
        self.ports = Ports(lambda name: ports[name])
        options.setdefault("starting_position", "TRIM_HORIZON")
        self.source = StreamSource(uuid="m-1", function="arn:aws:lambda:us-east-1:111111111111:"
                                   "function:f", account="111111111111", region="us-east-1",
                                   kind="kinesis", source_arn=ARN, stream_arn=ARN,
                                   role="arn:aws:iam::111111111111:role/r", **options)
        self.poller: StreamPoller | None = None

    def start(self) -> None:
        for shard in self.streams.logs:
            self.source.checkpoints.setdefault(shard, self.streams.start(
                ARN, shard, self.source.starting_position, self.source.starting_timestamp))
        hooks = StreamHooks(checkpoint=self.checkpoints.__setitem__,
                            finished=self.finished.append, result=self.results.append)
        self.poller = StreamPoller(self.source, self.clock, self.streams, self.function,
                                   self.ports, hooks)
        self.poller.start()

    async def idle(self) -> None:
        assert self.poller is not None
        await asyncio.sleep(0)
        busy = await wait_idle(self.poller.busy, 5.0)
        assert not busy, busy

    async def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        await self.idle()

    def stop(self) -> None:
        if self.poller is not None:
            self.poller.cancel()
