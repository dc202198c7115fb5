"""The events a Lambda function receives from an HTTP API, in payload format 1.0 and 2.0, as
AWS builds them (and the request contexts authorizer events share).

Format 2.0 joins repeated headers and query parameters with commas, lower-cases header names,
moves cookies to ``cookies``, and leaves out keys that have no value; format 1.0 keeps REST
APIs' single and multi-value maps, with ``null`` for what is absent.
"""

from __future__ import annotations

import base64
from typing import Any

from emulator import addresses
from emulator.gateway.http_api.state import HttpInvocation, request_time

# Content types whose bodies reach a function as text; any other body is base64-encoded.
TEXT_TYPES = ("application/json", "application/javascript", "application/xml",
              "application/x-javascript", "application/ecmascript", "application/xhtml+xml")


def is_text(content_type: str | None, body: bytes) -> bool:
    if not content_type:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    media = content_type.split(";")[0].strip().lower()
    return (media.startswith("text/") or media in TEXT_TYPES or media.endswith("+json")
            or media.endswith("+xml"))


def encoded_body(inv: HttpInvocation) -> tuple[str | None, bool]:
    body = inv.request.body
    if not body:
        return None, False
    if is_text(inv.request.header("content-type"), body):
        return body.decode("utf-8", "replace"), False
    return base64.b64encode(body).decode(), True


def cookies(inv: HttpInvocation) -> list[str]:
    found: list[str] = []
    for key, value in inv.request.headers:
        if key.lower() == "cookie":
            found.extend(part.strip() for part in value.split(";") if part.strip())
    return found


def headers_v2(inv: HttpInvocation) -> dict[str, str]:
    return {key: ",".join(values) for key, values in inv.lower_headers().items()
            if key != "cookie"}


def query_v2(inv: HttpInvocation) -> dict[str, str]:
    return {key: ",".join(values) for key, values in inv.multi_query().items()}


def context_v2(inv: HttpInvocation, *, with_authorizer: bool = True) -> dict[str, Any]:
    host = addresses.api_domain_name(inv.request.host, inv.deployed.api_id)
    context: dict[str, Any] = {
        "accountId": inv.deployed.account,
        "apiId": inv.deployed.api_id,
    }
    if with_authorizer and inv.authorizer is not None:
        context["authorizer"] = inv.authorizer
    context.update({
        "domainName": host,
        "domainPrefix": host.split(".")[0],
        "http": {
            "method": inv.request.method.upper(),
            "path": inv.raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": inv.request.source_ip,
            "userAgent": inv.request.header("user-agent") or "",
        },
        "requestId": inv.request_id,
        "routeKey": inv.route_key,
        "stage": inv.stage_name,
        "time": request_time(inv.started),
        "timeEpoch": int(inv.started * 1000),
    })
    return context


def request_v2(inv: HttpInvocation) -> dict[str, Any]:
    """The parts of a 2.0 event and a 2.0 authorizer event that describe the request."""
    event: dict[str, Any] = {
        "routeKey": inv.route_key,
        "rawPath": inv.raw_path,
        "rawQueryString": inv.request.raw_query,
    }
    found = cookies(inv)
    if found:
        event["cookies"] = found
    event["headers"] = headers_v2(inv)
    query = query_v2(inv)
    if query:
        event["queryStringParameters"] = query
    return event


def event_v2(inv: HttpInvocation) -> dict[str, Any]:
    event: dict[str, Any] = {"version": "2.0", **request_v2(inv)}
    event["requestContext"] = context_v2(inv)
    body, encoded = encoded_body(inv)
    if body is not None:
        event["body"] = body
    if inv.path_params:
        event["pathParameters"] = dict(inv.path_params)
    event["isBase64Encoded"] = encoded
    if inv.stage_variables:
        event["stageVariables"] = inv.stage_variables
    return event


def resource_path(inv: HttpInvocation) -> str:
    return "$default" if inv.route_key == "$default" else inv.route_key.partition(" ")[2]


def context_v1(inv: HttpInvocation) -> dict[str, Any]:
    host = addresses.api_domain_name(inv.request.host, inv.deployed.api_id)
    path = inv.full_path or inv.raw_path
    return {
        "accountId": inv.deployed.account,
        "apiId": inv.deployed.api_id,
        "authorizer": inv.authorizer_v1 if inv.authorizer_v1 is not None else {
            "claims": None, "scopes": None},
        "domainName": host,
        "domainPrefix": host.split(".")[0],
        "extendedRequestId": inv.request_id,
        "httpMethod": inv.request.method.upper(),
        "identity": {
            "accessKey": None, "accountId": None, "caller": None,
            "cognitoAuthenticationProvider": None, "cognitoAuthenticationType": None,
            "cognitoIdentityId": None, "cognitoIdentityPoolId": None, "principalOrgId": None,
            "sourceIp": inv.request.source_ip, "user": None,
            "userAgent": inv.request.header("user-agent") or "", "userArn": None,
            **inv.identity,
        },
        "path": path,
        "protocol": "HTTP/1.1",
        "requestId": inv.request_id,
        "requestTime": request_time(inv.started),
        "requestTimeEpoch": int(inv.started * 1000),
        "resourceId": inv.route_key,
        "resourcePath": resource_path(inv),
        "stage": inv.stage_name,
    }


def event_v1(inv: HttpInvocation) -> dict[str, Any]:
    headers = inv.multi_headers()
    query = inv.multi_query()
    body, encoded = encoded_body(inv)
    return {
        "version": "1.0",
        "resource": resource_path(inv),
        "path": inv.full_path or inv.raw_path,
        "httpMethod": inv.request.method.upper(),
        "headers": {key: values[-1] for key, values in headers.items()} or None,
        "multiValueHeaders": headers or None,
        "queryStringParameters": {key: values[-1] for key, values in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "requestContext": context_v1(inv),
        "pathParameters": dict(inv.path_params) or None,
        "stageVariables": inv.stage_variables or None,
        "body": body,
        "isBase64Encoded": encoded,
    }


__all__ = ["context_v1", "context_v2", "encoded_body", "event_v1", "event_v2", "is_text",
           "request_v2"]
