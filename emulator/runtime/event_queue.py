"""Lambda's queue of asynchronous invocations: accept, run, retry, expire, report.

An accepted event is stored (through the host) before the caller has its 202, and forgotten
only once it succeeded or failed for good, so with a state directory nothing acknowledged is
lost across a crash; the host hands stored events back to :meth:`EventQueue.resume` at start.

Timing follows AWS and reads the emulator clock: a function error is retried after one minute,
then after two more, up to MaximumRetryAttempts (0-2, default 2); a throttled event goes back
to the queue with a back-off doubling from one second to five minutes; an event older than
MaximumEventAgeInSeconds (default six hours) is discarded. Each outcome goes to the OnSuccess or
OnFailure destination as an invocation record, and failures to the dead-letter target too.
The event keeps the X-Ray trace it was accepted in, and a tracer records each attempt in it.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from emulator import inbound
from emulator.clock import Clock
from emulator.runtime import metrics
from emulator.runtime.destinations import (
    EVENT_AGE_EXCEEDED,
    RETRIES_EXHAUSTED,
    SUCCESS,
    Destinations,
    invocation_record,
)
from emulator.runtime.invoker import Runtime
from emulator.runtime.spec import FunctionSpec, InvocationRequest, InvocationResult, Throttled
from emulator.store import Record

log = logging.getLogger("emulator.lambda")

DEFAULT_RETRY_ATTEMPTS = 2
DEFAULT_EVENT_AGE = 21600
RETRY_DELAYS = (60.0, 120.0)  # after the first failed attempt, then after the second
THROTTLE_FIRST_DELAY = 1.0
THROTTLE_MAX_DELAY = 300.0
# Events of one function run at most this many at a time here; AWS scales further, but a
# local machine gains nothing from hundreds of execution environments.
FUNCTION_CONCURRENCY = 16


class AsyncEvent(Record):
    """One accepted asynchronous invocation, as stored until it is done."""

    request_id: str
    account: str
    region: str
    function: str
    qualifier: str | None = None
    payload: str
    accepted: float
    due: float
    attempts: int = 0
    throttles: int = 0
    trace_header: str | None = None  # the caller's X-Amzn-Trace-Id
    # Decided when accepted: the X-Amzn-Trace-Id the attempts continue (None when Lambda does
    # not trace this event, and the caller's header goes to the function as it came).
    trace: str | None = None
    executed_version: str | None = None
    function_error: str | None = None
    response: str | None = None


@dataclass
class AsyncConfig:
    """The function's EventInvokeConfig and dead-letter target, as they are right now."""

    maximum_retry_attempts: int = DEFAULT_RETRY_ATTEMPTS
    maximum_event_age: int = DEFAULT_EVENT_AGE
    on_success: str | None = None
    on_failure: str | None = None
    dead_letter: str | None = None


@dataclass
class AsyncTarget:
    spec: FunctionSpec
    invoked_arn: str  # as the invocation named it (qualified when it was)
    record_arn: str  # requestContext.functionArn: always qualified
    config: AsyncConfig


class AsyncHost(Protocol):
    """What the queue needs from the Lambda service."""

    def async_target(self, event: AsyncEvent) -> AsyncTarget | None:
        """The function version to run now; None when the function is gone."""
        ...

    def save_event(self, event: AsyncEvent) -> None: ...

    def forget_event(self, event: AsyncEvent) -> None: ...


class AttemptTrace(Protocol):
    """The X-Ray side of one attempt."""

    header: str | None  # the X-Amzn-Trace-Id the function is invoked with

    def finish(self, result: InvocationResult) -> None:
        """Record the attempt's segments (an attempt that was throttled is not finished)."""
        ...


class AttemptTracer(Protocol):
    def begin(self, event: AsyncEvent, target: AsyncTarget) -> AttemptTrace | None:
        """The trace of an attempt starting now; None when the event is not traced."""
        ...


def _error_message(response: str | None) -> str:
    try:
        document = inbound.loads(response or "")
    except ValueError:
        return response or ""
    if isinstance(document, dict):
        return str(document.get("errorMessage", ""))
    return ""


