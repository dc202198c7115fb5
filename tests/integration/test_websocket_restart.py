"""A restart keeps WebSocket APIs (with a state dir) but not their connections: clients are
closed cleanly, ``$disconnect`` runs for them, and their ids are gone afterwards."""


from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from emulator_process import EmulatorProcess
from lambda_support import create_function
from websocket_support import ECHO
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

# Logs its event: while the server shuts down, functions cannot call it back, but their logs
# are kept.
PRINTER = """
import json

def handler(event, context):
    print(json.dumps(event["requestContext"]))
    return {"statusCode": 200}
"""


def _client(service: str, url: str, **options: Any) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test", **options)


def _api(url: str) -> str:
    """A WebSocket API whose $default echoes and whose $disconnect logs its event."""
    functions = _client("lambda", url)
    echo = create_function(functions, {"app.py": ECHO}, name="echo")
    recorder = create_function(functions, {"app.py": PRINTER}, name="recorder")
    client = _client("apigatewayv2", url)
    api_id = client.create_api(Name="chat", ProtocolType="WEBSOCKET",
                               RouteSelectionExpression="$request.body.action")["ApiId"]
    for key, name in (("$default", echo), ("$disconnect", recorder)):
        integration = client.create_integration(
            ApiId=api_id, IntegrationType="AWS_PROXY",
            IntegrationUri=f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
        )["IntegrationId"]
        route = client.create_route(ApiId=api_id, RouteKey=key,
                                    Target=f"integrations/{integration}")["RouteId"]
        if key == "$default":
            client.update_route(ApiId=api_id, RouteId=route,
                                RouteResponseSelectionExpression="$default")
            client.create_route_response(ApiId=api_id, RouteId=route,
                                         RouteResponseKey="$default")
    client.create_stage(ApiId=api_id, StageName="dev", AutoDeploy=True)
    return api_id


def _connection_id(ws: Any) -> str:
    ws.send("who")
    return str(json.loads(ws.recv(timeout=10))["requestContext"]["connectionId"])


def test_a_restart_closes_connections_cleanly(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        api_id = _api(first.url)
        ws = connect(f"ws://127.0.0.1:{first.port}/_aws/execute-api/{api_id}/dev",
                     open_timeout=10)
        old_id = _connection_id(ws)
        assert first.terminate() in (0, -15)
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        assert closed.value.rcvd is not None  # a close frame, not a dropped socket
        assert closed.value.rcvd.code == 1012  # service restart

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        logged = _client("logs", second.url).filter_log_events(
            logGroupName="/aws/lambda/recorder", filterPattern='"DISCONNECT"')["events"]
        event = json.loads(logged[0]["message"])
        assert (event["connectionId"], event["disconnectStatusCode"]) == (old_id, 1012)
        management = _client("apigatewaymanagementapi",
                             f"{second.url}/_aws/execute-api/{api_id}/dev")
        with pytest.raises(ClientError) as gone:
            management.get_connection(ConnectionId=old_id)
        assert gone.value.response["Error"]["Code"] == "GoneException"
        with connect(f"ws://127.0.0.1:{second.port}/_aws/execute-api/{api_id}/dev",
                     open_timeout=10) as fresh:
            assert _connection_id(fresh) != old_id
        assert second.terminate() in (0, -15)
