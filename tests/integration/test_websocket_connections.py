"""Connections and the ``@connections`` API: a function that broadcasts to every member with
boto3's apigatewaymanagementapi client at the callback URL its event gives, GoneException once a
client has left, ``$disconnect`` on a client's close and on DeleteConnection, GetConnection,
and the callback URL's forms."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from urllib.parse import quote, urlsplit

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from lambda_support import unique
from websocket_support import (
    ECHO,
    TIMEOUT,
    WebSocketApi,
    new_function,
    new_websocket_api,
    receive_json,
)
from websockets.exceptions import ConnectionClosed
from websockets.sync.connection import Connection

from emulator.testing import EmulatorHandle

# A room: members are kept as the tags of an SQS queue (a stand-in for a table); every
# message and every departure is broadcast to all members through @connections.
ROOM = """
import json
import os
import boto3
from callbacks import management

sqs = boto3.client("sqs")
ROOM = os.environ["ROOM"]

def broadcast(event, note):
    api = management(event)
    for member in sqs.list_queue_tags(QueueUrl=ROOM).get("Tags", {}):
        try:
            api.post_to_connection(ConnectionId=member, Data=json.dumps(note).encode())
        except api.exceptions.GoneException:
            sqs.untag_queue(QueueUrl=ROOM, TagKeys=[member])

def handler(event, context):
    context = event["requestContext"]
    me = context["connectionId"]
    if context["eventType"] == "CONNECT":
        sqs.tag_queue(QueueUrl=ROOM, Tags={me: "member"})
    elif context["eventType"] == "DISCONNECT":
        sqs.untag_queue(QueueUrl=ROOM, TagKeys=[me])
        broadcast(event, {"left": me, "code": context["disconnectStatusCode"],
                          "reason": context["disconnectReason"]})
    elif context["routeKey"] == "whoami":
        return {"statusCode": 200, "body": json.dumps({"me": me})}
    else:
        broadcast(event, {"from": me, "text": json.loads(event["body"])["text"]})
    return {"statusCode": 200}
"""


@pytest.fixture(scope="module")
def room(emulator: EmulatorHandle) -> WebSocketApi:
    queue = emulator.client("sqs").create_queue(QueueName=unique("room"))["QueueUrl"]
    api = new_websocket_api(emulator)
    # Each event makes several calls back to the emulator; a loaded suite must not time the
    # function out at Lambda's default 3 s (its $disconnect would then tell no one).
    function = new_function(emulator, ROOM, Environment={"Variables": {"ROOM": queue}},
                            Timeout=30)
    integration = api.lambda_integration(function)
    for key in ("$connect", "$disconnect", "send"):
        api.route(key, integration)
    api.route("whoami", integration, two_way=True)
    api.stage()
    return api


@pytest.fixture(scope="module")
def quiet(emulator: EmulatorHandle) -> WebSocketApi:
    """An API that only echoes: nothing but the test's own calls reaches its clients."""
    api = new_websocket_api(emulator)
    api.route("$default", api.lambda_integration(new_function(emulator, ECHO)), two_way=True)
    api.stage()
    return api


@pytest.fixture
def alone(quiet: WebSocketApi) -> Iterator[tuple[Connection, str]]:
    with quiet.connect() as ws:
        ws.send("who am I?")
        yield ws, receive_json(ws)["requestContext"]["connectionId"]


def _join(api: WebSocketApi, stack: ExitStack, **options: object) -> tuple[Connection,
                                                                             str]:
    ws = stack.enter_context(api.connect(**options))  # type: ignore[arg-type]
    ws.send('{"action": "whoami"}')
    for _ in range(20):  # departures of earlier tests' members may come first
        note = receive_json(ws)
        if "me" in note:
            return ws, str(note["me"])
    raise AssertionError("whoami was not answered")


@pytest.fixture
def three(room: WebSocketApi) -> Iterator[list[tuple[Connection, str]]]:
    with ExitStack() as stack:
        yield [_join(room, stack) for _ in range(3)]


def _until(ws: Connection, wanted: str, value: str) -> dict[str, object]:
    """The first message whose ``wanted`` key is ``value`` (others, such as departures of
    earlier tests' members, are skipped)."""
    for _ in range(20):
        note = receive_json(ws)
        if note.get(wanted) == value:
            return dict(note)
    raise AssertionError(f"no message with {wanted}={value}")


def test_a_function_broadcasts_to_every_connection(
        three: list[tuple[Connection, str]]) -> None:
    (a, a_id), (b, _), (c, _) = three
    a.send(json.dumps({"action": "send", "text": "hello all"}))
    for ws in (a, b, c):
        assert _until(ws, "from", a_id)["text"] == "hello all"


def test_disconnect_runs_when_a_client_closes_and_the_connection_is_gone(
        room: WebSocketApi, three: list[tuple[Connection, str]]) -> None:
    (a, _), (b, b_id), (c, _) = three
    b.close()
    for ws in (a, c):  # the $disconnect function told the others
        note = _until(ws, "left", b_id)
        assert note["code"] == 1000 and note["reason"]
    api = room.management()
    for call in (lambda: api.post_to_connection(ConnectionId=b_id, Data=b"late"),
                 lambda: api.get_connection(ConnectionId=b_id),
                 lambda: api.delete_connection(ConnectionId=b_id)):
        with pytest.raises(ClientError) as raised:
            call()
        assert raised.value.response["Error"]["Code"] == "GoneException"
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410


