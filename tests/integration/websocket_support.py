"""Helpers for the WebSocket API tests: an API built with apigatewayv2, its ws:// URLs, a real
WebSocket client (the ``websockets`` library's synchronous one), and Lambda functions."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from http_api_support import function_arn
from lambda_support import create_function
from websockets.sync.client import connect
from websockets.sync.connection import Connection

from emulator.testing import EmulatorHandle

ACCOUNT = "000000000000"
TIMEOUT = 10  # real seconds a test waits for a message

# Echoes its whole event back as the route response (for two-way routes).
ECHO = """
import json
def handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event)}
"""

# What a handler does on AWS to reach the @connections API, and here with AWS_ENDPOINT_URL:
# the callback URL built from the event's domainName and stage (the emulator's own form of it).
CALLBACK = """
import os
import boto3

def callback_url(event):
    context = event["requestContext"]
    local = os.environ.get("AWS_ENDPOINT_URL")
    if local:
        return f"{local}/_aws/execute-api/{context['apiId']}/{context['stage']}"
    return f"https://{context['domainName']}/{context['stage']}"

def management(event):
    return boto3.client("apigatewaymanagementapi", endpoint_url=callback_url(event))
"""


@dataclass
class WebSocketApi:
    client: Any
    id: str
    endpoint: str  # http://host:port of the emulator
    region: str

    def integration(self, **options: Any) -> str:
        return str(self.client.create_integration(ApiId=self.id, **options)["IntegrationId"])

    def lambda_integration(self, function_arn: str, **options: Any) -> str:
        return self.integration(IntegrationType="AWS_PROXY", IntegrationUri=function_arn,
                                IntegrationMethod="POST", **options)

    def route(self, key: str, integration_id: str | None = None, *, two_way: bool = False,
              **options: Any) -> str:
        if integration_id is not None:
            options["Target"] = f"integrations/{integration_id}"
        if two_way:
            options["RouteResponseSelectionExpression"] = "$default"
        route_id = str(self.client.create_route(ApiId=self.id, RouteKey=key,
                                                **options)["RouteId"])
        if two_way:
            self.client.create_route_response(ApiId=self.id, RouteId=route_id,
                                              RouteResponseKey="$default")
        return route_id

    def stage(self, name: str = "dev", **options: Any) -> str:
        options.setdefault("AutoDeploy", True)
        self.client.create_stage(ApiId=self.id, StageName=name, **options)
        return name

    def url(self, stage: str = "dev", query: str = "") -> str:
        host = urlsplit(self.endpoint).netloc
        return f"ws://{host}/_aws/execute-api/{self.id}/{stage}" + (f"?{query}" if query else "")

    def host_url(self, stage: str = "dev") -> str:
        port = urlsplit(self.endpoint).port
        return f"ws://{self.id}.execute-api.localhost:{port}/{stage}"

    def connect(self, stage: str = "dev", *, query: str = "", by_host: bool = False,
                **options: Any) -> Connection:
        """A connected client; ``by_host`` uses the ``{apiId}.execute-api.localhost`` URL
        (its name need not resolve: the socket goes to the emulator's own address)."""
        options.setdefault("open_timeout", TIMEOUT)
        if by_host:
            parts = urlsplit(self.endpoint)
            sock = socket.create_connection((parts.hostname or "localhost", parts.port or 80))
            return connect(self.host_url(stage), sock=sock, **options)
        return connect(self.url(stage, query), **options)

    def management(self, stage: str = "dev") -> Any:
        """A boto3 apigatewaymanagementapi client at the stage's callback URL."""
        import boto3

        return boto3.client(
            "apigatewaymanagementapi",
            endpoint_url=f"{self.endpoint}/_aws/execute-api/{self.id}/{stage}",
            region_name=self.region, aws_access_key_id="test", aws_secret_access_key="test")


def new_websocket_api(emulator: EmulatorHandle, selection: str = "$request.body.action",
                      **options: Any) -> WebSocketApi:
    client = emulator.client("apigatewayv2")
    created = client.create_api(Name="chat", ProtocolType="WEBSOCKET",
                                RouteSelectionExpression=selection, **options)
    return WebSocketApi(client, created["ApiId"], emulator.endpoint_url, emulator.region)


def new_function(emulator: EmulatorHandle, code: str, **options: Any) -> str:
    """A Python function whose ``app.py`` is ``code`` (with ``callbacks.py`` beside it);
    its ARN."""
    name = create_function(emulator.client("lambda"), {"app.py": code, "callbacks.py": CALLBACK},
                           **options)
    return function_arn(emulator, name)


def receive_json(ws: Connection) -> Any:
    return json.loads(ws.recv(timeout=TIMEOUT))




# Sends every event it is given to the SQS queue QUEUE_URL names (for the tests to read).
RECORDER = """
import json
import os
import boto3

sqs = boto3.client("sqs")

def handler(event, context):
    sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(event))
    return {"statusCode": 200}
"""


@dataclass
class Recorder:
    """A function that records its events in a queue, and the queue."""

    emulator: EmulatorHandle
    queue_url: str
    arn: str

    def events(self, count: int = 1) -> list[dict[str, Any]]:
        sqs = self.emulator.client("sqs")
        found: list[dict[str, Any]] = []
        for _ in range(50):
            reply = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10,
                                        WaitTimeSeconds=1)
            for message in reply.get("Messages", []):
                found.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.queue_url,
                                   ReceiptHandle=message["ReceiptHandle"])
            if len(found) >= count:
                return found
        raise AssertionError(f"only {len(found)} of {count} events were recorded")


def new_recorder(emulator: EmulatorHandle) -> Recorder:
    from lambda_support import unique

    queue_url = emulator.client("sqs").create_queue(QueueName=unique("events"))["QueueUrl"]
    arn = new_function(emulator, RECORDER, Environment={"Variables": {"QUEUE_URL": queue_url}})
    return Recorder(emulator, queue_url, arn)


__all__ = ["ACCOUNT", "ECHO", "RECORDER", "TIMEOUT", "Recorder", "WebSocketApi", "new_function",
           "new_recorder", "new_websocket_api", "receive_json"]
