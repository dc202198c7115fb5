"""An SQS event source: poll a queue, hand batches to a function, delete what succeeded.

The poller long-polls through the ``queues`` port, so it wakes the moment a message arrives (or
a clock jump makes one visible) instead of on a fixed interval. A batch fills up to BatchSize
within MaximumBatchingWindowInSeconds on the emulator clock. Messages that no filter matches are
deleted without invoking the function. After the invocation every message is deleted, or, with
ReportBatchItemFailures, all but the ones the function reported; a failed batch stays in the
queue, comes back when its visibility timeout ends, and follows the queue's redrive policy.
The invocation continues the X-Ray trace a message carries in its AWSTraceHeader attribute.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from emulator import inbound
from emulator.clock import Clock
from emulator.event_patterns import Pattern
from emulator.ports import FunctionInvoker, QueueAccess

log = logging.getLogger("emulator.lambda")

RECORD_ATTRIBUTES = ("ApproximateReceiveCount", "SentTimestamp", "SenderId",
                     "ApproximateFirstReceiveTimestamp", "SequenceNumber", "MessageGroupId",
                     "MessageDeduplicationId", "AWSTraceHeader", "DeadLetterQueueSourceArn")
LONG_POLL_SECONDS = 20
DEFAULT_CONCURRENCY = 5  # batches in flight at once when ScalingConfig sets no maximum
ERROR_PAUSE = 1.0  # seconds on the clock after the queue itself could not be read


@dataclass
class SqsSource:
    """One enabled event-source mapping, as the poller runs it."""

    uuid: str
    function: str  # function ARN, qualified when the mapping names a version or alias
    account: str
    region: str
    queue_arn: str
    batch_size: int = 10
    window: float = 0.0
    filters: list[Pattern] = field(default_factory=list)
    report_item_failures: bool = False
    maximum_concurrency: int | None = None


def record_of(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One entry of the event's ``Records``, in the shape Lambda gives SQS messages."""
    system = message.get("Attributes", {})
    attributes = {name: system[name] for name in RECORD_ATTRIBUTES if name in system}
    message_attributes: dict[str, Any] = {}
    for name, value in (message.get("MessageAttributes") or {}).items():
        entry: dict[str, Any] = {}
        if value.get("StringValue") is not None:
            entry["stringValue"] = value["StringValue"]
        if value.get("BinaryValue") is not None:
            raw = value["BinaryValue"]
            entry["binaryValue"] = base64.b64encode(raw).decode() if isinstance(
                raw, bytes) else raw
        entry.update(stringListValues=[], binaryListValues=[], dataType=value["DataType"])
        message_attributes[name] = entry
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def _filter_view(record: dict[str, Any]) -> dict[str, Any]:
    """What filter patterns see: the record, with a JSON body as its object."""
    view = dict(record)
    with contextlib.suppress(ValueError):
        view["body"] = inbound.loads(record["body"])
    return view


def failed_items(payload: bytes, batch: list[dict[str, Any]]) -> set[str] | None:
    """Message ids the function reported failed; None when the whole batch counts as failed
    (an answer Lambda cannot read, or an itemIdentifier that is empty or not in the batch)."""
    text = payload.decode("utf-8", errors="replace").strip()
    if not text or text == "null":
        return set()
    try:
        response = inbound.loads(text)
    except ValueError:
        return None
    if not isinstance(response, dict):
        return set()
    failures = response.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return None
    known = {record["messageId"] for record in batch}
    found: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in known:
            return None
        found.add(identifier)
    return found


