"""The viewer endpoint's front door entry (see emulator.app): requests at
``{distribution}.cloudfront.localhost`` (the distribution's id or the first label of its
domain name) or at ``/_aws/cloudfront/{distribution}/...``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from emulator import addresses, traffic
from emulator.edge.cache import UNSENT_HEADERS
from emulator.edge.deployed import EdgeRequest
from emulator.header_case import raw_headers
from emulator.ports import Ports

if TYPE_CHECKING:
    from emulator.edge.viewer import Edge


async def viewer(request: Request, ports: Ports) -> Response | None:
    found = addresses.cloudfront(addresses.host_of(request), addresses.raw_path(request))
    if found is None:
        return None
    label, path = found
    traffic.note(kind="cloudfront", service="cloudfront", resource=label,
                 operation=f"{request.method} {path}")
    edge: Edge = await ports.started("distributions")  # type: ignore[assignment]
    headers = raw_headers(request.scope)
    client = request.client.host if request.client else "127.0.0.1"
    edge_request = EdgeRequest(
        request.method, path, request.scope.get("query_string", b"").decode("latin-1"),
        headers, await request.body(), client)
    answer = await edge.serve(label, edge_request, request.scope["app"],
                              request.scope.get("state"))
    response = Response(answer.body, status_code=answer.status)
    # Starlette's own headers are content-length alone (no media type given).
    response.raw_headers += answer.encoded
    response.raw_headers += [(key.lower().encode("latin-1"), value.encode("latin-1"))
                             for key, value in answer.headers
                             if key.lower() not in UNSENT_HEADERS]
    return response


__all__ = ["viewer"]
