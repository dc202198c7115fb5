"""One batch of stream records through a function: invocation, the answer, retries.

A batch succeeds when the function returns without error (and, with ReportBatchItemFailures,
reports no failure). Otherwise, as AWS documents for Kinesis and DynamoDB event sources
(https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html):

- a partial failure checkpoints before the lowest reported sequence number and retries from
  there; an itemIdentifier that is empty, missing or not in the batch fails the whole batch
  (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html);
- with BisectBatchOnFunctionError a failed batch is split in two, which costs no retry;
- MaximumRetryAttempts bounds the retries and MaximumRecordAgeInSeconds the age of what is
  sent; discarded records are reported to the on-failure destination;
- an invocation that never reached the function (throttled, function gone) is retried without
  counting, until the records are too old.

Retries wait on the clock (1 s, doubling up to a minute), so a failing function neither spins
nor keeps the emulator busy: advance the clock to see the next attempt.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from emulator import inbound
from emulator.clock import Clock
from emulator.ports import FunctionInvoker, InvokeResult, Ports, ShardRecord
from emulator.runtime import metrics
from emulator.runtime.event_sources.stream_failures import (
    RECORD_AGE_EXCEEDED,
    RETRIES_EXHAUSTED,
    failure_record,
    send_failure,
)
from emulator.runtime.event_sources.stream_records import StreamSource, event_record
from emulator.runtime.event_sources.windows import Window

log = logging.getLogger("emulator.lambda")

OK, PARTIAL, FAILED, UNREACHABLE = "ok", "partial", "failed", "unreachable"
FIRST_BACKOFF, MAX_BACKOFF = 1.0, 60.0
RESULT_OK = "OK"
RESULT_FAILED = "PROBLEM: Function call failed"


def backoff(attempt: int) -> float:
    return float(min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** max(0, attempt - 1)))


def failed_from(payload: bytes, batch: list[ShardRecord]) -> int | None:
    """Where a ReportBatchItemFailures answer checkpoints: the index of the lowest reported
    sequence number (len(batch) when none failed); None when the whole batch failed."""
    response = _response(payload)
    if not isinstance(response, dict):
        return len(batch)
    failures = response.get("batchItemFailures")
    if failures is None:
        return len(batch)
    if not isinstance(failures, list):
        return None
    index = {record.sequence: position for position, record in enumerate(batch)}
    lowest = len(batch)
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in index:
            return None
        lowest = min(lowest, index[identifier])
    return lowest


def _response(payload: bytes) -> Any:
    text = payload.decode("utf-8", errors="replace").strip()
    if not text:
        return None
    try:
        return inbound.loads(text)
    except ValueError:
        return None


@dataclass
class Attempt:
    records: list[ShardRecord]
    retries: int = 0
    invokes: int = 0
    unreachable: int = 0
    last: InvokeResult | None = None


class BatchRunner:
    def __init__(self, source: StreamSource, clock: Clock, functions: FunctionInvoker,
                 ports: Ports, sleep: Callable[[float], Awaitable[None]],
                 report: Callable[[str], None]) -> None:
        self.source = source
        self.clock = clock
        self.functions = functions
        self.ports = ports
        self.metrics = ports.published_metrics()
        self.sleep = sleep  # waits on the clock, not counted as busy
        self.report = report  # LastProcessingResult

    def _exhausted(self, retries: int) -> bool:
        return self.source.max_retries >= 0 and retries > self.source.max_retries

    def _discard(self, shard_id: str, records: list[ShardRecord], condition: str,
                 attempt: Attempt) -> None:
        destination = self.source.on_failure
        if not records or not destination:
            return
        document = failure_record(self.source, shard_id, records, condition=condition,
                                  invoke_count=attempt.invokes, result=attempt.last,
                                  now=self.clock.now())
        send_failure(self.ports, destination, document)

    async def invoke(self, shard_id: str, records: list[ShardRecord], window: Window | None,
                     final: bool = False) -> tuple[str, InvokeResult | None, int]:
        """Invoke once; (outcome, result, records done when PARTIAL)."""
        source = self.source
        event: dict[str, Any] = {"Records": [event_record(source, shard_id, r)
                                             for r in records]}
        if window is not None:
            event.update(window.fields(shard_id, source.stream_arn, final=final))
        if records and source.function_metrics:
            name = source.function.split(":")[6] if source.function.startswith("arn:") else (
                source.function)
            metrics.iterator_age(self.metrics, source.account, source.region,
                                 name, (self.clock.now() - records[-1].arrival) * 1000)
        try:
            payload = json.dumps(event, separators=(",", ":")).encode()  # compact, as AWS's
            result = await self.functions.invoke(source.function, payload,
                                                 account=source.account, region=source.region)
        except Exception as error:
            log.info("event source %s could not invoke %s: %s", source.uuid, source.function,
                     error)
            return UNREACHABLE, None, 0
        if result.function_error:
            return FAILED, result, 0
        if window is not None and not final and not window.accept(_response(result.payload)):
            return FAILED, result, 0
        if not source.report_item_failures:
            return OK, result, len(records)
        done = failed_from(result.payload, records)
        if done is None:
            return FAILED, result, 0
        return (OK if done == len(records) else PARTIAL), result, done

    async def run(self, shard_id: str, records: list[ShardRecord], window: Window | None,
                  done: Callable[[list[ShardRecord]], None]) -> None:
        """Process ``records`` until each is handled or discarded, calling ``done`` for them
        in order."""
        queue = [Attempt(records)]
        while queue:
            attempt = queue.pop(0)
            batch = self._fresh(shard_id, attempt, done)
            if not batch:
                continue
            outcome, result, count = await self.invoke(shard_id, batch, window)
            if outcome == UNREACHABLE:
                attempt.unreachable += 1
                await self.sleep(backoff(attempt.unreachable))
                queue.insert(0, attempt)
                continue
            attempt.invokes += 1
            attempt.last = result
            if outcome == OK:
                self.report(RESULT_OK)
                done(batch)
                continue
            self.report(RESULT_FAILED)
            if outcome == PARTIAL:
                done(batch[:count])
                batch = batch[count:]
            elif self.source.bisect and len(batch) > 1:
                half = len(batch) // 2
                queue[0:0] = [Attempt(batch[:half], attempt.retries, attempt.invokes),
                              Attempt(batch[half:], attempt.retries, attempt.invokes)]
                continue
            attempt.retries += 1
            if self._exhausted(attempt.retries):
                self._discard(shard_id, batch, RETRIES_EXHAUSTED, attempt)
                done(batch)
                continue
            await self.sleep(backoff(attempt.retries))
            attempt.records = batch
            queue.insert(0, attempt)

    def _fresh(self, shard_id: str, attempt: Attempt,
               done: Callable[[list[ShardRecord]], None]) -> list[ShardRecord]:
        """The attempt's records, after discarding those older than MaximumRecordAge."""
        batch = attempt.records
        if self.source.max_age < 0:
            return batch
        oldest = self.clock.now() - self.source.max_age
        expired = 0
        while expired < len(batch) and batch[expired].arrival < oldest:
            expired += 1
        if expired:
            self._discard(shard_id, batch[:expired], RECORD_AGE_EXCEEDED, attempt)
            done(batch[:expired])
        attempt.records = batch[expired:]
        return attempt.records

    async def finish_window(self, shard_id: str, window: Window) -> None:
        """The window's final invocation, retried until it succeeds or retries run out."""
        retries = 0
        while True:
            outcome, _, _ = await self.invoke(shard_id, [], window, final=True)
            if outcome in (OK, PARTIAL):
                self.report(RESULT_OK)
                break
            if outcome != UNREACHABLE:
                self.report(RESULT_FAILED)
                retries += 1
                if self._exhausted(retries):
                    break
            await self.sleep(backoff(max(retries, 1)))
        window.close()


__all__ = ["BatchRunner", "backoff", "failed_from"]
