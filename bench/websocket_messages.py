"""WebSocket APIs: messages through ``$default`` -> Lambda -> PostToConnection back to the
sender, with 1 connection (latency of one message at a time) and 32 connections at once
(time per message, i.e. 1 / messages per second).

The floor is an HTTP API request to the same function, which makes the same kind of call back
to the @connections API (GetConnection on an open connection) and answers: one pass through an
API Gateway data plane, one function invocation and one management API call on each side, in
the same run, on one emulator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx

from bench import servers
from bench.apigateway_invoke import Unavailable
from bench.clients import ROLE, client, function_zip
from bench.results import Result, median
from bench.timing import alternate, per_call

# A message costs the same kind of work as the HTTP request, plus the frames both ways: at most
# a quarter slower.
TARGET = 1.25
CONNECTIONS = 32
FUNCTION = """
import os
import boto3

CLIENTS = {}

def management(api_id, stage):
    url = f"{os.environ['AWS_ENDPOINT_URL']}/_aws/execute-api/{api_id}/{stage}"
    if url not in CLIENTS:
        CLIENTS[url] = boto3.client("apigatewaymanagementapi", endpoint_url=url)
    return CLIENTS[url]

def handler(event, context):
    request = event["requestContext"]
    if request.get("eventType") == "MESSAGE":  # echo to the sender through @connections
        api = management(request["apiId"], request["stage"])
        me = request["connectionId"]
        data = me if event["body"] == "whoami" else event["body"]
        api.post_to_connection(ConnectionId=me, Data=data.encode())
        return {"statusCode": 200}
    query = event["queryStringParameters"]  # the HTTP API floor
    management(query["api"], "bench").get_connection(ConnectionId=query["c"])
    return {"statusCode": 200, "body": "ok"}
"""


def _setup(endpoint_url: str) -> tuple[str, str]:
    """The WebSocket URL of the stage and the HTTP API's invoke URL."""
    from botocore.exceptions import ClientError

    lambdas, apis = client("lambda", endpoint_url), client("apigatewayv2", endpoint_url)
    try:
        arn = lambdas.create_function(
            FunctionName="bench-websocket", Runtime="python3.11", Handler="app.handler",
            Role=ROLE, Code={"ZipFile": function_zip(FUNCTION)},
            Tags={"emulator:executor": "inprocess"})["FunctionArn"]
        ws_api = apis.create_api(Name="bench-ws", ProtocolType="WEBSOCKET",
                                 RouteSelectionExpression="$request.body.action")["ApiId"]
        http_api = apis.create_api(Name="bench-http", ProtocolType="HTTP")["ApiId"]
    except ClientError as error:
        raise Unavailable(str(error)) from None
    integration = apis.create_integration(ApiId=ws_api, IntegrationType="AWS_PROXY",
                                          IntegrationUri=arn)["IntegrationId"]
    apis.create_route(ApiId=ws_api, RouteKey="$default", Target=f"integrations/{integration}")
    apis.create_stage(ApiId=ws_api, StageName="bench", AutoDeploy=True)
    integration = apis.create_integration(ApiId=http_api, IntegrationType="AWS_PROXY",
                                          IntegrationUri=arn, PayloadFormatVersion="2.0"
                                          )["IntegrationId"]
    apis.create_route(ApiId=http_api, RouteKey="GET /call",
                      Target=f"integrations/{integration}")
    apis.create_stage(ApiId=http_api, StageName="$default", AutoDeploy=True)
    host = endpoint_url.split("://", 1)[1]
    return (f"ws://{host}/_aws/execute-api/{ws_api}/bench",
            f"{endpoint_url}/_aws/execute-api/{http_api}/call?api={ws_api}")


@contextmanager
def _connections(url: str, count: int) -> Iterator[list[Any]]:
    from websockets.sync.client import connect

    with ExitStack() as stack:
        yield [stack.enter_context(connect(url, open_timeout=30)) for _ in range(count)]


def _messenger(ws: Any) -> Callable[[], None]:
    def call() -> None:
        ws.send('{"n": 1}')
        if ws.recv(timeout=30) != '{"n": 1}':
            raise RuntimeError("the echo was not the message; the benchmark is invalid")

    return call


def _getter(http: httpx.Client, url: str) -> Callable[[], None]:
    def call() -> None:
        reply = http.get(url)
        if reply.status_code != 200:
            raise RuntimeError(f"{url} answered {reply.status_code}; the benchmark is invalid")

    return call


def _own_id(ws: Any) -> str:
    """The connection's id (the function answers ``whoami`` with it)."""
    ws.send("whoami")
    return str(ws.recv(timeout=30))


def _together(callers: list[Callable[[], None]], rounds: int) -> float:
    """Seconds per call when every caller makes ``rounds`` calls in its own thread at once
    (a connection is used by one thread at a time)."""
    return per_call(lambda i: [callers[i]() for _ in range(rounds)], len(callers),
                    len(callers)) / rounds


def run(calls: int, warmup: int) -> list[Result]:
    port = servers.free_port()
    with (servers.started(servers.emulator_command(port), port) as server,
          ExitStack() as stack):
        ws_url, http_url = _setup(server.endpoint_url)
        results: list[Result] = []
        # The floor asks after a connection that stays open.
        sink = stack.enter_context(_connections(ws_url, 1))[0]
        floor_url = f"{http_url}&c={_own_id(sink)}"
        with _connections(ws_url, 1) as (ws,), httpx.Client() as http:
            ours, floor = _messenger(ws), _getter(http, floor_url)
            alternate(ours, floor, warmup)
            our_times, floor_times = alternate(ours, floor, calls)
            results.append(Result(
                "WebSocket message -> Lambda -> PostToConnection, 1 connection (median)", "s",
                median(our_times), median(floor_times), TARGET, calls))
        with _connections(ws_url, CONNECTIONS) as sockets:
            clients = [httpx.Client() for _ in range(CONNECTIONS)]
            try:
                senders = [_messenger(ws) for ws in sockets]
                getters = [_getter(http, floor_url) for http in clients]
                rounds = max(calls // CONNECTIONS, 4)
                _together(senders, 2), _together(getters, 2)
                ours_each = _together(senders, rounds)
                floor_each = _together(getters, rounds)
            finally:
                for http in clients:
                    http.close()
            results.append(Result(
                f"WebSocket messages, {CONNECTIONS} connections at once (time per message)",
                "s", ours_each, floor_each, TARGET, rounds * CONNECTIONS))
        return results


__all__ = ["run"]