class EventQueue:
    def __init__(self, clock: Clock, runtime: Runtime, host: AsyncHost,
                 destinations: Destinations, tracer: AttemptTracer | None = None) -> None:
        self.clock = clock
        self.runtime = runtime
        self.host = host
        self.destinations = destinations
        self.tracer = tracer
        self._events: dict[str, AsyncEvent] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._order = itertools.count()
        self._running: dict[str, asyncio.Task[Any]] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._wake: asyncio.Event | None = None
        self._runner: asyncio.Task[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._generation = 0

    # -- taking events in --------------------------------------------------------------------

    def accept(self, event: AsyncEvent) -> None:
        """Store and queue one event; once this returns the caller may answer 202."""
        self.host.save_event(event)
        self._schedule(event)

    def resume(self, events: list[AsyncEvent]) -> None:
        """Queue events stored before a restart, each at its due time."""
        for event in events:
            if event.request_id not in self._events:
                self._schedule(event)

    def _schedule(self, event: AsyncEvent) -> None:
        self._events[event.request_id] = event
        heapq.heappush(self._heap, (event.due, next(self._order), event.request_id))
        self._ensure_runner()
        if self._wake is not None:
            self._wake.set()

    def _ensure_runner(self) -> None:
        if self._runner is None or self._runner.done():
            self._loop = asyncio.get_running_loop()
            self._wake = asyncio.Event()
            self._runner = self._loop.create_task(self._run())

    # -- the scheduler -----------------------------------------------------------------------

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            now = self.clock.now()
            while self._heap and self._heap[0][0] <= now:
                due, _, key = heapq.heappop(self._heap)
                event = self._events.get(key)
                if event is None or event.due != due or key in self._running:
                    continue  # done, rescheduled, or already running
                self._launch(event)
            next_due = self._heap[0][0] if self._heap else now + 3600.0
            await self.clock.sleep_until(next_due, self._wake)

    def _launch(self, event: AsyncEvent) -> None:
        assert self._loop is not None
        task = self._loop.create_task(self._attempt(event, self._generation))
        self._running[event.request_id] = task

        def done(finished: asyncio.Task[Any]) -> None:
            if self._running.get(event.request_id) is finished:
                del self._running[event.request_id]
                # Queued again only now, so the scheduler never meets it while it still runs.
                if self._events.get(event.request_id) is event:
                    heapq.heappush(self._heap, (event.due, next(self._order), event.request_id))
            if self._wake is not None:
                self._wake.set()

        task.add_done_callback(done)

    def _slot(self, function_arn: str) -> asyncio.Semaphore:
        slot = self._slots.get(function_arn)
        if slot is None:
            slot = self._slots[function_arn] = asyncio.Semaphore(FUNCTION_CONCURRENCY)
        return slot

    # -- one attempt -------------------------------------------------------------------------

    async def _attempt(self, event: AsyncEvent, generation: int) -> None:
        try:
            target = self.host.async_target(event)
            if target is None:
                self._finish(event)  # the function was deleted: its events go with it
                return
            async with self._slot(target.spec.function_arn):
                if generation != self._generation:
                    return
                await self._run_once(event, target, generation)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("async invocation %s of %s failed unexpectedly",
                          event.request_id, event.function)
            self._finish(event)

    async def _run_once(self, event: AsyncEvent, target: AsyncTarget, generation: int) -> None:
        config = target.config
        now = self.clock.now()
        if now - event.accepted >= config.maximum_event_age:
            await self._failed(event, target, EVENT_AGE_EXCEEDED)
            return
        if self.runtime.metric_sink is not None:
            metrics.event_age(self.runtime.metric_sink, target.spec, target.invoked_arn,
                              (now - event.accepted) * 1000)
        trace = self.tracer.begin(event, target) if self.tracer is not None else None
        request = InvocationRequest(
            payload=event.payload.encode(), invoked_arn=target.invoked_arn,
            trace_header=trace.header if trace is not None else event.trace_header,
            request_id=event.request_id,
        )
        try:
            result = await self.runtime.invoke(target.spec, request)
        except Throttled:
            if generation == self._generation:
                event.throttles += 1
                delay = min(THROTTLE_FIRST_DELAY * 2 ** (event.throttles - 1),
                            THROTTLE_MAX_DELAY)
                self._retry_later(event, config, delay)
            return
        if generation != self._generation:
            return
        if trace is not None:
            trace.finish(result)
        event.attempts += 1
        event.executed_version = result.executed_version
        event.function_error = result.function_error
        event.response = result.payload.decode("utf-8", errors="replace")
        if result.function_error is None:
            if config.on_success:
                await self.destinations.send_record(
                    config.on_success, self._record(event, target, SUCCESS), target.record_arn)
            self._finish(event)
        elif event.attempts <= config.maximum_retry_attempts:
            delay = RETRY_DELAYS[min(event.attempts, len(RETRY_DELAYS)) - 1]
            self._retry_later(event, config, delay)
        else:
            await self._failed(event, target, RETRIES_EXHAUSTED)

    def _retry_later(self, event: AsyncEvent, config: AsyncConfig, delay: float) -> None:
        # An event that would outlive its maximum age is due when it expires instead.
        expires = event.accepted + config.maximum_event_age
        event.due = min(self.clock.now() + delay, expires)
        self.host.save_event(event)

    async def _failed(self, event: AsyncEvent, target: AsyncTarget, condition: str) -> None:
        config = target.config
        if config.on_failure:
            await self.destinations.send_record(
                config.on_failure, self._record(event, target, condition), target.record_arn)
        if config.dead_letter:
            if event.function_error is not None:
                code, message = 200, _error_message(event.response)
            else:
                code, message = 429, "Rate Exceeded."
            self.destinations.dead_letter(config.dead_letter, event.payload, event.request_id,
                                          code, message, target.record_arn)
        self._finish(event)

    def _record(self, event: AsyncEvent, target: AsyncTarget, condition: str) -> dict[str, Any]:
        ran = event.attempts > 0
        return invocation_record(
            timestamp=self.clock.now_datetime(),
            request_id=event.request_id,
            function_arn=target.record_arn,
            condition=condition,
            invoke_count=event.attempts,
            request_payload=event.payload,
            executed_version=event.executed_version if ran else None,
            function_error=event.function_error,
            response_payload=event.response,
        )

    def _finish(self, event: AsyncEvent) -> None:
        if self._events.get(event.request_id) is event:
            del self._events[event.request_id]
            self.host.forget_event(event)

    # -- observing and stopping --------------------------------------------------------------

    def busy(self) -> list[str]:
        now = self.clock.now()
        due = sum(1 for event in self._events.values()
                  if event.due <= now and event.request_id not in self._running)
        running = len(self._running)
        if not due and not running:
            return []
        return [f"{running} async invocation(s) running, {due} due"]

    def pending(self) -> int:
        """Events accepted and not yet done, whenever they are due."""
        return len(self._events)

    def reset(self) -> None:
        """Forget every event (the store is cleared by the caller); safe from any thread."""
        self._generation += 1
        tasks = [*self._running.values(), *([self._runner] if self._runner else [])]
        self._events.clear()
        self._heap.clear()
        self._running.clear()
        self._runner = None
        for task in tasks:
            loop = task.get_loop()
            if not loop.is_closed():
                loop.call_soon_threadsafe(task.cancel)

    async def stop(self) -> None:
        self._generation += 1
        for task in [*self._running.values(), *([self._runner] if self._runner else [])]:
            task.cancel()
        self._running.clear()
        self._runner = None


__all__ = [
    "DEFAULT_EVENT_AGE",
    "DEFAULT_RETRY_ATTEMPTS",
    "AsyncConfig",
    "AsyncEvent",
    "AsyncHost",
    "AsyncTarget",
    "AttemptTrace",
    "AttemptTracer",
    "EventQueue",
]