class SqsPoller:
    def __init__(self, source: SqsSource, clock: Clock, queues: QueueAccess,
                 functions: FunctionInvoker) -> None:
        self.source = source
        self.clock = clock
        self.queues = queues
        self.functions = functions
        self.parked = False  # waiting for messages (or for the batching window)
        self._batches: set[asyncio.Task[Any]] = set()
        self._task: asyncio.Task[Any] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def cancel(self) -> None:
        """Stop polling; batches being processed finish. Safe from any thread."""
        if self._task is not None and not self._task.done():
            loop = self._task.get_loop()
            if not loop.is_closed():
                loop.call_soon_threadsafe(self._task.cancel)

    def busy(self) -> list[str]:
        if self._task is None or self._task.done():
            return []
        name = f"event source {self.source.uuid}"
        if self._batches:
            return [f"{name}: {len(self._batches)} batch(es) in progress"]
        if not self.parked:
            return [f"{name}: polling"]
        if self.queues.receivable(self.source.queue_arn):
            return [f"{name}: messages waiting"]
        return []

    # -- polling ---------------------------------------------------------------------------

    async def _run(self) -> None:
        source = self.source
        slots = asyncio.Semaphore(source.maximum_concurrency or DEFAULT_CONCURRENCY)
        while True:
            await slots.acquire()
            try:
                batch = await self._collect()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                slots.release()
                self.parked = True
                log.warning("event source %s could not read %s: %s", source.uuid,
                            source.queue_arn, error)
                await self.clock.sleep(ERROR_PAUSE)
                continue
            if not batch:
                slots.release()
                continue
            task = asyncio.get_running_loop().create_task(self._process(batch))
            self._batches.add(task)

            def done(finished: asyncio.Task[Any]) -> None:
                self._batches.discard(finished)
                slots.release()

            task.add_done_callback(done)

    async def _receive(self, limit: int, wait: int) -> list[dict[str, Any]]:
        self.parked = True
        try:
            return await self.queues.receive(self.source.queue_arn, max_messages=min(10, limit),
                                             wait_seconds=wait)
        finally:
            self.parked = False

    async def _collect(self) -> list[dict[str, Any]]:
        source = self.source
        batch = await self._receive(source.batch_size, LONG_POLL_SECONDS)
        if not batch:
            return []
        deadline = self.clock.now() + source.window
        while len(batch) < source.batch_size:
            remaining = deadline - self.clock.now()
            if remaining <= 0:
                break
            more = await self._receive(source.batch_size - len(batch),
                                       min(LONG_POLL_SECONDS, max(1, int(remaining + 0.999))))
            batch.extend(more)
        # A window longer than the visibility timeout can receive a message twice: keep the
        # latest receipt, which is the one that deletes it.
        latest = {message["MessageId"]: message for message in batch}
        return list(latest.values())

    # -- one batch -------------------------------------------------------------------------

    async def _process(self, messages: list[dict[str, Any]]) -> None:
        source = self.source
        records = [record_of(message, source.queue_arn, source.region) for message in messages]
        if source.filters:
            kept = []
            for record in records:
                view = _filter_view(record)
                if any(pattern.matches(view) for pattern in source.filters):
                    kept.append(record)
                else:
                    self._delete(record)  # Lambda drops what no filter wants
            records = kept
        if not records:
            return
        # The invocation continues the trace of the first message that carries one.
        trace = next((record["attributes"]["AWSTraceHeader"] for record in records
                      if "AWSTraceHeader" in record["attributes"]), None)
        try:
            result = await self.functions.invoke(
                source.function, json.dumps({"Records": records}, separators=(",", ":")).encode(),
                account=source.account, region=source.region, trace_header=trace,
            )
        except Exception as error:  # throttled or gone: the batch returns to the queue
            log.info("event source %s could not invoke %s: %s", source.uuid, source.function,
                     error)
            return
        if result.function_error:
            return
        failed: set[str] | None = set()
        if source.report_item_failures:
            failed = failed_items(result.payload, records)
        if failed is None:
            return
        for record in records:
            if record["messageId"] not in failed:
                self._delete(record)

    def _delete(self, record: dict[str, Any]) -> None:
        try:
            self.queues.delete(self.source.queue_arn, record["receiptHandle"])
        except Exception as error:
            log.info("event source %s could not delete %s: %s", self.source.uuid,
                     record["messageId"], error)


__all__ = ["SqsPoller", "SqsSource", "failed_items", "record_of"]
