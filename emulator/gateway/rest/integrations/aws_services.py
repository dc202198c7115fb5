"""AWS service integrations (type AWS with a URI that is not a Lambda function), in action
style (``...:sqs:action/SendMessage``) and path style (``...:sqs:path/{account}/{queue}``).

SQS (SendMessage), SNS (Publish) and EventBridge (PutEvents) are reached through their ports
(``queues``, ``topics``, ``buses``). Any other service that speaks the json protocol
(DynamoDB, Step Functions, Kinesis...) is called in action style through the one in-process
operation call (``Ports.operations``): the mapped body is the operation's JSON input and the
integration gets the service's own JSON answer or error, with its status. A service the
emulator does not implement answers as AWS does for an integration it cannot call: a 500 with
a configuration error in the execution log.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl

from emulator import inbound, messaging
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.gateway.mapping import substitute_stage_variables, to_json
from emulator.gateway.rest.integrations.base import Backends
from emulator.gateway.rest.invocation import GatewayError, IntegrationResult, Invocation

SERVICE_URI = re.compile(
    r"^arn:aws[a-z-]*:apigateway:(?P<region>[a-z0-9-]*):(?P<service>[a-z0-9-]+)"
    r"(?:\.[a-z0-9.-]+)?:(?P<style>action|path)/(?P<rest>.*)$")


def _config_error(message: str) -> GatewayError:
    return GatewayError("DEFAULT_5XX", 500, "Internal server error",
                        log=f"Execution failed due to configuration error: {message}")


def _parameters(inv: Invocation) -> dict[str, str]:
    request = inv.integration_request
    assert request is not None
    params = dict(request.query)
    body = request.body.decode("utf-8", "replace")
    content_type = {k.lower(): v for k, v in request.headers.items()}.get("content-type", "")
    if "x-www-form-urlencoded" in content_type or (body and "=" in body and "{" not in body):
        params.update(parse_qsl(body, keep_blank_values=True))
    return params


def _sqs(inv: Invocation, backends: Backends, region: str, style: str, rest: str
         ) -> dict[str, Any]:
    params = _parameters(inv)
    region = region or inv.deployed.region
    if style == "action":
        action = rest.split("/")[0]
        arn = messaging.queue_arn(params.get("QueueUrl", ""), region)
    else:
        action = params.get("Action", "SendMessage")
        parts = rest.strip("/").split("/")[-2:]
        arn = f"arn:aws:sqs:{region}:{parts[0]}:{parts[1]}" if len(parts) == 2 else None
    if arn is None:
        raise _config_error("the SQS queue could not be determined from the request")
    queues = _port(backends, "queues", "SQS")
    if action != "SendMessage":
        raise _config_error(f"SQS action {action} is not supported by this integration")
    try:
        answer = messaging.send_message(
            queues, arn, backends.ports.operations.query_input("sqs", action, params))
    except Exception as exc:
        return _service_error(exc)
    return {"SendMessageResponse": {"SendMessageResult": answer,
                                    "ResponseMetadata": {"RequestId": inv.request_id}}}


def _port(backends: Backends, name: str, service: str) -> Any:
    try:
        return backends.ports.get(name)
    except LookupError:
        raise _config_error(f"the {service} service is not available") from None


def _service_error(exc: Exception) -> dict[str, Any]:
    code, message = (exc.code, exc.message) if isinstance(exc, ServiceError) else (
        type(exc).__name__, str(exc))
    return {"Error": {"Code": code, "Message": message}, "_status": 400}


def _sns(inv: Invocation, backends: Backends, style: str, rest: str) -> dict[str, Any]:
    params = _parameters(inv)
    action = rest.split("/")[0] if style == "action" else params.get("Action", "Publish")
    if action != "Publish":
        raise _config_error(f"SNS action {action} is not supported by this integration")
    topics = _port(backends, "topics", "SNS")
    try:
        answer = messaging.publish(
            topics, backends.ports.operations.query_input("sns", action, params))
    except Exception as exc:
        return _service_error(exc)
    return {"PublishResponse": {"PublishResult": answer,
                                "ResponseMetadata": {"RequestId": inv.request_id}}}


def _events(inv: Invocation, backends: Backends, style: str, rest: str) -> dict[str, Any]:
    request = inv.integration_request
    assert request is not None
    target = {k.lower(): v for k, v in request.headers.items()}.get("x-amz-target", "")
    action = rest.split("/")[0] if style == "action" else target.rsplit(".", 1)[-1]
    if action != "PutEvents":
        raise _config_error(f"EventBridge action {action} is not supported by this integration")
    try:
        document = inbound.loads(request.body or b"{}")
    except ValueError:
        return {"Error": {"Code": "SerializationException", "Message": "Invalid JSON"},
                "_status": 400}
    buses = _port(backends, "buses", "EventBridge")
    try:
        return messaging.put_events(buses, list(document.get("Entries") or []),
                                    account=inv.deployed.account, region=inv.deployed.region)
    except Exception as exc:
        return _service_error(exc)


async def _json_operation(inv: Invocation, backends: Backends, region: str, prefix: str,
                          operation: str) -> IntegrationResult:
    request = inv.integration_request
    assert request is not None
    ctx = RequestContext.internal(inv.deployed.account, region or inv.deployed.region)
    ctx = replace(ctx, request_id=inv.request_id)
    answer = await backends.ports.operations.call_json(ctx, prefix, operation, request.body)
    if answer is None:  # a service (or action) this emulator lacks
        raise _config_error(f"AWS service integration with {prefix} action {operation} is not "
                            "supported")
    status, headers, body = answer
    return IntegrationResult(status, list(headers.items()), body)


async def aws_service(inv: Invocation, backends: Backends) -> IntegrationResult:
    uri = substitute_stage_variables(str(inv.integration.get("uri", "")), inv.stage_variables)
    match = SERVICE_URI.match(uri)
    if match is None:
        raise _config_error(f"Invalid integration URI {uri}")
    service = match["service"]
    inv.note("Endpoint request URI: %s", uri)
    if service == "sqs":
        document = _sqs(inv, backends, match["region"], match["style"], match["rest"])
    elif service == "sns":
        document = _sns(inv, backends, match["style"], match["rest"])
    elif service == "events":
        document = _events(inv, backends, match["style"], match["rest"])
    elif match["style"] == "action":
        return await _json_operation(inv, backends, match["region"], service,
                                     match["rest"].split("/")[0])
    else:
        raise _config_error(f"AWS service integration with {service} is not supported")
    status = int(document.pop("_status", 200))
    return IntegrationResult(status, [("Content-Type", "application/json")],
                             to_json(document).encode())


__all__ = ["aws_service"]
