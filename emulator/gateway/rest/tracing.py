"""X-Ray for stages with tracing enabled: the trace decision on the way in, the trace header
passed to the integration, and the stage's segment on the way out (through the ``segments``
port; nothing is traced when no service offers it)."""

from __future__ import annotations

from typing import Any

from emulator.gateway.messages import GatewayResponse
from emulator.gateway.rest.invocation import Invocation
from emulator.ports import SegmentRecorder, TraceContext


def begin(inv: Invocation, recorder: SegmentRecorder) -> tuple[TraceContext, str]:
    """Decide whether this request is sampled; set the header the integration receives."""
    deployed = inv.deployed
    request = inv.request
    stage = deployed.stage["stageName"]
    context = recorder.trace_context(
        request.header("x-amzn-trace-id"), account=deployed.account, region=deployed.region,
        service_name=f"{deployed.snapshot.api.get('name', deployed.api_id)}/{stage}",
        service_type="AWS::ApiGateway::Stage", host=request.host, method=request.method,
        url_path=request.path)
    segment_id = recorder.new_id()
    inv.trace_header = context.header(segment_id)
    return context, segment_id


def finish(inv: Invocation, recorder: SegmentRecorder, context: TraceContext, segment_id: str,
           response: GatewayResponse, end: float) -> None:
    """Record the stage's segment when the request was sampled."""
    response.set_header("X-Amzn-Trace-Id", inv.trace_header or "")
    if not context.sampled:
        return
    deployed = inv.deployed
    stage = deployed.stage["stageName"]
    request = inv.request
    document: dict[str, Any] = {
        "name": f"{deployed.snapshot.api.get('name', deployed.api_id)}/{stage}",
        "id": segment_id,
        "trace_id": context.trace_id,
        "start_time": inv.started,
        "end_time": end,
        "origin": "AWS::ApiGateway::Stage",
        "resource_arn": f"arn:aws:apigateway:{deployed.region}::/restapis/"
                        f"{deployed.api_id}/stages/{stage}",
        "http": {
            "request": {"url": f"{request.scheme}://{request.host}/{stage}{request.path}",
                        "method": request.method, "client_ip": request.source_ip,
                        "user_agent": request.header("user-agent") or ""},
            "response": {"status": response.status, "content_length": len(response.body)},
        },
        "aws": {"api_gateway": {"account_id": deployed.account,
                                "rest_api_id": deployed.api_id, "stage": stage,
                                "request_id": inv.request_id}},
    }
    if context.parent_id:
        document["parent_id"] = context.parent_id
    if response.status == 429:
        document["throttle"] = True
    if 400 <= response.status < 500:
        document["error"] = True
    elif response.status >= 500:
        document["fault"] = True
    recorder.record([document], account=deployed.account, region=deployed.region)


__all__ = ["begin", "finish"]
