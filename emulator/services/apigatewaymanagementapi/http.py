"""``@connections`` calls at a WebSocket API stage's callback URL (a front door entry, see
emulator.app).

On AWS the callback URL is ``https://{apiId}.execute-api.{region}.amazonaws.com/{stage}``;
here it is ``http://{apiId}.execute-api.localhost:{port}/{stage}`` or
``http://localhost:{port}/_aws/execute-api/{apiId}/{stage}``, followed by
``/@connections/{connectionId}``. The call goes straight to the WebSocket engine through the
``websocket-apis`` port, checked and answered in the management API's own wire format: the
input against its model, the answer and errors serialised as rest-json.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator import addresses, ids
from emulator.context import RequestContext
from emulator.errors import ServiceError, internal_failure
from emulator.gateway.websocket.engine import WebSocketGateway
from emulator.ports import Ports
from emulator.services import operations
from emulator.services.apigatewaymanagementapi import connections
from emulator.wire import serialize, specs

SERVICE = "apigatewaymanagementapi"
OPERATIONS = {"POST": "PostToConnection", "GET": "GetConnection", "DELETE": "DeleteConnection"}


async def _answer(engine: WebSocketGateway, operation: str, connection_id: str, data: bytes,
                  addressed: tuple[str, str]) -> dict[str, Any]:
    if operation == "PostToConnection":
        return await connections.post(engine, connection_id, data, addressed)
    if operation == "GetConnection":
        return connections.describe(engine, connection_id, addressed)
    return await connections.delete(engine, connection_id, addressed)


async def callback(request: Request, ports: Ports) -> Response | None:
    """The answer to an @connections call at a callback URL; None for any other request (or
    a method the API lacks, which the wire layer answers)."""
    found = addresses.callback(addresses.host_of(request), addresses.raw_path(request))
    operation = OPERATIONS.get(request.method)
    engine = ports.loaded("websocket-apis")
    if found is None or operation is None or not isinstance(engine, WebSocketGateway) \
            or not engine.knows(found[0]):
        return None
    api_id, stage, connection_id = found
    model = specs.operation_model(SERVICE, operation)
    request_id = ids.request_id()
    data = await request.body()
    params: dict[str, Any] = {"ConnectionId": connection_id}
    if operation == "PostToConnection":
        params["Data"] = data
    try:
        operations.check(RequestContext.internal("", ""), SERVICE, model, params)
        reply = serialize.serialize_rest_json(
            model, await _answer(engine, operation, connection_id, data, (api_id, stage)))
    except ServiceError as error:
        reply = serialize.serialize_error("rest-json", SERVICE, error, request_id,
                                          model.service_model)
    except Exception:
        reply = serialize.serialize_error("rest-json", SERVICE, internal_failure(),
                                          request_id, model.service_model)
    reply.headers["x-amzn-RequestId"] = request_id
    return Response(reply.body, status_code=reply.status, headers=reply.headers)


__all__ = ["callback"]
