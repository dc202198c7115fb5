"""``$connect`` authorization: a Lambda REQUEST authorizer refuses (401 without its identity
source or when it answers Unauthorized, 403 when its policy does not allow ``$connect``) or
lets the client in, and what it returns reaches every event of the connection; IAM-signed
handshakes; a ``$connect`` function that refuses."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from websocket_support import (
    ECHO,
    Recorder,
    WebSocketApi,
    new_function,
    new_recorder,
    new_websocket_api,
    receive_json,
)
from websockets.exceptions import InvalidStatus

from emulator.testing import EmulatorHandle

# Records its event, then allows tokens that start with "allow" (for the stage the token
# names after a colon, else this one), answers Unauthorized for "unauthorized", denies others.
AUTHORIZER = """
import json
import os
import boto3

sqs = boto3.client("sqs")

def handler(event, context):
    sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(event))
    token = (event.get("queryStringParameters") or {}).get("token") or event["headers"].get("Auth")
    if token == "unauthorized":
        raise Exception("Unauthorized")
    resource = event["methodArn"]
    if ":" in token:  # allow:prod -> the same API's other stage
        api, _stage, route = resource.rsplit(":", 1)[1].split("/")
        resource = resource.rsplit(":", 1)[0] + f":{api}/{token.split(':')[1]}/{route}"
    effect = "Allow" if token.startswith("allow") else "Deny"
    return {"principalId": "alice",
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]},
            "context": {"user": "alice", "level": 3, "admin": True}}
