"""X-Ray for executions of state machines with tracing enabled (or started inside a sampled
trace): one segment per execution, one subsegment per Task attempt, written through the
``segments`` port; Lambda tasks get the trace header so their segments join the trace."""

from __future__ import annotations

import re
import threading
from typing import Any

from emulator.asl.errors import StatesError
from emulator.clock import Clock
from emulator.ports import SegmentRecorder, TraceContext

ORIGIN = "AWS::StepFunctions::StateMachine"
_UNNAMEABLE = re.compile(r"[^\w.:/%&#=+\\\-@ ]")


def _name(text: str) -> str:
    return _UNNAMEABLE.sub("_", text)[:200] or "_"


class ExecutionTrace:
    def __init__(self, recorder: SegmentRecorder, context: TraceContext, clock: Clock, *,
                 name: str, execution_arn: str, state_machine_arn: str, account: str,
                 region: str) -> None:
        self.recorder = recorder
        self.context = context
        self.clock = clock
        self.name = name
        self.aws = {"execution_arn": execution_arn, "state_machine_arn": state_machine_arn}
        self.account = account
        self.region = region
        self.segment_id = recorder.new_id()
        self.start = clock.now()
        self.subsegments: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def begin(self, state: str, resource_type: str, resource: str) -> dict[str, Any]:
        """A subsegment for one Task attempt; ``end`` closes it."""
        return {"name": _name(state), "id": self.recorder.new_id(),
                "start_time": self.clock.now(),
                "aws": {"resource_type": resource_type, "resource": resource}}

    def header(self, subsegment: dict[str, Any]) -> str:
        """``X-Amzn-Trace-Id`` for what the task calls, with the subsegment as parent."""
        return self.context.header(str(subsegment["id"]))

    def end(self, subsegment: dict[str, Any], failure: BaseException | None = None) -> None:
        subsegment["end_time"] = max(self.clock.now(), subsegment["start_time"])
        if isinstance(failure, StatesError):
            subsegment["error"] = True
            subsegment["cause"] = {"exceptions": [{
                "id": self.recorder.new_id(), "type": failure.error,
                "message": failure.cause or failure.error}]}
        with self._lock:
            self.subsegments.append(subsegment)

    def finish(self, status: str, error: str | None = None) -> None:
        """Write the execution's segment with every task's subsegment."""
        document: dict[str, Any] = {
            "name": _name(self.name), "id": self.segment_id, "trace_id": self.context.trace_id,
            "start_time": self.start, "end_time": max(self.clock.now(), self.start),
            "origin": ORIGIN, "aws": dict(self.aws), "subsegments": list(self.subsegments),
        }
        if self.context.parent_id:
            document["parent_id"] = self.context.parent_id
        if status != "SUCCEEDED":
            document["error"] = True
            if error:
                document["cause"] = {"exceptions": [{"id": self.recorder.new_id(),
                                                     "type": error, "message": status}]}
        self.recorder.record([document], account=self.account, region=self.region)


__all__ = ["ORIGIN", "ExecutionTrace"]
