"""Deploy the chat: a WebSocket API (``apigatewayv2``, protocol WEBSOCKET) whose routes are
selected by ``$request.body.action``:

* ``$connect`` - a Lambda REQUEST authorizer reads ``?name=``, then the room registers the member;
* ``sendmessage`` - broadcast to every member through @connections;
* ``whoisthere`` - two-way: the members' names come back on the same connection;
* ``$default`` - two-way: what the room understands;
* ``$disconnect`` - the others are told who left.

Run against a running emulator with
``AWS_ENDPOINT_URL=http://localhost:4566 python deploy_websocket_chat.py``; it prints the
WebSocket URL to connect to (``wscat -c "ws://...?name=ada"``).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

FUNCTIONS = Path(__file__).parent / "functions"
ROLE = "arn:aws:iam::000000000000:role/chat-role"


def package(module: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FUNCTIONS / module, module)
    return buffer.getvalue()


def deploy(sqs: Any, lambdas: Any, apis: Any, prefix: str = "chat") -> str:
    """Create the members queue, both functions and the API; the API's id."""
    members = sqs.create_queue(QueueName=f"{prefix}-members")["QueueUrl"]
    room = lambdas.create_function(
        FunctionName=f"{prefix}-room", Runtime="python3.12", Role=ROLE,
        Handler="chat_room.handler", Code={"ZipFile": package("chat_room.py")},
        Environment={"Variables": {"MEMBERS_QUEUE_URL": members}})["FunctionArn"]
    gatekeeper = lambdas.create_function(
        FunctionName=f"{prefix}-authorizer", Runtime="python3.12", Role=ROLE,
        Handler="chat_authorizer.handler",
        Code={"ZipFile": package("chat_authorizer.py")})["FunctionArn"]
    region = room.split(":")[3]
    api_id = apis.create_api(Name=prefix, ProtocolType="WEBSOCKET",
                             RouteSelectionExpression="$request.body.action")["ApiId"]
    authorizer = apis.create_authorizer(
        ApiId=api_id, Name="names", AuthorizerType="REQUEST",
        IdentitySource=["route.request.querystring.name"],
        AuthorizerUri=f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
                      f"{gatekeeper}/invocations")["AuthorizerId"]
    integration = apis.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                          IntegrationUri=room)["IntegrationId"]
    target = f"integrations/{integration}"
    apis.create_route(ApiId=api_id, RouteKey="$connect", Target=target,
                      AuthorizationType="CUSTOM", AuthorizerId=authorizer)
    for key in ("sendmessage", "$disconnect"):
        apis.create_route(ApiId=api_id, RouteKey=key, Target=target)
    for key in ("whoisthere", "$default"):  # two-way: the function's body is the answer
        route = apis.create_route(ApiId=api_id, RouteKey=key, Target=target,
                                  RouteResponseSelectionExpression="$default")["RouteId"]
        apis.create_route_response(ApiId=api_id, RouteId=route, RouteResponseKey="$default")
    apis.create_stage(ApiId=api_id, StageName="production", AutoDeploy=True)
    return str(api_id)


if __name__ == "__main__":
    import os
    from urllib.parse import urlsplit

    import boto3

    endpoint = os.environ.get("AWS_ENDPOINT_URL", "http://localhost:4566")
    options = {"endpoint_url": endpoint, "region_name": "us-east-1",
               "aws_access_key_id": "test", "aws_secret_access_key": "test"}
    made = deploy(boto3.client("sqs", **options), boto3.client("lambda", **options),
                  boto3.client("apigatewayv2", **options))
    print(f"ws://{urlsplit(endpoint).netloc}/_aws/execute-api/{made}/production?name=ada")
