"""WebSocket APIs route each message by evaluating the route selection expression on it: to
the route whose key it gives, else ``$default`` (a message that is not JSON included), else
API Gateway's Forbidden message; two-way routes answer on the same connection."""

from __future__ import annotations

import pytest
from websocket_support import WebSocketApi, new_function, new_websocket_api, receive_json

from emulator.testing import EmulatorHandle

# Answers which function handled the message and the route key it was called for.
NAMED = """
import json
def handler(event, context):
    return {{"statusCode": 200, "body": json.dumps(
        {{"function": "{name}", "routeKey": event["requestContext"]["routeKey"]}})}}
"""


def _routed(emulator: EmulatorHandle, selection: str, keys: list[str]) -> WebSocketApi:
    api = new_websocket_api(emulator, selection)
    for key in keys:
        name = "default" if key == "$default" else key
        integration = api.lambda_integration(new_function(emulator, NAMED.format(name=name)))
        api.route(key, integration, two_way=True)
    api.stage()
    return api


@pytest.fixture(scope="module")
def chat(emulator: EmulatorHandle) -> WebSocketApi:
    return _routed(emulator, "$request.body.action", ["join", "leave", "$default"])


@pytest.mark.parametrize(("message", "function", "route_key"), [
    ('{"action": "join", "room": "r1"}', "join", "join"),
    ('{"action": "leave"}', "leave", "leave"),
    ('{"action": "shout"}', "default", "$default"),  # no route with that key
    ('{"room": "r1"}', "default", "$default"),  # the path finds nothing: ""
    ("plain text", "default", "$default"),  # not JSON: cannot be evaluated
    ('{"action": "$connect"}', "default", "$default"),  # not a message route
])
def test_messages_go_to_the_route_the_expression_selects(
        chat: WebSocketApi, message: str, function: str, route_key: str) -> None:
    with chat.connect() as ws:
        ws.send(message)
        assert receive_json(ws) == {"function": function, "routeKey": route_key}


def test_the_messages_of_one_connection_reach_different_functions(chat: WebSocketApi) -> None:
    with chat.connect() as ws:
        for action in ("join", "leave", "join"):
            ws.send(f'{{"action": "{action}"}}')
            assert receive_json(ws)["function"] == action


def test_expressions_with_several_variables_and_static_text(emulator: EmulatorHandle) -> None:
    api = _routed(emulator, "${request.body.service}/${request.body.action}",
                  ["chat/join", "$default"])
    with api.connect() as ws:
        ws.send('{"service": "chat", "action": "join"}')
        assert receive_json(ws)["function"] == "chat/join"
        ws.send('{"service": "chat", "action": "part"}')
        assert receive_json(ws)["function"] == "default"


def test_nested_paths_select_too(emulator: EmulatorHandle) -> None:
    api = _routed(emulator, "$request.body.meta.kind", ["ping", "$default"])
    with api.connect() as ws:
        ws.send('{"meta": {"kind": "ping"}}')
        assert receive_json(ws)["function"] == "ping"


def test_without_a_default_route_an_unmatched_message_is_forbidden(
        emulator: EmulatorHandle) -> None:
    api = _routed(emulator, "$request.body.action", ["join"])
    with api.connect() as ws:
        ws.send('{"action": "dance"}')
        answer = receive_json(ws)
        assert answer["message"] == "Forbidden"
        assert set(answer) == {"message", "connectionId", "requestId"}
        ws.send('{"action": "join"}')  # the connection stays usable
        assert receive_json(ws)["function"] == "join"


def test_one_way_routes_send_nothing_back(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    one_way = api.lambda_integration(new_function(emulator, NAMED.format(name="quiet")))
    two_way = api.lambda_integration(new_function(emulator, NAMED.format(name="loud")))
    api.route("quiet", one_way)
    api.route("loud", two_way, two_way=True)
    api.stage()
    with api.connect() as ws:
        ws.send('{"action": "quiet"}')
        ws.send('{"action": "loud"}')
        # Only the two-way route answers: the first message received is its answer.
        assert receive_json(ws)["function"] == "loud"


def test_a_failing_function_is_reported_to_the_client(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    failing = new_function(emulator, "def handler(event, context):\n    raise ValueError('x')\n")
    api.route("$default", api.lambda_integration(failing))
    api.stage()
    with api.connect() as ws:
        ws.send("hello")
        answer = receive_json(ws)
        assert answer["message"] == "Internal server error"
        assert answer["connectionId"] and answer["requestId"]


def test_redeploying_changes_the_routes_of_open_connections(emulator: EmulatorHandle) -> None:
    api = _routed(emulator, "$request.body.action", ["$default"])
    with api.connect() as ws:
        ws.send('{"action": "later"}')
        assert receive_json(ws)["function"] == "default"
        later = api.lambda_integration(new_function(emulator, NAMED.format(name="later")))
        api.route("later", later, two_way=True)  # the stage deploys automatically
        ws.send('{"action": "later"}')
        assert receive_json(ws)["function"] == "later"
