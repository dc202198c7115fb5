"""The API Gateway Task (``arn:aws:states:::apigateway:invoke``): a call to a REST, HTTP or
WebSocket (``@connections``) API of the emulator, through its invoke URL's path form.

ApiEndpoint names the API (``{apiId}.execute-api.{region}.amazonaws.com``); Stage and Path
follow it; Headers and QueryParameters map names to lists of values; RequestBody is sent as
JSON (a string as it is). The answer is ``{Headers, ResponseBody, StatusCode, StatusText}``,
the body parsed when it is JSON. A status of 400 or more fails the task with
``ApiGateway.<status>``, a connection failure with ``ApiGateway.<exception>``.
https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from emulator.asl.errors import StatesError
from emulator.asl.integrations import http
from emulator.asl.integrations.base import Call
from emulator.asl.paths import dumps

METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})


def _pairs(value: Any) -> list[tuple[str, str]]:
    """A ``{name: [values]}`` map (a single value also taken) as name/value pairs."""
    pairs: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for name, values in value.items():
            for item in values if isinstance(values, list) else [values]:
                pairs.append((str(name), item if isinstance(item, str) else dumps(item)))
    return pairs


def _request(call: Call) -> tuple[str, str, list[tuple[str, str]], list[tuple[str, str]],
                                  bytes | None]:
    params = call.params()
    endpoint = str(call.required("ApiEndpoint"))
    method = str(call.required("Method")).upper()
    if method not in METHODS:
        raise StatesError("States.Runtime", f"The Method '{method}' is not supported; use one "
                          "of " + ", ".join(sorted(METHODS)))
    api_id = endpoint.split("://")[-1].split(".", 1)[0]
    url = f"{call.services.endpoint_url}/_aws/execute-api/{quote(api_id)}"
    stage = params.get("Stage")
    if isinstance(stage, str) and stage:
        url += "/" + quote(stage)
    path = params.get("Path")
    if isinstance(path, str) and path.strip("/"):
        url += "/" + path.lstrip("/")
    headers = _pairs(params.get("Headers"))
    body: bytes | None = None
    payload = params.get("RequestBody")
    if payload is not None:
        body = (payload if isinstance(payload, str) else dumps(payload)).encode()
        if not any(name.lower() == "content-type" for name, _ in headers):
            headers.append(("Content-Type", "application/json"))
    return method, url, headers, _pairs(params.get("QueryParameters")), body


async def invoke(call: Call) -> Any:
    import httpx  # on first use

    method, url, headers, query, body = _request(call)
    try:
        reply = await http.send(call, method, url, headers=headers, params=tuple(query),
                                content=body)
    except httpx.HTTPError as error:
        raise StatesError(f"ApiGateway.{type(error).__name__}", str(error)) from None
    result = http.response(reply)
    if reply.status_code >= 400:
        raise StatesError(f"ApiGateway.{reply.status_code}", dumps(result))
    return result


__all__ = ["invoke"]
