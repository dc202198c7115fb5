"""Deploy the chat: a WebSocket API (``apigatewayv2``, protocol WEBSOCKET) whose routes are
selected by ``$request.body.action``:

* ``$connect`` - a Lambda REQUEST authorizer reads ``?name=``, then the room registers the member;
* ``sendmessage`` - broadcast to every member through @connections;
* ``whoisthere`` - two-way: the members' names come back on the same connection;
* ``$default`` - two-way: what the room understands;
* ``$disconnect`` - the others are told who left.

Run against a running emulator with
``AWS_ENDPOINT_URL=http://localhost:4566 python deploy_websocket_chat.py``; it prints the
WebSocket URL to connect to (``wscat -c "ws://...?name=ada"``). Running it again makes the API
afresh.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from typing import Any

# The examples share deploy_support.py (create or update; invoke URLs) one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy_support import new_v2_api, print_invoke_urls, put_function

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
    room = put_function(
        lambdas, f"{prefix}-room", code={"ZipFile": package("chat_room.py")},
        Runtime="python3.12", Role=ROLE, Handler="chat_room.handler",
        Environment={"Variables": {"MEMBERS_QUEUE_URL": members}})
    gatekeeper = put_function(
        lambdas, f"{prefix}-authorizer", code={"ZipFile": package("chat_authorizer.py")},
        Runtime="python3.12", Role=ROLE, Handler="chat_authorizer.handler")
    region = room.split(":")[3]
    api_id = new_v2_api(apis, prefix, ProtocolType="WEBSOCKET",
                        RouteSelectionExpression="$request.body.action")
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

    import boto3

    endpoint = os.environ.get("AWS_ENDPOINT_URL", "http://localhost:4566")
    options = {"endpoint_url": endpoint, "region_name": "us-east-1",
               "aws_access_key_id": "test", "aws_secret_access_key": "test"}
    made = deploy(boto3.client("sqs", **options), boto3.client("lambda", **options),
                  boto3.client("apigatewayv2", **options))
    print_invoke_urls(endpoint, made, "production", "?name=ada", scheme="ws")
