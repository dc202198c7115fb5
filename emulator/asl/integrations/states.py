"""``states:startExecution``: nested workflows, in all three patterns.

Request-response answers StartExecution's response. ``.sync`` and ``.sync:2`` wait for the
child and answer its DescribeExecution response (``.sync`` with the input and output as JSON
text, ``.sync:2`` as JSON); a child that does not succeed fails the task with
``States.TaskFailed`` and that response as the cause. Stopping the parent while it waits stops
the child. Dates are epoch milliseconds, as this integration writes them.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from emulator import inbound
from emulator.asl.errors import TASK_FAILED, StatesError
from emulator.asl.integrations.base import Call, Child, ExecutionStarter, sdk_metadata
from emulator.asl.resources import SYNC2


def _starter(call: Call) -> ExecutionStarter:
    starter = call.services.executions
    if starter is None:
        raise StatesError("StepFunctions.AWSStepFunctionsException",
                          "Step Functions is not available to start executions.")
    return starter


def _millis(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)


async def start_execution(call: Call) -> Any:
    call.required("StateMachineArn")
    child = await _starter(call).start(
        call.params(), account=call.account, region=call.region, parent_arn=call.execution_arn
    )
    call.extra["child"] = child
    result: dict[str, Any] = {"ExecutionArn": child.arn, "StartDate": _millis(child.start_date)}
    result.update(sdk_metadata(call, 130, "application/x-amz-json-1.0"))
    return result


def _json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return inbound.loads(text)
    except ValueError:
        return text


def describe_result(reply: dict[str, Any], as_json: bool) -> dict[str, Any]:
    """DescribeExecution's answer as the ``.sync`` integrations return it."""
    out: dict[str, Any] = {"ExecutionArn": reply["executionArn"]}
    if "input" in reply:
        out["Input"] = _json(reply["input"]) if as_json else reply["input"]
        out["InputDetails"] = {"Included": True}
    out["Name"] = reply.get("name")
    if reply.get("output") is not None:
        out["Output"] = _json(reply["output"]) if as_json else reply["output"]
        out["OutputDetails"] = {"Included": True}
    for key, name in (("redriveCount", "RedriveCount"), ("redriveStatus", "RedriveStatus"),
                      ("redriveStatusReason", "RedriveStatusReason"),
                      ("error", "Error"), ("cause", "Cause")):
        if reply.get(key) is not None:
            out[name] = reply[key]
    out["StartDate"] = _millis(reply.get("startDate"))
    out["StateMachineArn"] = reply.get("stateMachineArn")
    out["Status"] = reply.get("status")
    if reply.get("stopDate") is not None:
        out["StopDate"] = _millis(reply["stopDate"])
    return out


async def wait_execution(call: Call) -> Any:
    """``.sync`` / ``.sync:2``: the child's outcome."""
    child: Child = call.extra["child"]
    starter = _starter(call)
    try:
        reply = await starter.finished(child.arn, account=call.account, region=call.region)
    except asyncio.CancelledError:
        starter.stop(child.arn, account=call.account, region=call.region)
        raise
    result = describe_result(reply, call.resource.pattern == SYNC2)
    if reply.get("status") != "SUCCEEDED":
        raise StatesError(TASK_FAILED, json.dumps(result, separators=(",", ":"),
                                                  ensure_ascii=False))
    return result


__all__ = ["describe_result", "start_execution", "wait_execution"]
