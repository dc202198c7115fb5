"""CORS for HTTP APIs, from the API's CorsConfiguration: API Gateway answers preflight
requests itself (whatever the routes), adds the configured headers to other answers for an
allowed origin, and drops CORS headers an integration sends."""

from __future__ import annotations

from typing import Any

from emulator.gateway.messages import GatewayRequest, GatewayResponse


def _origin_allowed(config: dict[str, Any], origin: str) -> str | None:
    """The Access-Control-Allow-Origin value for ``origin``, None when it is not allowed."""
    allowed = [str(o) for o in config.get("AllowOrigins") or []]
    if "*" in allowed:
        return "*"
    lowered = origin.lower()
    return origin if any(o.lower().rstrip("/") == lowered.rstrip("/") for o in allowed) \
        else None


def is_preflight(request: GatewayRequest) -> bool:
    return (request.method.upper() == "OPTIONS" and request.header("origin") is not None
            and request.header("access-control-request-method") is not None)


def preflight(config: dict[str, Any], request: GatewayRequest) -> GatewayResponse:
    """API Gateway's own answer to a preflight request."""
    response = GatewayResponse(204, [], b"")
    origin = _origin_allowed(config, request.header("origin") or "")
    if origin is None:
        return response
    response.headers.append(("Access-Control-Allow-Origin", origin))
    methods = [str(m).upper() for m in config.get("AllowMethods") or []]
    if methods:
        response.headers.append(("Access-Control-Allow-Methods", ",".join(methods)))
    headers = [str(h).lower() for h in config.get("AllowHeaders") or []]
    if headers:
        value = ",".join(headers)
        if "*" in headers:  # a wildcard allows whatever the browser asks for
            value = request.header("access-control-request-headers") or "*"
        response.headers.append(("Access-Control-Allow-Headers", value))
    if config.get("MaxAge") is not None:
        response.headers.append(("Access-Control-Max-Age", str(config["MaxAge"])))
    if config.get("AllowCredentials"):
        response.headers.append(("Access-Control-Allow-Credentials", "true"))
    return response


def decorate(config: dict[str, Any], request: GatewayRequest, response: GatewayResponse
             ) -> None:
    """The CORS headers of a non-preflight answer, in place."""
    response.headers = [(k, v) for k, v in response.headers
                        if not k.lower().startswith("access-control-")]
    given = request.header("origin")
    if given is None:
        return
    origin = _origin_allowed(config, given)
    if origin is None:
        return
    response.headers.append(("Access-Control-Allow-Origin", origin))
    if config.get("AllowCredentials"):
        response.headers.append(("Access-Control-Allow-Credentials", "true"))
    exposed = [str(h).lower() for h in config.get("ExposeHeaders") or []]
    if exposed:
        response.headers.append(("Access-Control-Expose-Headers", ",".join(exposed)))


__all__ = ["decorate", "is_preflight", "preflight"]
