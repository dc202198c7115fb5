"""The integrations of HTTP APIs: Lambda proxy (payload 1.0 or 2.0), HTTP proxy, and AWS
service integrations by subtype (SQS, Step Functions, EventBridge) through their ports."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from emulator import inbound, messaging
from emulator.context import RequestContext
from emulator.errors import ServiceError, summary
from emulator.gateway.http_api import events
from emulator.gateway.http_api.mapping import MappedRequest, Sources, evaluate, map_request
from emulator.gateway.http_api.responses import response_v1, response_v2
from emulator.gateway.http_api.state import HttpApiError, HttpInvocation
from emulator.gateway.mapping import substitute_stage_variables
from emulator.gateway.messages import GatewayResponse
from emulator.gateway.rest.forwarded import add_forwarded
from emulator.gateway.rest.integrations.http import HOP_BY_HOP
from emulator.gateway.rest.integrations.lambda_ import FUNCTION_URI
from emulator.header_case import decoded
from emulator.ports import Ports
from emulator.xray.header import new_trace_id

LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:(?P<name>[^/]+)$")


def _uri(inv: HttpInvocation, integration: dict[str, Any]) -> str:
    return substitute_stage_variables(str(integration.get("IntegrationUri") or ""),
                                      inv.stage_variables)


def sources(inv: HttpInvocation) -> Sources:
    return Sources(headers=inv.lower_headers(), query=inv.multi_query(), path=inv.route_path,
                   path_params=inv.path_params, body=inv.request.body,
                   context=inv.context(), stage_variables=inv.stage_variables)


# -- Lambda --------------------------------------------------------------------------------

def _as_forwarded(inv: HttpInvocation) -> HttpInvocation:
    """The request as a function's event shows it: with the X-Forwarded-For, -Port and -Proto
    and X-Amzn-Trace-Id headers API Gateway adds (as events AWS delivers carry them)."""
    request = replace(inv.request, headers=list(inv.request.headers))
    add_forwarded(request, edge=False)
    if request.header("x-amzn-trace-id") is None:
        request.headers.append(("X-Amzn-Trace-Id", f"Root={new_trace_id(inv.started)}"))
    # An HTTP API passes every header name in lower case, the added ones too.
    request.headers = [(name.lower(), value) for name, value in request.headers]
    return replace(inv, request=request)


async def aws_lambda(inv: HttpInvocation, integration: dict[str, Any], ports: Ports
                     ) -> GatewayResponse:
    uri = _uri(inv, integration)
    match = FUNCTION_URI.search(uri)
    function = match["function"] if match is not None else uri
    if match is None and not LAMBDA_ARN.match(uri):
        raise HttpApiError(500, log=f"Invalid Lambda function URI {uri}")
    version = integration.get("PayloadFormatVersion") or "2.0"
    seen = _as_forwarded(inv)
    event = events.event_v2(seen) if version == "2.0" else events.event_v1(seen)
    try:
        result = await ports.functions.invoke(
            function, json.dumps(event).encode(), account=inv.deployed.account,
            region=inv.deployed.region)
    except LookupError:
        raise HttpApiError(500, log="the Lambda service is not available") from None
    except Exception as exc:  # the Invoke API's own error, e.g. an unknown function
        raise HttpApiError(500, log=f"Lambda invocation failed: {summary(exc)}") from None
    inv.integration_status = str(result.status_code)
    if result.function_error:
        inv.error_message = result.payload.decode("utf-8", "replace")
        raise HttpApiError(500, log="Lambda function error: " + inv.error_message)
    return response_v2(result.payload) if version == "2.0" else response_v1(result.payload)


# -- HTTP proxy ----------------------------------------------------------------------------

def _fill(uri: str, params: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        return quote(params.get(match.group(1).rstrip("+"), ""), safe="/")
    return re.sub(r"\{([^}]+)\}", fill, uri)


async def http_proxy(inv: HttpInvocation, integration: dict[str, Any],
                     client: httpx.AsyncClient) -> GatewayResponse:
    request = MappedRequest(
        headers=[(k, v) for k, v in inv.request.headers if k.lower() not in HOP_BY_HOP],
        query=list(inv.request.query))
    map_request(integration.get("RequestParameters") or {}, request, sources(inv))
    url = _fill(_uri(inv, integration), inv.path_params)
    if request.path is not None:
        parts = urlsplit(url)
        url = urlunsplit((parts.scheme, parts.netloc, request.path, "", ""))
    method = str(integration.get("IntegrationMethod") or "ANY").upper()
    host = inv.request.host.split(":")[0]
    headers = [*request.headers,
               ("Forwarded", f"for={inv.request.source_ip};host={host};"
                             f"proto={inv.request.scheme}")]
    timeout = int(integration.get("TimeoutInMillis") or 30000) / 1000.0
    try:
        reply = await client.request(
            inv.request.method if method == "ANY" else method, url,
            params=tuple(request.query), headers=headers, content=inv.request.body,
            timeout=timeout)
    except httpx.TimeoutException:
        raise HttpApiError(504, log=f"HTTP integration timed out: {url}") from None
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        raise HttpApiError(500, log=f"HTTP integration failed: {exc}") from None
    inv.integration_status = str(reply.status_code)
    out = [(k, v) for k, v in decoded(reply.headers.raw)
           if k.lower() not in HOP_BY_HOP and k.lower() != "content-encoding"]
    return GatewayResponse(reply.status_code, out, reply.content)


# -- AWS services --------------------------------------------------------------------------

def _queue_arn(url: str, region: str) -> str:
    found = messaging.queue_arn(url, region)
    if found is None:
        raise HttpApiError(500, log=f"Invalid QueueUrl {url}")
    return found


def _json_or(value: str | None, default: Any = None) -> Any:
    if value is None:
        return default
    try:
        return inbound.loads(value)
    except ValueError:
        raise HttpApiError(400, log=f"Invalid JSON parameter: {value}") from None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _service_error(exc: Exception) -> tuple[int, dict[str, Any]]:
    if isinstance(exc, ServiceError):
        return exc.status or 400, {"__type": exc.code, "message": exc.message}
    return 400, {"__type": type(exc).__name__, "message": str(exc)}


# Step Functions subtypes: the operation each calls, and the parameters it takes.
STATES_OPERATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "StepFunctions-StartExecution": ("StartExecution", ("StateMachineArn", "Name", "Input")),
    "StepFunctions-StartSyncExecution": ("StartSyncExecution",
                                         ("StateMachineArn", "Name", "Input", "TraceHeader")),
    "StepFunctions-StopExecution": ("StopExecution", ("ExecutionArn", "Cause", "Error")),
}


async def _call(inv: HttpInvocation, subtype: str, params: dict[str, str], ports: Ports
                ) -> Any:
    region = params.get("Region") or inv.deployed.region
    if subtype == "SQS-SendMessage":
        _json_or(params.get("MessageAttributes"))  # malformed JSON is the caller's error
        return messaging.send_message(ports.queues, _queue_arn(params["QueueUrl"], region),
                                      params)
    if subtype == "SQS-ReceiveMessage":
        count = messaging.whole_number(params.get("MaxNumberOfMessages"))
        messages = await ports.queues.receive(
            _queue_arn(params["QueueUrl"], region), max_messages=1 if count is None else count,
            visibility_timeout=messaging.whole_number(params.get("VisibilityTimeout")))
        return {"Messages": messages}
    if subtype == "SQS-DeleteMessage":
        ports.queues.delete(_queue_arn(params["QueueUrl"], region), params["ReceiptHandle"])
        return {}
    if subtype == "EventBridge-PutEvents":
        entry: dict[str, Any] = {"Source": params.get("Source"),
                                 "DetailType": params.get("DetailType"),
                                 "Detail": params.get("Detail")}
        for name in ("EventBusName", "Time"):
            if params.get(name):
                entry[name] = params[name]
        if params.get("Resources"):
            given = params["Resources"]
            entry["Resources"] = _json_or(given) if given.startswith("[") else [
                r.strip() for r in given.split(",") if r.strip()]
        return messaging.put_events(ports.buses, [entry], account=inv.deployed.account,
                                    region=region)
    if subtype in STATES_OPERATIONS:
        operation, names = STATES_OPERATIONS[subtype]
        ctx = RequestContext.internal(inv.deployed.account, region)
        return await ports.operations.call(ctx, "stepfunctions", operation, {  # camelCase
            name[0].lower() + name[1:]: params[name] for name in names
            if params.get(name) is not None})
    raise HttpApiError(500, log=f"the integration subtype {subtype} is not available here")


async def aws_service(inv: HttpInvocation, integration: dict[str, Any], ports: Ports
                      ) -> GatewayResponse:
    subtype = str(integration.get("IntegrationSubtype"))
    found = sources(inv)
    params: dict[str, str] = {}
    for name, expression in (integration.get("RequestParameters") or {}).items():
        value = evaluate(expression, found)
        if value is not None:
            params[name] = value
    status = 200
    try:
        answer = await _call(inv, subtype, params, ports)
    except HttpApiError:
        raise
    except LookupError:
        raise HttpApiError(500, log=f"the service behind {subtype} is not available") from None
    except Exception as exc:  # the service's own error (ServiceError), passed on as AWS does
        status, answer = _service_error(exc)
    inv.integration_status = str(status)
    body = json.dumps(_plain(answer), separators=(",", ":")).encode()  # as services write it
    return GatewayResponse(status, [("Content-Type", "application/json")], body)


__all__ = ["aws_lambda", "aws_service", "http_proxy", "sources"]
