"""Lambda@Edge: the CloudFront event a function gets at each of the four trigger points, and
CloudFront's checks of what it gives back (a request, a generated response, or a changed
response). A result that breaks the rules is CloudFront's 502 LambdaValidationError; a
function that fails is its 502 LambdaExecutionError.

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-generating-http-responses.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-at-edge-function-restrictions.html
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from emulator.edge import origins
from emulator.edge.deployed import Deployed, EdgeRequest, EdgeResponse

# Not shown to edge functions, and never added by them.
DISALLOWED = {"connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
              "proxy-connection", "trailer", "upgrade", "x-accel-buffering", "x-accel-charset",
              "x-accel-limit-rate", "x-accel-redirect", "x-amzn-auth", "x-amzn-cf-billing",
              "x-amzn-cf-id", "x-amzn-cf-xff", "x-amzn-errortype", "x-amzn-fle-profile",
              "x-amzn-header-count", "x-amzn-header-order", "x-amzn-lambda-integration-tag",
              "x-amzn-requestid", "x-cache", "x-forwarded-proto", "x-real-ip"}
DISALLOWED_PREFIXES = ("x-amz-cf-", "x-edge-")
READ_ONLY = {
    "viewer-request": {"content-length", "host", "transfer-encoding", "via"},
    "origin-request": {"accept-encoding", "content-length", "if-modified-since",
                       "if-none-match", "if-range", "if-unmodified-since", "range",
                       "transfer-encoding", "via"},
    "origin-response": {"transfer-encoding", "via"},
    "viewer-response": {"content-encoding", "content-length", "transfer-encoding", "warning",
                        "via"},
}
# The largest body a request trigger may generate.
GENERATED_BODY_LIMIT = {"viewer-request": 40 * 1024, "origin-request": 1024 * 1024}
INCLUDED_BODY_LIMIT = {"viewer-request": 40 * 1024, "origin-request": 1024 * 1024}


class LambdaValidationError(Exception):
    """The function's result breaks CloudFront's rules (502 LambdaValidationError)."""


def hidden(name: str) -> bool:
    lowered = name.lower()
    return lowered in DISALLOWED or lowered.startswith(DISALLOWED_PREFIXES)


def headers_object(pairs: list[tuple[str, str]]) -> dict[str, list[dict[str, str]]]:
    """Headers as events carry them: by lower-case name, each value with its own key."""
    found: dict[str, list[dict[str, str]]] = {}
    for key, value in pairs:
        if not hidden(key):
            found.setdefault(key.lower(), []).append({"key": key, "value": value})
    return found


def headers_from(given: Any) -> list[tuple[str, str]]:
    if given is None:
        return []
    if not isinstance(given, dict):
        raise LambdaValidationError("The headers object is not valid.")
    pairs: list[tuple[str, str]] = []
    for name, values in given.items():
        if not isinstance(values, list):
            raise LambdaValidationError(f"The header {name} is not an array.")
        for entry in values:
            if not isinstance(entry, dict) or not isinstance(entry.get("value"), str):
                raise LambdaValidationError(f"The header {name} has an invalid value.")
            key = entry.get("key", name)
            if not isinstance(key, str) or key.lower() != name:
                raise LambdaValidationError(
                    f"The header name {name} is not the lower-case form of its key {key}.")
            pairs.append((key, entry["value"]))
    return pairs


def origin_object(origin: dict[str, Any]) -> dict[str, Any]:
    """A distribution's origin as origin request events show it."""
    custom_headers = headers_object([(h["HeaderName"], h["HeaderValue"]) for h in
                                     (origin.get("CustomHeaders") or {}).get("Items") or []])
    custom = origin.get("CustomOriginConfig")
    if custom is None:
        identity = (origin.get("S3OriginConfig") or {}).get("OriginAccessIdentity") or ""
        signed = bool(identity or origin.get("OriginAccessControlId"))
        found = origins.S3_DOMAIN.match(str(origin.get("DomainName", "")))
        return {"s3": {"authMethod": "origin-access-identity" if signed else "none",
                       "customHeaders": custom_headers, "domainName": origin["DomainName"],
                       "path": origin.get("OriginPath") or "",
                       "region": (found["region"] if found and found["region"]
                                  else "us-east-1")}}
    https = custom.get("OriginProtocolPolicy") != "http-only"
    return {"custom": {
        "customHeaders": custom_headers, "domainName": origin["DomainName"],
        "keepaliveTimeout": custom.get("OriginKeepaliveTimeout", 5),
        "path": origin.get("OriginPath") or "",
        "port": custom.get("HTTPSPort", 443) if https else custom.get("HTTPPort", 80),
        "protocol": "https" if https else "http",
        "readTimeout": custom.get("OriginReadTimeout", 30),
        "sslProtocols": (custom.get("OriginSslProtocols") or {}).get("Items") or ["TLSv1.2"]}}


