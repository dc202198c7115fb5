"""What API Gateway adds to a REST API request before its integration sees it, by endpoint
type: ``X-Forwarded-For``/``-Port``/``-Proto`` for every type, and for an edge-optimized API
(reached through the CloudFront distribution in front of it) CloudFront's viewer headers,
``Via`` and ``X-Amz-Cf-Id``; an edge-optimized API's answers then carry CloudFront's
``X-Cache``, ``Via``, ``X-Amz-Cf-Pop`` and ``X-Amz-Cf-Id``.

https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-endpoint-types.html
https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
"""

from __future__ import annotations

from typing import Any

from emulator.edge import viewer_headers as cloudfront
from emulator.edge.viewer_headers import VIEWER_COUNTRY, device_headers
from emulator.gateway.messages import GatewayRequest, GatewayResponse

EDGE_ADDRESS = "127.0.0.1"
_REPLACED = ("x-forwarded-for", "x-forwarded-port", "x-forwarded-proto")
_REPLACED_AT_THE_EDGE = (*_REPLACED, "x-amz-cf-id", "via", "cloudfront-")


def endpoint_types(api: dict[str, Any]) -> tuple[str, ...]:
    return tuple((api.get("endpointConfiguration") or {}).get("types") or ("EDGE",))


def add_forwarded(request: GatewayRequest, edge: bool) -> str | None:
    """Add the headers to ``request``; answers the X-Amz-Cf-Id of an edge request."""
    given = {name.lower(): value for name, value in request.headers}
    dropped = _REPLACED_AT_THE_EDGE if edge else _REPLACED
    headers = [(name, value) for name, value in request.headers
               if not name.lower().startswith(dropped)]
    # The viewer's own X-Forwarded-For, then the address API Gateway saw (already its last
    # entry when the server read the client's address from it, behind a trusted proxy).
    sent = given.get("x-forwarded-for", "")
    forwarded_for = sent if sent.rsplit(",", 1)[-1].strip() == request.source_ip else ", ".join(
        filter(None, (sent, request.source_ip)))
    host = given.get("host", request.host)
    port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else (
        "443" if request.scheme == "https" else "80")
    cf_id = None
    if edge:
        cf_id = cloudfront.request_id()
        # CloudFront forwards the viewer's address, then API Gateway adds the edge's (this
        # machine's).
        forwarded_for = f"{forwarded_for}, {EDGE_ADDRESS}"
        headers += [("CloudFront-Forwarded-Proto", request.scheme),
                    *device_headers(given.get("user-agent", "")),
                    ("CloudFront-Viewer-Country", VIEWER_COUNTRY),
                    ("Via", ", ".join(filter(None, (given.get("via"), cloudfront.via())))),
                    ("X-Amz-Cf-Id", cf_id)]
    headers += [("X-Forwarded-For", forwarded_for), ("X-Forwarded-Port", port),
                ("X-Forwarded-Proto", request.scheme)]
    request.headers = headers
    return cf_id


def mark_edge_answer(response: GatewayResponse, cf_id: str) -> None:
    """CloudFront's headers on an edge-optimized API's answer (never cached: a miss, or an
    error for 400 and above)."""
    response.set_headers([
        ("X-Cache", ("Error" if response.status >= 400 else "Miss") + " from cloudfront"),
        ("Via", cloudfront.via()), ("X-Amz-Cf-Pop", cloudfront.POP), ("X-Amz-Cf-Id", cf_id)])


__all__ = ["EDGE_ADDRESS", "add_forwarded", "endpoint_types", "mark_edge_answer"]
