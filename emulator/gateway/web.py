"""Where API Gateway's data planes meet the web server: the request they are handed and the
response sent back. The addresses they answer at are in emulator.addresses."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from emulator.addresses import host_of, raw_path
from emulator.gateway.messages import GatewayRequest, GatewayResponse
from emulator.header_case import raw_headers


async def gateway_request(request: Request, path: str) -> GatewayRequest:
    """What a data plane is handed: the request with ``path`` after the API's address."""
    raw_query = request.scope.get("query_string", b"").decode("latin-1")
    return GatewayRequest(
        method=request.method,
        path=path or "/",
        query=parse_qsl(raw_query, keep_blank_values=True),
        headers=raw_headers(request.scope),  # named as the client sent them, as AWS passes them
        body=await request.body(),
        source_ip=request.client.host if request.client else "127.0.0.1",
        host=host_of(request) or "localhost",
        scheme=request.scope.get("scheme", "http"),
        raw_query=raw_query,
        raw_path=raw_path(request),
    )


def send(reply: GatewayResponse) -> Response:
    """A data plane's response for the web server, which sets Content-Length from the body
    itself."""
    response = Response(reply.body, status_code=reply.status)
    # Names as the integration gave them (Starlette's header API would lowercase them).
    response.raw_headers.extend((key.encode("latin-1"), value.encode("latin-1"))
                                for key, value in reply.headers
                                if key.lower() != "content-length")
    return response


__all__ = ["gateway_request", "send"]