def origin_from(given: Any, current: dict[str, Any]) -> dict[str, Any]:
    """The origin a function's request names, as a distribution origin config."""
    if given is None:
        return current
    if not isinstance(given, dict) or len(given) != 1 or not (
            {"s3", "custom"} & given.keys()):
        raise LambdaValidationError("The origin object must have exactly one of s3 or custom.")
    kind, spec = next(iter(given.items()))
    if not isinstance(spec, dict) or not isinstance(spec.get("domainName"), str):
        raise LambdaValidationError("The origin's domainName is missing.")
    headers = [{"HeaderName": k, "HeaderValue": v}
               for k, v in headers_from(spec.get("customHeaders"))]
    origin: dict[str, Any] = {"Id": current.get("Id", "lambda"),
                              "DomainName": spec["domainName"],
                              "OriginPath": spec.get("path") or "",
                              "CustomHeaders": {"Quantity": len(headers), "Items": headers}}
    if kind == "s3":
        origin["S3OriginConfig"] = {"OriginAccessIdentity": ""}
        if spec.get("authMethod") == "origin-access-identity":
            origin["OriginAccessControlId"] = "lambda-edge"
    else:
        protocol = spec.get("protocol", "https")
        origin["CustomOriginConfig"] = {
            "HTTPPort": spec.get("port", 80), "HTTPSPort": spec.get("port", 443),
            "OriginProtocolPolicy": "http-only" if protocol == "http" else "https-only",
            "OriginReadTimeout": spec.get("readTimeout", 30)}
    return origin


@dataclass
class Trigger:
    """One invocation's context: the distribution, the event type and its request id."""

    deployed: Deployed
    event_type: str
    request_id: str
    include_body: bool = False

    def config(self) -> dict[str, str]:
        return {"distributionDomainName": self.deployed.domain_name,
                "distributionId": self.deployed.id, "eventType": self.event_type,
                "requestId": self.request_id}


def request_object(trigger: Trigger, request: EdgeRequest,
                   origin: dict[str, Any] | None) -> dict[str, Any]:
    shape: dict[str, Any] = {"clientIp": request.client_ip,
                             "headers": headers_object(request.headers),
                             "method": request.method, "querystring": request.querystring,
                             "uri": request.uri}
    if origin is not None:
        shape["origin"] = origin_object(origin)
    if trigger.include_body and trigger.event_type in INCLUDED_BODY_LIMIT:
        limit = INCLUDED_BODY_LIMIT[trigger.event_type]
        shape["body"] = {"inputTruncated": len(request.body) > limit, "action": "read-only",
                         "encoding": "base64",
                         "data": base64.b64encode(request.body[:limit]).decode()}
    return shape


def response_object(response: EdgeResponse) -> dict[str, Any]:
    return {"headers": headers_object(response.headers), "status": str(response.status),
            "statusDescription": response.status_description or _reason(response.status)}


def event(trigger: Trigger, request: EdgeRequest, origin: dict[str, Any] | None,
          response: EdgeResponse | None = None) -> dict[str, Any]:
    cf: dict[str, Any] = {"config": trigger.config(),
                          "request": request_object(trigger, request, origin)}
    if response is not None:
        cf["response"] = response_object(response)
    return {"Records": [{"cf": cf}]}


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _check_headers(trigger: Trigger, before: list[tuple[str, str]],
                   after: list[tuple[str, str]]) -> None:
    read_only = READ_ONLY[trigger.event_type]
    old = _by_name(before)
    new = _by_name(after)
    for name in old.keys() | new.keys():
        if hidden(name) and name in new:
            raise LambdaValidationError(
                "The function tried to add, delete, or change a disallowed header.")
        if name in read_only and old.get(name) != new.get(name):
            raise LambdaValidationError(
                "The function tried to add, delete, or change a read-only header.")


