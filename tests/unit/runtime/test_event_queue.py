"""The async event queue without HTTP: a fake host, runtime and destinations on a clock that
the test moves."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from emulator.clock import Clock
from emulator.runtime.event_queue import AsyncConfig, AsyncEvent, AsyncTarget, EventQueue
from emulator.runtime.spec import FunctionSpec, InvocationRequest, InvocationResult, Throttled

SPEC = FunctionSpec(account="000000000000", region="us-east-1", function_name="f",
                    function_arn="arn:aws:lambda:us-east-1:000000000000:function:f",
                    version="$LATEST", runtime="python3.11", handler="app.handler",
                    code_dir=Path("."))


class FakeRuntime:
    def __init__(self, outcomes: list[str]) -> None:
        self.outcomes = outcomes
        self.calls: list[str] = []
        self.headers: list[str | None] = []
        self.metric_sink = None  # publishes no CloudWatch metrics

    async def invoke(self, spec: FunctionSpec, request: InvocationRequest) -> InvocationResult:
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        self.calls.append(outcome)
        self.headers.append(request.trace_header)
        if outcome == "throttle":
            raise Throttled("ReservedFunctionConcurrentInvocationLimitExceeded")
        error = "Unhandled" if outcome == "error" else None
        payload = b'{"errorMessage": "boom"}' if error else b'"done"'
        return InvocationResult(payload=payload, executed_version="$LATEST",
                                request_id=request.request_id or "", function_error=error)


class FakeHost:
    def __init__(self, config: AsyncConfig) -> None:
        self.config = config
        self.stored: dict[str, AsyncEvent] = {}

    def async_target(self, event: AsyncEvent) -> AsyncTarget:
        return AsyncTarget(SPEC, SPEC.function_arn, SPEC.function_arn + ":$LATEST", self.config)

    def save_event(self, event: AsyncEvent) -> None:
        self.stored[event.request_id] = event

    def forget_event(self, event: AsyncEvent) -> None:
        self.stored.pop(event.request_id, None)


class FakeDestinations:
    def __init__(self) -> None:
        self.records: list[tuple[str, dict[str, Any]]] = []
        self.dead: list[tuple[str, str, int, str]] = []

    async def send_record(self, destination: str, record: dict[str, Any], arn: str) -> bool:
        self.records.append((destination, record))
        return True

    def dead_letter(self, target: str, payload: str, request_id: str, code: int, message: str,
                    arn: str) -> bool:
        self.dead.append((target, payload, code, message))
        return True


async def _settle(queue: EventQueue) -> None:
    for _ in range(50):
        await asyncio.sleep(0)
        if not queue.busy():
            return


class FakeAttempt:
    def __init__(self, tracer: FakeTracer, number: int) -> None:
        self.tracer = tracer
        self.header: str | None = f"Root=1-00000000-{'0' * 24};Parent={number:016x};Sampled=1"
        self.number = number

    def finish(self, result: InvocationResult) -> None:
        self.tracer.finished.append((self.number, result.function_error))


class FakeTracer:
    def __init__(self) -> None:
        self.begun = 0
        self.finished: list[tuple[int, str | None]] = []

    def begin(self, event: AsyncEvent, target: AsyncTarget) -> FakeAttempt | None:
        if event.trace is None:
            return None
        self.begun += 1
        return FakeAttempt(self, self.begun)


def _run(outcomes: list[str], config: AsyncConfig, steps: list[float],
         tracer: FakeTracer | None = None,
         trace: str | None = None) -> tuple[FakeRuntime, FakeHost, FakeDestinations]:
    clock = Clock()
    runtime, host, destinations = FakeRuntime(outcomes), FakeHost(config), FakeDestinations()

    async def scenario() -> None:
        queue = EventQueue(clock, runtime, host, destinations,  # type: ignore[arg-type]
                           tracer)
        now = clock.now()
        queue.accept(AsyncEvent(request_id="r1", account="000000000000", region="us-east-1",
                                function="f", payload='{"a": 1}', accepted=now, due=now,
                                trace_header="Root=caller", trace=trace))
        await _settle(queue)
        for seconds in steps:
            clock.advance(seconds)
            await _settle(queue)
        await queue.stop()

    asyncio.run(scenario())
    return runtime, host, destinations


def test_errors_are_retried_after_one_then_two_minutes_then_reported() -> None:
    config = AsyncConfig(on_failure="arn:aws:sqs:us-east-1:000000000000:failed",
                         dead_letter="arn:aws:sqs:us-east-1:000000000000:dlq")
    runtime, host, destinations = _run(["error", "error", "error"], config, [59, 1, 119, 1])
    assert runtime.calls == ["error", "error", "error"]
    [(destination, record)] = destinations.records
    assert destination.endswith(":failed")
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert destinations.dead == [(config.dead_letter, '{"a": 1}', 200, "boom")]
    assert host.stored == {}


def test_a_retry_is_not_run_before_its_minute() -> None:
    runtime, host, _ = _run(["error"], AsyncConfig(), [59])
    assert runtime.calls == ["error"]
    assert host.stored["r1"].attempts == 1  # still queued, with its attempt counted


def test_throttles_back_off_and_do_not_count_as_attempts() -> None:
    config = AsyncConfig(on_success="arn:aws:sqs:us-east-1:000000000000:ok")
    runtime, _, destinations = _run(["throttle", "throttle", "ok"], config, [1, 2])
    assert runtime.calls == ["throttle", "throttle", "ok"]
    [(_, record)] = destinations.records
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responsePayload"] == "done"


def test_an_event_throttled_past_its_age_expires_without_a_response() -> None:
    config = AsyncConfig(maximum_event_age=60,
                         on_failure="arn:aws:sqs:us-east-1:000000000000:failed",
                         dead_letter="arn:aws:sqs:us-east-1:000000000000:dlq")
    _, _, destinations = _run(["throttle"] * 20, config, [1, 2, 4, 8, 16, 32])
    [(_, record)] = destinations.records
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert "responseContext" not in record and "responsePayload" not in record
    assert destinations.dead[0][2:] == (429, "Rate Exceeded.")


def test_a_traced_event_finishes_each_attempt_that_ran_and_not_the_throttled_ones() -> None:
    tracer = FakeTracer()
    runtime, _, _ = _run(["throttle", "error", "ok"], AsyncConfig(), [1, 60], tracer,
                         trace="Root=decided")
    assert runtime.calls == ["throttle", "error", "ok"]
    assert tracer.begun == 3
    assert tracer.finished == [(2, "Unhandled"), (3, None)]
    assert runtime.headers == [
        f"Root=1-00000000-{'0' * 24};Parent={n:016x};Sampled=1" for n in (1, 2, 3)]


def test_an_untraced_event_passes_the_callers_header_on() -> None:
    tracer = FakeTracer()
    runtime, _, _ = _run(["ok"], AsyncConfig(), [], tracer)
    assert tracer.begun == 0 and runtime.headers == ["Root=caller"]
