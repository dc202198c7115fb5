"""The two segments X-Ray shows for one traced Lambda invocation: the Lambda service's
(``AWS::Lambda``) and the function's (``AWS::Lambda::Function``), the latter with
``Initialization`` (cold starts), ``Invocation`` and ``Overhead`` subsegments.

The function's segment id is chosen before the handler runs: the handler's
``_X_AMZN_TRACE_ID`` names it as the parent, so subsegments the X-Ray SDK sends from inside the
handler join it.

An asynchronous invocation's service segment is the time Lambda took to answer 202; each attempt
later adds an ``Attempt #n`` subsegment to it (the first also ``Dwell Time``, the time the event
waited in the queue) and a function segment of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emulator.xray.segments import Document


@dataclass
class LambdaInvocation:
    """What happened in one invocation, on the emulator's clock."""

    function_name: str
    function_arn: str  # as invoked (qualified when it was)
    account: str
    request_id: str
    start: float  # the request reached the Lambda service
    end: float  # the response left it
    invocation: tuple[float, float]  # the handler ran
    init: tuple[float, float] | None = None  # a cold start's initialisation
    function_error: str | None = None  # "Handled" or "Unhandled"
    error: dict[str, Any] = field(default_factory=dict)  # errorType / errorMessage


def _span(name: str, segment_id: str, start: float, end: float) -> Document:
    return {"name": name, "id": segment_id, "start_time": start, "end_time": max(start, end)}


def lambda_segments(call: LambdaInvocation, *, trace_id: str, parent_id: str | None,
                    service_id: str, function_id: str, new_id: Any) -> list[Document]:
    """The service segment and the function segment of ``call``; ``new_id`` makes ids."""
    service: Document = {
        "name": call.function_name, "id": service_id, "trace_id": trace_id,
        "start_time": call.start, "end_time": max(call.start, call.end),
        "origin": "AWS::Lambda", "resource_arn": call.function_arn,
        "http": {"response": {"status": 200}},
        "aws": {"request_id": call.request_id},
    }
    if parent_id:
        service["parent_id"] = parent_id
    return [service, function_segment(call, trace_id=trace_id, service_id=service_id,
                                      function_id=function_id, new_id=new_id)]


def function_segment(call: LambdaInvocation, *, trace_id: str, service_id: str,
                     function_id: str, new_id: Any) -> Document:
    """The AWS::Lambda::Function segment of ``call``, a child of the service segment."""
    begin = call.init[0] if call.init else call.invocation[0]
    subsegments = []
    if call.init:
        subsegments.append(_span("Initialization", new_id(), *call.init))
    invocation = _span("Invocation", new_id(), *call.invocation)
    subsegments.append(invocation)
    subsegments.append(_span("Overhead", new_id(), call.invocation[1],
                             max(call.invocation[1], call.end)))
    function: Document = {
        "name": call.function_name, "id": function_id, "trace_id": trace_id,
        "parent_id": service_id, "start_time": begin, "end_time": max(begin, call.end),
        "origin": "AWS::Lambda::Function", "resource_arn": call.function_arn,
        "aws": {"account_id": call.account, "function_arn": call.function_arn,
                "resource_names": [call.function_name]},
        "subsegments": subsegments,
    }
    if call.function_error:
        # A function error: the call to Lambda succeeded, the function faulted.
        function["fault"] = invocation["fault"] = True
        exception = {"id": new_id(), "type": str(call.error.get("errorType") or "Error"),
                     "message": str(call.error.get("errorMessage") or call.function_error)}
        invocation["cause"] = {"exceptions": [exception]}
    return function


def accepted_segment(*, function_name: str, function_arn: str, request_id: str,
                     trace_id: str, parent_id: str | None, segment_id: str, start: float,
                     end: float) -> Document:
    """The AWS::Lambda segment of an asynchronous invocation, written when it is accepted."""
    service: Document = {
        "name": function_name, "id": segment_id, "trace_id": trace_id,
        "start_time": start, "end_time": max(start, end), "origin": "AWS::Lambda",
        "resource_arn": function_arn, "http": {"response": {"status": 202}},
        "aws": {"request_id": request_id},
    }
    if parent_id:
        service["parent_id"] = parent_id
    return service


def attempt_subsegments(*, trace_id: str, service_id: str, number: int,
                        attempt: tuple[float, float], dwell: tuple[float, float] | None,
                        new_id: Any) -> list[Document]:
    """``Attempt #number`` (and, for the first, ``Dwell Time``), sent on their own to join the
    service segment written when the event was accepted."""
    spans = [("Dwell Time", dwell)] if dwell else []
    spans.append((f"Attempt #{number}", attempt))
    return [{**_span(name, new_id(), *span), "type": "subsegment", "trace_id": trace_id,
             "parent_id": service_id} for name, span in spans]


__all__ = ["LambdaInvocation", "accepted_segment", "attempt_subsegments", "function_segment",
           "lambda_segments"]
