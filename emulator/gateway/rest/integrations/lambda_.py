"""Lambda integrations: AWS_PROXY (the v1 proxy event and response) and AWS (non-proxy, the
mapped payload in, the function's answer or error out)."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from emulator import inbound
from emulator.errors import summary
from emulator.gateway import lambda_answers
from emulator.gateway.mapping import substitute_stage_variables
from emulator.gateway.messages import GatewayResponse
from emulator.gateway.rest.integrations.base import Backends, api_binary_types, binary_type
from emulator.gateway.rest.invocation import GatewayError, IntegrationResult, Invocation
from emulator.ports import InvokeResult

FUNCTION_URI = re.compile(r":lambda:path/[^/]+/functions/(?P<function>.+?)/invocations$")


def internal_error(log: str) -> GatewayError:
    return GatewayError("DEFAULT_5XX", 500, "Internal server error", log=log)


def function_of(inv: Invocation) -> str:
    uri = substitute_stage_variables(str(inv.integration.get("uri", "")), inv.stage_variables)
    match = FUNCTION_URI.search(uri)
    if match is None:
        raise internal_error(f"Execution failed due to configuration error: Invalid Lambda "
                             f"function URI {uri}")
    return match["function"]


def _last(values: dict[str, list[str]]) -> dict[str, str] | None:
    return {key: items[-1] for key, items in values.items()} or None


def proxy_event(inv: Invocation) -> dict[str, Any]:
    """The v1 proxy event AWS builds for a REST API."""
    request = inv.request
    context = inv.context
    body: str | None = None
    encoded = False
    if request.body:
        if binary_type(request.header("content-type"), api_binary_types(inv)):
            body, encoded = base64.b64encode(request.body).decode(), True
        else:
            body = request.body.decode("utf-8", "replace")
    assert inv.route is not None
    return {
        "resource": inv.route.resource.get("path", "/"),
        "path": request.path,
        "httpMethod": request.method.upper(),
        "headers": _last(inv.multi_headers),
        "multiValueHeaders": dict(inv.multi_headers) or None,
        "queryStringParameters": _last(inv.multi_query),
        "multiValueQueryStringParameters": dict(inv.multi_query) or None,
        "pathParameters": dict(inv.route.path_params) or None,
        "stageVariables": dict(inv.stage_variables) or None,
        "requestContext": {
            "accountId": context["accountId"],
            "apiId": context["apiId"],
            "authorizer": _authorizer(context["authorizer"]),
            "deploymentId": context["deploymentId"],
            "domainName": context["domainName"],
            "domainPrefix": context["domainPrefix"],
            "extendedRequestId": context["extendedRequestId"],
            "httpMethod": context["httpMethod"],
            "identity": {key: context["identity"][key] for key in (
                "accessKey", "accountId", "caller", "cognitoAuthenticationProvider",
                "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId",
                "principalOrgId", "sourceIp", "user", "userAgent", "userArn", "clientCert")}
            | {key: context["identity"][key] for key in ("apiKey", "apiKeyId")
               if context["identity"].get(key)},
            "path": context["path"],
            "protocol": context["protocol"],
            "requestId": context["requestId"],
            "requestTime": context["requestTime"],
            "requestTimeEpoch": context["requestTimeEpoch"],
            "resourceId": context["resourceId"],
            "resourcePath": context["resourcePath"],
            "stage": context["stage"],
        },
        "body": body,
        "isBase64Encoded": encoded,
    }


def _authorizer(established: dict[str, Any]) -> dict[str, Any]:
    """What the method's authorizer established: a Lambda authorizer's principal, latency
    and context, or a user pool's claims and scopes."""
    if established.get("principalId") is None:
        return {k: v for k, v in established.items() if k != "principalId"}
    return dict(established)


def _malformed(detail: str) -> GatewayError:
    return GatewayError("DEFAULT_5XX", 502, "Internal server error",
                        log="Execution failed due to configuration error: "
                            f"Malformed Lambda proxy response ({detail})")


def proxy_response(inv: Invocation, payload: bytes) -> GatewayResponse:
    """The method response from a proxy function's answer, or AWS's 502 when malformed."""
    answer = lambda_answers.answer_object(payload, _malformed)
    status = lambda_answers.status_code(answer, _malformed, default=200)
    body = answer.get("body")
    if body is not None and not isinstance(body, str):
        raise _malformed("body must be a string")
    headers = lambda_answers.headers(answer, _malformed, multi_allowed=True)
    raw = (body or "").encode("utf-8")
    if answer.get("isBase64Encoded"):
        accept = inv.request.header("accept")
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
        binary = api_binary_types(inv)
        if binary_type(accept, binary) or binary_type(content_type, binary):
            try:
                raw = base64.b64decode(body or "", validate=True)
            except ValueError:
                raise _malformed("body is not base64") from None
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return GatewayResponse(status, headers, raw)


async def _invoke(inv: Invocation, backends: Backends, payload: bytes,
                  invocation_type: str = "RequestResponse") -> InvokeResult:
    function = function_of(inv)
    if inv.verbose:
        inv.note("Endpoint request URI: %s", inv.integration.get("uri"))
        inv.note("Endpoint request body after transformations: %s",
                 payload.decode("utf-8", "replace"))
    try:
        return await backends.ports.functions.invoke(
            function, payload, account=inv.deployed.account, region=inv.deployed.region,
            invocation_type=invocation_type, trace_header=inv.trace_header)
    except LookupError:
        raise internal_error("Execution failed due to configuration error: "
                             "the Lambda service is not available") from None
    except Exception as exc:  # the Invoke API's own error, e.g. an unknown function
        raise internal_error("Execution failed due to configuration error: "
                             + summary(exc)) from None


async def aws_proxy(inv: Invocation, backends: Backends) -> IntegrationResult:
    verb = str(inv.integration.get("httpMethod") or "POST").upper()
    if verb != "POST":  # Lambda's Invoke is a POST: AWS fails the call at the Lambda side
        raise internal_error("Execution failed due to configuration error: Lambda function "
                             f"integrations must use POST, not {verb}")
    payload = json.dumps(proxy_event(inv)).encode()
    result = await _invoke(inv, backends, payload)
    if inv.verbose:
        inv.note("Received response. Status: %s", result.status_code)
        inv.note("Endpoint response body before transformations: %s",
                 result.payload.decode("utf-8", "replace"))
    if result.function_error:
        raise GatewayError("DEFAULT_5XX", 502, "Internal server error",
                           log="Lambda execution failed with status 200 due to customer "
                               "function error: " + result.payload.decode("utf-8", "replace"))
    response = proxy_response(inv, result.payload)
    return IntegrationResult(response.status, response.headers, response.body, final=response)


async def aws_lambda(inv: Invocation, backends: Backends) -> IntegrationResult:
    assert inv.integration_request is not None
    headers = {k.lower(): v for k, v in inv.integration_request.headers.items()}
    invocation_type = headers.get("x-amz-invocation-type", "RequestResponse")
    result = await _invoke(inv, backends, inv.integration_request.body, invocation_type)
    inv.note("Received response. Status: %s", result.status_code)
    error_message: str | None = None
    if result.function_error:
        try:
            error = inbound.loads(result.payload)
            error_message = str(error.get("errorMessage", "")) if isinstance(
                error, dict) else str(error)
        except ValueError:
            error_message = result.payload.decode("utf-8", "replace")
    return IntegrationResult(200, [("Content-Type", "application/json")], result.payload,
                             error_message=error_message)


__all__ = ["aws_lambda", "aws_proxy", "function_of", "proxy_event", "proxy_response"]
