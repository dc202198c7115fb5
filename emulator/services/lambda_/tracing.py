"""X-Ray for Lambda: a function with Active tracing (or invoked inside a sampled trace, as
with PassThrough) gets the AWS::Lambda and AWS::Lambda::Function segments of each invocation
recorded through the ``segments`` port; its handler gets ``_X_AMZN_TRACE_ID`` naming the
function's segment as parent, and every function gets ``AWS_XRAY_DAEMON_ADDRESS``, so the
X-Ray SDK inside it joins the trace.

An asynchronous invocation is decided and its AWS::Lambda segment written when it is accepted;
the event keeps that trace, and each attempt adds its subsegments and function segment."""

from __future__ import annotations

from typing import Any

from emulator import inbound
from emulator.clock import Clock
from emulator.ports import Ports, SegmentRecorder, TraceContext
from emulator.runtime.event_queue import AsyncEvent, AsyncTarget
from emulator.runtime.spec import InvocationResult
from emulator.xray.header import TraceHeader
from emulator.xray.lambda_trace import (
    LambdaInvocation,
    accepted_segment,
    attempt_subsegments,
    function_segment,
    lambda_segments,
)


def _recorder(ports: Ports) -> SegmentRecorder | None:
    try:
        return ports.segments
    except LookupError:
        return None


def xray_variables(ports: Ports) -> dict[str, str]:
    """What Lambda puts in every function's environment for the X-Ray SDK."""
    recorder = _recorder(ports)
    address = recorder.daemon_address if recorder is not None else None
    if not address:
        return {}
    return {"AWS_XRAY_DAEMON_ADDRESS": address, "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR"}


def _call(result: InvocationResult, *, start: float, end: float, function_name: str,
          function_arn: str, account: str) -> LambdaInvocation:
    """What one run of the function did, from the runtime's timings."""
    timings = result.timings
    invocation = (timings.get("invoke_start", start), timings.get("invoke_end", end))
    init = None
    if "init_start" in timings:
        init = (timings["init_start"], timings.get("init_end", invocation[0]))
    error: dict[str, Any] = {}
    if result.function_error:
        try:
            parsed = inbound.loads(result.payload)
            error = parsed if isinstance(parsed, dict) else {}
        except ValueError:
            error = {}
    return LambdaInvocation(function_name, function_arn, account, result.request_id,
                            start=start, end=end, invocation=invocation, init=init,
                            function_error=result.function_error, error=error)


class InvocationTrace:
    """The tracing of one invocation: the header and variables the handler sees, and the
    segments written when it ends."""

    def __init__(self, recorder: SegmentRecorder | None, context: TraceContext | None,
                 header: str | None, clock: Clock) -> None:
        self.recorder = recorder
        self.context = context
        self.header = header
        self.clock = clock
        self.start = clock.now()
        self.service_id = recorder.new_id() if recorder and context else ""
        self.function_id = recorder.new_id() if recorder and context else ""
        if context is not None:
            self.header = context.header(self.function_id if context.sampled else None)

    @classmethod
    def begin(cls, ports: Ports, clock: Clock, *, tracing_mode: str, header: str | None,
              account: str, region: str, function_name: str) -> InvocationTrace:
        recorder = _recorder(ports)
        if recorder is None:
            return cls(None, None, header, clock)
        sampled_upstream = "sampled=1" in (header or "").replace(" ", "").lower()
        if tracing_mode != "Active" and not sampled_upstream:
            return cls(recorder, None, header, clock)  # PassThrough: the header goes on as is
        context = recorder.trace_context(header, account=account, region=region,
                                         service_name=function_name,
                                         service_type="AWS::Lambda::Function")
        return cls(recorder, context, header, clock)

    @property
    def event_header(self) -> str | None:
        """What an asynchronous event keeps (AsyncEvent.trace): the header its attempts
        continue, naming the service segment when sampled; None when Lambda does not trace."""
        if self.context is None:
            return None
        if self.context.sampled:
            return self.context.header(self.service_id)
        return self.header

    def accepted(self, *, function_name: str, function_arn: str, account: str, region: str,
                 request_id: str) -> None:
        """Write an asynchronous invocation's AWS::Lambda segment, once the event is queued."""
        if self.recorder is None or self.context is None or not self.context.sampled:
            return
        document = accepted_segment(
            function_name=function_name, function_arn=function_arn, request_id=request_id,
            trace_id=self.context.trace_id, parent_id=self.context.parent_id,
            segment_id=self.service_id, start=self.start, end=self.clock.now())
        self.recorder.record([document], account=account, region=region)

    def finish(self, result: InvocationResult, *, function_name: str, function_arn: str,
               account: str, region: str) -> None:
        if self.recorder is None or self.context is None or not self.context.sampled:
            return
        call = _call(result, start=self.start, end=self.clock.now(),
                     function_name=function_name, function_arn=function_arn, account=account)
        documents = lambda_segments(call, trace_id=self.context.trace_id,
                                    parent_id=self.context.parent_id,
                                    service_id=self.service_id, function_id=self.function_id,
                                    new_id=self.recorder.new_id)
        self.recorder.record(documents, account=account, region=region)


class TracedAttempt:
    """One attempt of an asynchronous invocation accepted in a trace (an AttemptTrace)."""

    def __init__(self, recorder: SegmentRecorder | None, clock: Clock, event: AsyncEvent,
                 target: AsyncTarget) -> None:
        self.recorder = recorder
        self.clock = clock
        self.event = event
        self.target = target
        self.start = clock.now()
        self.number = event.attempts + 1
        incoming = TraceHeader.parse(event.trace)
        self.trace_id, self.service_id = incoming.root, incoming.parent
        self.function_id = recorder.new_id() if recorder else ""
        if recorder and self.trace_id and self.service_id and incoming.sampled:
            self.header: str | None = TraceContext(self.trace_id, None, True).header(
                self.function_id)
        else:
            self.recorder = None  # not sampled: the header goes to the function as decided
            self.header = event.trace

    def finish(self, result: InvocationResult) -> None:
        recorder, event = self.recorder, self.event
        if recorder is None or not self.trace_id or not self.service_id:
            return
        end = self.clock.now()
        call = _call(result, start=self.start, end=end, function_name=event.function,
                     function_arn=self.target.invoked_arn, account=event.account)
        dwell = (event.accepted, self.start) if event.attempts == 0 else None
        documents = [function_segment(call, trace_id=self.trace_id, service_id=self.service_id,
                                      function_id=self.function_id, new_id=recorder.new_id),
                     *attempt_subsegments(trace_id=self.trace_id, service_id=self.service_id,
                                          number=self.number, attempt=(self.start, end),
                                          dwell=dwell, new_id=recorder.new_id)]
        recorder.record(documents, account=event.account, region=event.region)


class AsyncTracer:
    """The event queue's AttemptTracer: traces the attempts of events accepted in a trace."""

    def __init__(self, ports: Ports, clock: Clock) -> None:
        self.ports = ports
        self.clock = clock

    def begin(self, event: AsyncEvent, target: AsyncTarget) -> TracedAttempt | None:
        if not event.trace:
            return None
        return TracedAttempt(_recorder(self.ports), self.clock, event, target)


__all__ = ["AsyncTracer", "InvocationTrace", "TracedAttempt", "xray_variables"]
