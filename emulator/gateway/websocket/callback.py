"""The ``@connections`` API at a WebSocket API stage's callback URL.

On AWS the callback URL is ``https://{apiId}.execute-api.{region}.amazonaws.com/{stage}``.
Here it is ``http://{apiId}.execute-api.localhost:{port}/{stage}`` or
``http://localhost:{port}/_aws/execute-api/{apiId}/{stage}``, and the plain endpoint
(``AWS_ENDPOINT_URL``) serves it too. A call at a callback URL is handed to the wire layer
(the ``apigatewaymanagementapi`` provider) with the path its model expects,
``/@connections/{connectionId}``, and the API and stage it was addressed to in a header.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request

from emulator.gateway.websocket.web import API_HOST, gateway

ADDRESSED = "x-emulator-execute-api"  # "{apiId}/{stage}" of the callback URL
_HOST_FORM = re.compile(r"^/(?P<stage>[^/]+)(?P<call>/(?:@|%40)connections/[^/]+)/?$")
_PATH_FORM = re.compile(r"^/_aws/execute-api/(?P<api>[^/]+)/(?P<stage>[^/]+)"
                        r"(?P<call>/(?:@|%40)connections/[^/]+)/?$")


def management_call(services: Any, request: Request, host: str, path: str) -> bool:
    """Whether ``request`` is an @connections call at a WebSocket API's callback URL; if
    so, its path is rewritten for the wire layer."""
    if "connections/" not in path:
        return False
    by_host = API_HOST.match(host)
    found = _HOST_FORM.match(path) if by_host else _PATH_FORM.match(path)
    if found is None:
        return False
    api_id = by_host["api"] if by_host else found["api"]
    engine = gateway(services)
    if engine is None or not engine.knows(api_id):
        return False
    call = "/@connections/" + found["call"].split("connections/", 1)[1]
    request.scope["raw_path"] = call.encode("latin-1")
    request.scope["path"] = call
    request.scope["headers"] = [*request.scope["headers"], (
        ADDRESSED.encode(), f"{api_id}/{found['stage']}".encode("latin-1"))]
    return True


__all__ = ["ADDRESSED", "management_call"]