def _by_name(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in pairs:
        found.setdefault(key.lower(), []).append(value)
    return found


def generated_response(trigger: Trigger, given: dict[str, Any]) -> EdgeResponse:
    """A response a request trigger generates."""
    status = _status(given.get("status"))
    headers = headers_from(given.get("headers"))
    for key, _ in headers:
        if hidden(key) or key.lower() in ("transfer-encoding", "via"):
            raise LambdaValidationError(
                "The function tried to add, delete, or change a read-only header.")
    body = _body(given)
    limit = GENERATED_BODY_LIMIT.get(trigger.event_type)
    if limit is not None and len(body) > limit:
        raise LambdaValidationError(
            f"The body of the generated response is larger than {limit} bytes.")
    return EdgeResponse(status, headers, body,
                        str(given.get("statusDescription") or _reason(status)))


def _status(value: Any) -> int:
    try:
        status = int(value)
    except (TypeError, ValueError):
        raise LambdaValidationError("The status is not a valid HTTP status code.") from None
    if not 100 <= status <= 599:
        raise LambdaValidationError("The status is not a valid HTTP status code.")
    return status


def _body(given: dict[str, Any]) -> bytes:
    body = given.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise LambdaValidationError("The body must be a string.")
    if given.get("bodyEncoding", "text") == "base64":
        try:
            return base64.b64decode(body, validate=True)
        except binascii.Error:
            raise LambdaValidationError("The body is not valid base64.") from None
    if given.get("bodyEncoding", "text") != "text":
        raise LambdaValidationError("The bodyEncoding must be text or base64.")
    return body.encode()


def request_result(trigger: Trigger, request: EdgeRequest, origin: dict[str, Any] | None,
                   result: Any) -> tuple[EdgeRequest, dict[str, Any] | None] | EdgeResponse:
    """What a viewer or origin request trigger returned: the request to go on with (and the
    origin, for origin requests), or a generated response."""
    if not isinstance(result, dict):
        raise LambdaValidationError("The Lambda function returned invalid JSON.")
    if "status" in result:
        return generated_response(trigger, result)
    uri = result.get("uri", request.uri)
    if not isinstance(uri, str) or not uri.startswith("/"):
        raise LambdaValidationError("The uri must begin with a slash (/).")
    if result.get("method", request.method) != request.method:
        raise LambdaValidationError("The function tried to change the method.")
    query = result.get("querystring", request.querystring)
    if not isinstance(query, str):
        raise LambdaValidationError("The querystring must be a string.")
    headers = headers_from(result["headers"]) if "headers" in result else request.headers
    _check_headers(trigger, request.headers, headers)
    body = request.body
    given_body = result.get("body")
    if isinstance(given_body, dict) and given_body.get("action") == "replace":
        data = given_body.get("data", "")
        body = base64.b64decode(data) if given_body.get("encoding") == "base64" else \
            str(data).encode()
    hidden_headers = [(k, v) for k, v in request.headers if hidden(k)]
    changed = EdgeRequest(request.method, uri, query, headers + hidden_headers, body,
                          request.client_ip)
    new_origin = origin_from(result.get("origin"), origin) if origin is not None else None
    return changed, new_origin


def response_result(trigger: Trigger, response: EdgeResponse, result: Any) -> EdgeResponse:
    """The response an origin or viewer response trigger returned."""
    if not isinstance(result, dict):
        raise LambdaValidationError("The Lambda function returned invalid JSON.")
    status = _status(result.get("status", response.status))
    headers = headers_from(result["headers"]) if "headers" in result else response.headers
    _check_headers(trigger, [(k, v) for k, v in response.headers if not hidden(k)], headers)
    body = response.body
    if trigger.event_type == "origin-response" and "body" in result:
        body = _body(result)
    hidden_headers = [(k, v) for k, v in response.headers if hidden(k)]
    return EdgeResponse(status, headers + hidden_headers, body,
                        str(result.get("statusDescription") or _reason(status)))


def parse_payload(payload: bytes) -> Any:
    try:
        return json.loads(payload or b"null")
    except ValueError:
        raise LambdaValidationError("The Lambda function returned invalid JSON.") from None


__all__ = [
    "DISALLOWED",
    "READ_ONLY",
    "LambdaValidationError",
    "Trigger",
    "event",
    "headers_from",
    "headers_object",
    "hidden",
    "origin_from",
    "origin_object",
    "parse_payload",
    "request_result",
    "response_result",
]
