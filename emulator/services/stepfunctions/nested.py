"""``states:startExecution`` from a Task: the ExecutionStarter the provider hands the engine.

Children start through StartExecution itself (same checks, same errors, named
``StepFunctions.<Code>Exception``); ``.sync`` waits on the child's own task, so an EXPRESS child,
which keeps no record, can be followed too.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Protocol

from emulator import ids
from emulator.asl.errors import StatesError
from emulator.asl.integrations import catalog
from emulator.asl.integrations.base import Child
from emulator.asl.interpreter import Execution
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.stepfunctions.models import TERMINAL, ExecutionRecord
from emulator.services.stepfunctions.naming import parse_arn
from emulator.store import Table

_POLL_SECONDS = 0.05


def describe(record: ExecutionRecord) -> dict[str, Any]:
    """DescribeExecution's answer for a finished record (camelCase, epoch seconds)."""
    reply: dict[str, Any] = {
        "executionArn": record.arn, "stateMachineArn": record.machine_arn,
        "name": record.name, "status": record.status, "startDate": record.start_date,
        "input": record.input, "redriveCount": record.redrive_count,
    }
    for key, value in (("stopDate", record.stop_date), ("output", record.output),
                       ("error", record.error), ("cause", record.cause)):
        if value is not None:
            reply[key] = value
    if record.status == "SUCCEEDED":
        reply["redriveStatus"] = "NOT_REDRIVABLE"
        reply["redriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
    return reply


Launched = dict[str, tuple[Execution, asyncio.Task[Any], ExecutionRecord]]


class Executions(Protocol):
    """What nested executions and the ``executions`` port need of the provider."""

    launched: Launched  # every execution running now
    children: Launched  # those a parent task still follows (.sync)
    _running: dict[str, tuple[Execution, asyncio.Task[Any]]]
    def start_execution(self, ctx: RequestContext, *, state_machine_arn: str,
                        name: str | None = None, input: str | None = None,
                        trace_header: str | None = None, **_: Any) -> dict[str, Any]: ...

    def _executions(self, account: str, region: str) -> Table[ExecutionRecord]: ...


class NestedExecutions:
    def __init__(self, provider: Executions) -> None:
        self.provider = provider

    async def start(self, params: dict[str, Any], *, account: str, region: str,
                    parent_arn: str) -> Child:
        raw = params.get("Input")
        text = raw if isinstance(raw, str) or raw is None else json.dumps(
            raw, separators=(",", ":"), ensure_ascii=False)
        try:
            reply = self.provider.start_execution(
                RequestContext.internal(account, region, service="stepfunctions",
                                        operation="StartExecution"),
                state_machine_arn=str(params["StateMachineArn"]), name=params.get("Name"),
                input=text, trace_header=params.get("TraceHeader"),
            )
        except ServiceError as error:
            raise StatesError(
                catalog.exception_name("StepFunctions", error.code),
                f"{error.message} (Service: AWSStepFunctions; Status Code: 400; Error Code: "
                f"{error.code}; Request ID: {ids.request_id()}; Proxy: null)",
            ) from None
        arn = str(reply["executionArn"])
        launched = self.provider.launched.get(arn)
        if launched is not None:  # keep it until the parent collects its outcome
            self.provider.children[arn] = launched
        return Child(arn, float(reply["startDate"]))

    async def finished(self, arn: str, *, account: str, region: str) -> dict[str, Any]:
        child = self.provider.children.get(arn)
        if child is not None:
            _execution, task, record = child
            await asyncio.wait({task})
            self.provider.children.pop(arn, None)
            return describe(record)
        while True:  # started before a restart: follow its stored record
            stored = self.provider._executions(account, region).get(arn)
            if stored is None:
                raise StatesError("StepFunctions.ExecutionDoesNotExistException",
                                  f"Execution Does Not Exist: '{arn}'")
            if stored.status in TERMINAL:
                return describe(stored)
            await asyncio.sleep(_POLL_SECONDS)

    def stop(self, arn: str, *, account: str, region: str) -> None:
        child = self.provider.children.pop(arn, None)
        if child is not None:
            child[0].stop()
            return
        running = self.provider._running.get(arn)
        if running is not None:
            running[0].stop()


class ExecutionsPort:
    """The ``executions`` port: EventBridge rules start executions through it."""

    def __init__(self, provider: Executions) -> None:
        self.provider = provider

    def start_execution(self, state_machine_arn: str, input_text: str, *,
                        trace_header: str | None = None) -> dict[str, Any]:
        parsed = parse_arn(state_machine_arn)
        ctx = RequestContext.internal(parsed.account, parsed.region, service="stepfunctions",
                                      operation="StartExecution")
        return self.provider.start_execution(ctx, state_machine_arn=state_machine_arn,
                                             input=input_text, trace_header=trace_header)


__all__ = ["ExecutionsPort", "NestedExecutions", "describe"]
