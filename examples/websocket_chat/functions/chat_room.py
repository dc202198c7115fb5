"""The chat room: one function behind every route of the WebSocket API.

Members are kept as the tags of an SQS queue (connection id -> name): the emulator has no
DynamoDB, and on AWS a table would hold them. Messages reach members through the @connections
API at the callback URL the event gives (with AWS_ENDPOINT_URL, the emulator's own form of it).
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

MEMBERS = os.environ["MEMBERS_QUEUE_URL"]
sqs = boto3.client("sqs")


def callback_url(event: dict[str, Any]) -> str:
    context = event["requestContext"]
    local = os.environ.get("AWS_ENDPOINT_URL")
    if local:  # the emulator
        return f"{local}/_aws/execute-api/{context['apiId']}/{context['stage']}"
    return f"https://{context['domainName']}/{context['stage']}"


def members() -> dict[str, str]:
    return dict(sqs.list_queue_tags(QueueUrl=MEMBERS).get("Tags", {}))


def broadcast(event: dict[str, Any], note: dict[str, Any]) -> None:
    api = boto3.client("apigatewaymanagementapi", endpoint_url=callback_url(event))
    data = json.dumps(note).encode()
    for connection in members():
        try:
            api.post_to_connection(ConnectionId=connection, Data=data)
        except api.exceptions.GoneException:  # left without a goodbye
            sqs.untag_queue(QueueUrl=MEMBERS, TagKeys=[connection])


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["requestContext"]
    me = request["connectionId"]
    name = request.get("authorizer", {}).get("name", "someone")
    route = request["routeKey"]
    if route == "$connect":
        sqs.tag_queue(QueueUrl=MEMBERS, Tags={me: name})
        return {"statusCode": 200}
    if route == "$disconnect":
        sqs.untag_queue(QueueUrl=MEMBERS, TagKeys=[me])
        broadcast(event, {"left": name})
        return {"statusCode": 200}
    if route == "sendmessage":
        text = json.loads(event["body"]).get("text", "")
        broadcast(event, {"from": name, "text": text})
        return {"statusCode": 200}
    if route == "whoisthere":
        return {"statusCode": 200, "body": json.dumps({"members": sorted(members().values())})}
    return {"statusCode": 200, "body": json.dumps(
        {"error": "unknown action", "actions": ["sendmessage", "whoisthere"]})}
