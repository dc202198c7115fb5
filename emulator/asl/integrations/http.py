"""The HTTP Task (``arn:aws:states:::http:invoke``), through httpx.

The request is built from ApiEndpoint, Method, Headers, QueryParameters, RequestBody and
Transform as AWS builds it; the answer is ``{Headers, ResponseBody, StatusCode, StatusText}``
with the body parsed when it is JSON. A status outside 2xx fails the task with
``States.Http.StatusCode.<code>``, a connection failure with ``States.Http.Socket``. The
EventBridge connection named in Authentication (or InvocationConfig) is applied when a service
offers the ``connections`` port.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import urlencode

from emulator import inbound
from emulator.asl.errors import StatesError
from emulator.asl.integrations.base import Call
from emulator.asl.paths import dumps

if TYPE_CHECKING:
    import httpx

SOCKET = "States.Http.Socket"
STATUS_PREFIX = "States.Http.StatusCode."
METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})
MAX_RESPONSE = 256 * 1024


class ConnectionAccess(Protocol):
    """EventBridge connections (``connections`` port): what a connection adds to a request,
    as ``{"headers": {...}, "query": {...}, "body": {...}}``."""

    def authorization(self, connection_arn: str) -> Mapping[str, Mapping[str, str]]: ...


def _flatten(prefix: str, value: Any, style: str, out: list[tuple[str, str]]) -> None:
    """URL-encoding of nested values in the ArrayFormat AWS names."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}[{key}]" if prefix else str(key), item, style, out)
    elif isinstance(value, list):
        if style == "COMMAS":
            out.append((prefix, ",".join(_scalar(v) for v in value)))
            return
        for index, item in enumerate(value):
            key = {"BRACKETS": f"{prefix}[]", "REPEAT": prefix}.get(style, f"{prefix}[{index}]")
            _flatten(key, item, style, out)
    else:
        out.append((prefix, _scalar(value)))


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else dumps(value)


def _connection_arn(params: dict[str, Any]) -> str:
    for key in ("Authentication", "InvocationConfig"):
        block = params.get(key)
        if isinstance(block, dict) and isinstance(block.get("ConnectionArn"), str):
            return str(block["ConnectionArn"])
    raise StatesError("States.Runtime",
                      "The field 'Authentication' with a 'ConnectionArn' is required for the "
                      "http:invoke integration")


def _request(call: Call) -> tuple[str, str, dict[str, str], list[tuple[str, str]], bytes | None]:
    params = call.params()
    endpoint = call.required("ApiEndpoint")
    method = str(call.required("Method")).upper()
    if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
        raise StatesError("States.Runtime", f"The ApiEndpoint '{endpoint}' is not a valid URL")
    if method not in METHODS:
        raise StatesError("States.Runtime", f"The Method '{method}' is not supported; use one "
                          "of " + ", ".join(sorted(METHODS)))
    connection = _connection_arn(params)
    headers = {"User-Agent": f"Amazon|StepFunctions|HttpInvoke|{call.region}",
               "Range": "bytes=0-262144"}
    extra = params.get("Headers")
    if isinstance(extra, dict):
        headers.update({str(k): _scalar(v) for k, v in extra.items()})
    query: list[tuple[str, str]] = []
    if isinstance(params.get("QueryParameters"), dict):
        _flatten("", params["QueryParameters"], "REPEAT", query)
    transform = params.get("Transform") if isinstance(params.get("Transform"), dict) else {}
    assert isinstance(transform, dict)
    body: bytes | None = None
    payload = params.get("RequestBody")
    port = call.services.port("connections")
    if port is not None:
        auth = cast(ConnectionAccess, port).authorization(connection)
        headers.update(auth.get("headers", {}))
        query.extend(auth.get("query", {}).items())
        if auth.get("body") and isinstance(payload, dict):
            payload = {**payload, **auth["body"]}
    if payload is not None:
        if transform.get("RequestBodyEncoding") == "URL_ENCODED":
            options = transform.get("RequestEncodingOptions") or {}
            style = str(options.get("ArrayFormat", "INDICES")) if isinstance(options, dict) \
                else "INDICES"
            pairs: list[tuple[str, str]] = []
            _flatten("", payload, style, pairs)
            body = urlencode(pairs).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        else:
            body = (payload if isinstance(payload, str) else dumps(payload)).encode()
            headers.setdefault("Content-Type", "application/json; charset=UTF-8")
    return method, endpoint, headers, query, body


def _header_text(headers: httpx.Headers) -> str:
    return json.dumps({key: [value] for key, value in headers.items()},
                      separators=(",", ":"))


def response(reply: httpx.Response) -> dict[str, Any]:
    headers: dict[str, list[str]] = {}
    for key, value in reply.headers.multi_items():
        headers.setdefault(key.lower(), []).append(value)
    text = reply.content[:MAX_RESPONSE].decode("utf-8", errors="replace")
    body: Any = text
    if "json" in reply.headers.get("content-type", "") and text.strip():
        try:
            body = inbound.loads(text)
        except ValueError:
            body = text
    return {"Headers": headers, "ResponseBody": body, "StatusCode": reply.status_code,
            "StatusText": reply.reason_phrase}


async def send(call: Call, method: str, url: str, *, follow_redirects: bool = False,
               **request: Any) -> Any:
    """One HTTP request for a task, on the emulator's shared client when it has one (a
    client costs tens of milliseconds to make); answers the httpx.Response."""
    import httpx  # on first use: most workflows never make an HTTP call

    timeout = call.services.http_timeout
    if call.services.http is not None:
        return await call.services.http().request(
            method, url, timeout=timeout, follow_redirects=follow_redirects, **request)
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=follow_redirects) as client:
        return await client.request(method, url, **request)


async def invoke(call: Call) -> Any:
    import httpx  # on first use: most workflows never make an HTTP call

    method, url, headers, query, body = _request(call)
    try:
        reply = await send(call, method, url, follow_redirects=True, headers=headers,
                           params=urlencode(query), content=body)
    except httpx.HTTPError as error:
        raise StatesError(SOCKET, f"{type(error).__name__}: {error}") from None
    # TestState's TRACE inspection shows the raw exchange.
    call.extra["request"] = {
        "protocol": "https" if url.startswith("https") else "http", "method": method,
        "url": str(reply.request.url), "headers": _header_text(reply.request.headers),
        "body": (body or b"").decode("utf-8", errors="replace")}
    call.extra["response"] = {
        "protocol": reply.http_version, "statusCode": str(reply.status_code),
        "statusMessage": reply.reason_phrase, "headers": _header_text(reply.headers),
        "body": reply.content[:MAX_RESPONSE].decode("utf-8", errors="replace")}
    result = response(reply)
    if not 200 <= reply.status_code < 300:
        raise StatesError(f"{STATUS_PREFIX}{reply.status_code}", dumps(result))
    return result


__all__ = ["SOCKET", "STATUS_PREFIX", "invoke"]