def test_post_to_connection_from_outside(quiet: WebSocketApi,
                                         alone: tuple[Connection, str]) -> None:
    ws, me = alone
    quiet.management().post_to_connection(ConnectionId=me, Data=b'{"news": "from outside"}')
    assert receive_json(ws) == {"news": "from outside"}


def test_get_connection(quiet: WebSocketApi, emulator: EmulatorHandle,
                        alone: tuple[Connection, str]) -> None:
    _, me = alone
    found = quiet.management().get_connection(ConnectionId=me)
    assert found["Identity"]["SourceIp"] == "127.0.0.1"
    assert found["Identity"]["UserAgent"].startswith("Python/")
    assert abs(found["ConnectedAt"].timestamp() - emulator.clock.now()) < 60
    assert found["LastActiveAt"] >= found["ConnectedAt"]  # whoami was sent after connecting


def test_delete_connection_closes_the_client_and_runs_disconnect(
        room: WebSocketApi, three: list[tuple[Connection, str]]) -> None:
    (a, a_id), (b, _), _ = three
    room.management().delete_connection(ConnectionId=a_id)
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(20):
            a.recv(timeout=TIMEOUT)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1000
    note = _until(b, "left", a_id)
    assert note == {"left": a_id, "code": 1000, "reason": "Connection Closed Normally"}


def test_a_message_over_128_kb_cannot_be_posted(
        quiet: WebSocketApi, alone: tuple[Connection, str]) -> None:
    ws, me = alone
    api = quiet.management()
    with pytest.raises(ClientError) as raised:
        api.post_to_connection(ConnectionId=me, Data=b"x" * (128 * 1024 + 1))
    assert raised.value.response["Error"]["Code"] == "PayloadTooLargeException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    api.post_to_connection(ConnectionId=me, Data=b"y" * (128 * 1024))
    assert ws.recv(timeout=TIMEOUT) == "y" * (128 * 1024)


def test_the_callback_url_of_another_stage_does_not_reach_the_connection(
        quiet: WebSocketApi, alone: tuple[Connection, str]) -> None:
    _, me = alone
    with pytest.raises(ClientError) as raised:
        quiet.management(stage="prod").post_to_connection(ConnectionId=me, Data=b"x")
    assert raised.value.response["Error"]["Code"] == "GoneException"


def test_the_plain_endpoint_serves_connections_too(
        emulator: EmulatorHandle, alone: tuple[Connection, str]) -> None:
    ws, me = alone
    client = emulator.client("apigatewaymanagementapi")  # AWS_ENDPOINT_URL, as in a function
    client.post_to_connection(ConnectionId=me, Data=b"plain")
    assert ws.recv(timeout=TIMEOUT) == "plain"


def _signed(method: str, url: str, body: bytes = b"") -> dict[str, str]:
    """The headers of a SigV4-signed call to ``url`` (Host included: the name need not
    resolve, the call goes to the emulator's own address)."""
    request = AWSRequest(method=method, url=url, data=body)
    SigV4Auth(Credentials("test", "test"), "execute-api", "us-east-1").add_auth(request)
    return {"Host": urlsplit(url).netloc, **dict(request.headers.items())}


@pytest.mark.parametrize("at", ["@connections", "%40connections"])
def test_the_host_form_callback_url(quiet: WebSocketApi, emulator: EmulatorHandle, at: str
                                    ) -> None:
    """``http://{apiId}.execute-api.localhost:{port}/{stage}/@connections/{id}``, with the
    @ as it is or URL-encoded (as awscurl users write it)."""
    with quiet.connect(by_host=True) as ws:
        ws.send("who am I?")
        me = receive_json(ws)["requestContext"]["connectionId"]
        port = urlsplit(emulator.endpoint_url).port
        url = f"http://{quiet.id}.execute-api.localhost:{port}/dev/{at}/{quote(me, safe='')}"
        reply = httpx.post(f"http://127.0.0.1:{port}{urlsplit(url).path}",
                           headers=_signed("POST", url, b"by host"), content=b"by host")
        assert reply.status_code == 200, reply.text
        assert ws.recv(timeout=TIMEOUT) == "by host"
        found = httpx.get(f"http://127.0.0.1:{port}{urlsplit(url).path}",
                          headers=_signed("GET", url))
        assert found.status_code == 200
        assert found.json()["identity"]["sourceIp"] == "127.0.0.1"


def test_aws_callback_name_with_a_trailing_slash_endpoint(
        quiet: WebSocketApi, emulator: EmulatorHandle, alone: tuple[Connection, str]) -> None:
    """A function that builds its management client's endpoint as
    ``https://{apiId}.execute-api.{region}.amazonaws.com/{stage}/`` (serverless-patterns'
    apigw-websocket-mapping-template-authorizer/src/sendmessage.mjs) reaches the emulator
    with AWS's Host, and the SDK sends ``/{stage}//@connections/{id}``, which AWS serves."""
    ws, me = alone
    port = urlsplit(emulator.endpoint_url).port
    url = (f"https://{quiet.id}.execute-api.us-east-1.amazonaws.com/dev//@connections/"
           f"{quote(me, safe='')}")
    reply = httpx.post(f"http://127.0.0.1:{port}{urlsplit(url).path}",
                       headers=_signed("POST", url, b"aws name"), content=b"aws name")
    assert reply.status_code == 200, reply.text
    assert ws.recv(timeout=TIMEOUT) == "aws name"