"""

# AWS's example input of a WebSocket API's REQUEST authorizer ("Control access to WebSocket
# APIs with AWS Lambda REQUEST authorizers"), compared key by key.
DOCUMENTED_AUTHORIZER_EVENT: dict[str, Any] = {
    "type": "REQUEST",
    "methodArn": "arn:aws:execute-api:us-east-1:123456789012:abcdef123/default/$connect",
    "headers": {"Connection": "upgrade", "content-length": "0", "HeaderAuth1": "headerValue1",
                "Host": "abcdef123.execute-api.us-east-1.amazonaws.com",
                "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
                "Sec-WebSocket-Key": "...", "Sec-WebSocket-Version": "13",
                "Upgrade": "websocket", "X-Amzn-Trace-Id": "...", "X-Forwarded-For": "...",
                "X-Forwarded-Port": "443", "X-Forwarded-Proto": "https"},
    "multiValueHeaders": {},
    "queryStringParameters": {"QueryString1": "queryValue1"},
    "multiValueQueryStringParameters": {"QueryString1": ["queryValue1"]},
    "stageVariables": {},
    "requestContext": {
        "routeKey": "$connect", "eventType": "CONNECT", "extendedRequestId": "...",
        "requestTime": "19/Jan/2023:21:13:26 +0000", "messageDirection": "IN",
        "stage": "default", "connectedAt": 1674162806344, "requestTimeEpoch": 1674162806345,
        "identity": {"sourceIp": "..."}, "requestId": "...",
        "domainName": "abcdef123.execute-api.us-east-1.amazonaws.com",
        "connectionId": "...", "apiId": "abcdef123",
    },
    "isBase64Encoded": False,
    "body": None,
}


def _protected(emulator: EmulatorHandle, identity_source: str) -> tuple[WebSocketApi,
                                                                         Recorder]:
    recorder = new_recorder(emulator)
    authorizer_arn = new_function(emulator, AUTHORIZER,
                                  Environment={"Variables": {"QUEUE_URL": recorder.queue_url}})
    api = new_websocket_api(emulator)
    authorizer = api.client.create_authorizer(
        ApiId=api.id, AuthorizerType="REQUEST", Name="tokens",
        IdentitySource=[identity_source],
        AuthorizerUri=f"arn:aws:apigateway:{emulator.region}:lambda:path/2015-03-31/"
                      f"functions/{authorizer_arn}/invocations")["AuthorizerId"]
    echo = api.lambda_integration(new_function(emulator, ECHO))
    api.route("$connect", echo, AuthorizationType="CUSTOM", AuthorizerId=authorizer)
    api.route("$default", echo, two_way=True)
    api.stage()
    return api, recorder


@pytest.fixture(scope="module")
def by_query(emulator: EmulatorHandle) -> tuple[WebSocketApi, Recorder]:
    return _protected(emulator, "route.request.querystring.token")


def _refused(api: WebSocketApi, **options: Any) -> tuple[int, Any]:
    with pytest.raises(InvalidStatus) as raised:
        api.connect(**options)
    response = raised.value.response
    return response.status_code, json.loads(response.body or b"null")


def _nothing_recorded(recorder: Recorder, emulator: EmulatorHandle) -> bool:
    reply = emulator.client("sqs").receive_message(QueueUrl=recorder.queue_url,
                                                   WaitTimeSeconds=0)
    return not reply.get("Messages")


def test_a_missing_identity_source_is_refused_without_calling_the_authorizer(
        emulator: EmulatorHandle, by_query: tuple[WebSocketApi, Recorder]) -> None:
    api, recorder = by_query
    assert _refused(api) == (401, {"message": "Unauthorized"})
    assert _nothing_recorded(recorder, emulator)


@pytest.mark.parametrize(("token", "status", "message"), [
    ("deny", 403, "Forbidden"),
    ("unauthorized", 401, "Unauthorized"),
    ("allow:prod", 403, "Forbidden"),  # the policy allows another stage only
])
def test_the_authorizer_refuses(by_query: tuple[WebSocketApi, Recorder], token: str,
                                status: int, message: str) -> None:
    api, recorder = by_query
    assert _refused(api, query=f"token={token}") == (status, {"message": message})
    recorder.events()  # it was called


def test_the_authorizer_lets_the_client_in_and_its_context_reaches_every_event(
        by_query: tuple[WebSocketApi, Recorder]) -> None:
    api, recorder = by_query
    with api.connect(query="token=allow") as ws:
        ws.send("who am I?")
        authorizer = receive_json(ws)["requestContext"]["authorizer"]
    assert isinstance(authorizer.pop("integrationLatency"), int)
    assert authorizer == {"principalId": "alice", "user": "alice", "level": "3",
                          "admin": "true"}
    recorder.events()


def test_the_authorizer_event_matches_aws_documented_example(
        emulator: EmulatorHandle, by_query: tuple[WebSocketApi, Recorder]) -> None:
    api, recorder = by_query
    with api.connect(query="token=allow&QueryString1=queryValue1",
                     additional_headers={"HeaderAuth1": "headerValue1"}):
        pass
    event = recorder.events()[0]
    assert set(event) == set(DOCUMENTED_AUTHORIZER_EVENT)
    context = event["requestContext"]
    assert set(context) == set(DOCUMENTED_AUTHORIZER_EVENT["requestContext"])
    # Header names arrive as the client wrote them, as in AWS's example ("HeaderAuth1").
    assert set(DOCUMENTED_AUTHORIZER_EVENT["headers"]) <= set(event["headers"])
    assert event["methodArn"] == (f"arn:aws:execute-api:{emulator.region}:000000000000:"
                                  f"{api.id}/dev/$connect")
    assert event["headers"]["HeaderAuth1"] == "headerValue1"
    assert event["multiValueHeaders"]["HeaderAuth1"] == ["headerValue1"]
    assert set(event["multiValueHeaders"]) == set(event["headers"])
    assert event["queryStringParameters"] == {"token": "allow", "QueryString1": "queryValue1"}
    assert event["multiValueQueryStringParameters"]["QueryString1"] == ["queryValue1"]
    assert event["stageVariables"] == {}
    assert (context["routeKey"], context["eventType"], context["messageDirection"],
            context["stage"], context["apiId"]) == ("$connect", "CONNECT", "IN", "dev", api.id)
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestId"] == context["extendedRequestId"]


def test_a_header_identity_source(emulator: EmulatorHandle) -> None:
    api, _ = _protected(emulator, "route.request.header.Auth")
    assert _refused(api)[0] == 401
    with api.connect(additional_headers={"Auth": "allow"}) as ws:
        ws.send("hi")
        assert receive_json(ws)["requestContext"]["authorizer"]["principalId"] == "alice"


def test_iam_authorization_of_the_handshake(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    echo = api.lambda_integration(new_function(emulator, ECHO))
    api.route("$connect", echo, AuthorizationType="AWS_IAM")
    api.route("$default", echo, two_way=True)
    api.stage()
    assert _refused(api)[0] == 403
    url = api.url().replace("ws://", "http://")
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials("111122223333", "test"), "execute-api",
              emulator.region).add_auth(request)
    headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
    with api.connect(additional_headers=headers) as ws:
        ws.send("signed")
        identity = receive_json(ws)["requestContext"]["identity"]
    assert identity["accountId"] == "111122223333"
    assert identity["sourceIp"] == "127.0.0.1"
    assert urlsplit(url).path.endswith("/dev")


REFUSING_CONNECT = """
def handler(event, context):
    allowed = (event.get("queryStringParameters") or {}).get("room") == "open"
    return {"statusCode": 200 if allowed else 403}
"""


def test_a_connect_function_can_refuse_the_client(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    api.route("$connect", api.lambda_integration(new_function(emulator, REFUSING_CONNECT)))
    api.stage()
    with pytest.raises(InvalidStatus) as raised:
        api.connect(query="room=closed")
    assert raised.value.response.status_code == 403
    with api.connect(query="room=open"):
        pass
