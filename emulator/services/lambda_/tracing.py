"""X-Ray for Lambda: a function with Active tracing (or invoked inside a sampled trace, as
with PassThrough) gets the AWS::Lambda and AWS::Lambda::Function segments of each invocation
recorded through the ``segments`` port; its handler gets ``_X_AMZN_TRACE_ID`` naming the
function's segment as parent, and every function gets ``AWS_XRAY_DAEMON_ADDRESS``, so the
X-Ray SDK inside it joins the trace."""

from __future__ import annotations

import json
from typing import Any

from emulator.clock import Clock
from emulator.ports import Ports, SegmentRecorder, TraceContext
from emulator.runtime.spec import InvocationResult
from emulator.xray.lambda_trace import LambdaInvocation, lambda_segments


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

    def finish(self, result: InvocationResult, *, function_name: str, function_arn: str,
               account: str, region: str) -> None:
        if self.recorder is None or self.context is None or not self.context.sampled:
            return
        timings = result.timings
        end = self.clock.now()
        invocation = (timings.get("invoke_start", self.start), timings.get("invoke_end", end))
        init = None
        if "init_start" in timings:
            init = (timings["init_start"], timings.get("init_end", invocation[0]))
        error: dict[str, Any] = {}
        if result.function_error:
            try:
                parsed = json.loads(result.payload)
                error = parsed if isinstance(parsed, dict) else {}
            except ValueError:
                error = {}
        call = LambdaInvocation(function_name, function_arn, account, result.request_id,
                                start=self.start, end=end, invocation=invocation, init=init,
                                function_error=result.function_error, error=error)
        documents = lambda_segments(call, trace_id=self.context.trace_id,
                                    parent_id=self.context.parent_id,
                                    service_id=self.service_id, function_id=self.function_id,
                                    new_id=self.recorder.new_id)
        self.recorder.record(documents, account=account, region=region)


__all__ = ["InvocationTrace", "xray_variables"]
