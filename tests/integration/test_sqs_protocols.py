"""SQS over every wire it speaks: the query protocol, raw JSON requests and the AWS CLI.

The query requests are built by botocore's own QuerySerializer from the query model and their
XML answers read by botocore's QueryParser, so botocore is the referee in both directions.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, prepare_request_dict
from botocore.credentials import Credentials
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from emulator.testing import EmulatorHandle
from emulator.wire import specs


class QueryClient:
    """Signed query-protocol calls, serialised and parsed by botocore."""

    def __init__(self, endpoint_url: str, region: str = "us-east-1", key: str = "test") -> None:
        self.endpoint_url = endpoint_url
        self.region = region
        self.credentials = Credentials(key, "secret")
        self.model = specs.query_model("sqs")
        self.serializer = create_serializer("query", include_validation=False)
        self.parser = create_parser("query")

    def call(
        self, operation: str, params: dict[str, Any], url: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        model = self.model.operation_model(operation)
        request = self.serializer.serialize_to_request(params, model)
        prepare_request_dict(request, endpoint_url=url or self.endpoint_url)
        aws_request = AWSRequest(
            method=request["method"], url=request["url"], data=request["body"],
            headers=request["headers"],
        )
        SigV4Auth(self.credentials, "sqs", self.region).add_auth(aws_request)
        prepared = aws_request.prepare()
        reply = httpx.request(
            prepared.method, prepared.url, content=prepared.body, headers=dict(prepared.headers)
        )
        parsed = self.parser.parse(
            {"status_code": reply.status_code, "headers": dict(reply.headers),
             "body": reply.content},
            model.output_shape,
        )
        return reply.status_code, parsed


@pytest.fixture
def query(fresh_emulator: EmulatorHandle) -> QueryClient:
    return QueryClient(fresh_emulator.endpoint_url)


def test_query_protocol_round_trip(query: QueryClient) -> None:
    status, created = query.call(
        "CreateQueue",
        {"QueueName": "legacy", "Attributes": {"VisibilityTimeout": "45"},
         "tags": {"team": "old"}},
    )
    assert status == 200
    url = created["QueueUrl"]
    assert url.endswith("/000000000000/legacy")
    _, found = query.call("GetQueueUrl", {"QueueName": "legacy"})
    assert found["QueueUrl"] == url
    _, listed = query.call("ListQueues", {})
    assert listed["QueueUrls"] == [url]
    attributes = {"city": {"DataType": "String", "StringValue": "Any City"},
                  "raw": {"DataType": "Binary", "BinaryValue": b"\x01\x02"}}
    _, sent = query.call(
        "SendMessage",
        {"QueueUrl": url, "MessageBody": "via query", "MessageAttributes": attributes},
    )
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"via query").hexdigest()
    _, received = query.call(
        "ReceiveMessage",
        {"QueueUrl": url, "MessageAttributeNames": ["All"], "AttributeNames": ["All"],
         "MaxNumberOfMessages": 5},
    )
    [message] = received["Messages"]
    assert message["Body"] == "via query"
    assert message["MessageId"] == sent["MessageId"]
    assert message["MessageAttributes"] == attributes
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    _, queue_attributes = query.call(
        "GetQueueAttributes", {"QueueUrl": url, "AttributeNames": ["All"]}
    )
    assert queue_attributes["Attributes"]["VisibilityTimeout"] == "45"
    assert queue_attributes["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "1"
    _, tags = query.call("ListQueueTags", {"QueueUrl": url})
    assert tags["Tags"] == {"team": "old"}
    status, _ = query.call(
        "DeleteMessage", {"QueueUrl": url, "ReceiptHandle": message["ReceiptHandle"]}
    )
    assert status == 200


def test_query_protocol_batches(query: QueryClient) -> None:
    _, created = query.call("CreateQueue", {"QueueName": "batched"})
    url = created["QueueUrl"]
    _, sent = query.call("SendMessageBatch", {"QueueUrl": url, "Entries": [
        {"Id": "a", "MessageBody": "one"},
        {"Id": "b", "MessageBody": "two", "DelaySeconds": 5000},
    ]})
    assert [entry["Id"] for entry in sent["Successful"]] == ["a"]
    assert sent["Failed"][0]["Id"] == "b"
    assert sent["Failed"][0]["SenderFault"] is True
    _, received = query.call("ReceiveMessage", {"QueueUrl": url})
    handle = received["Messages"][0]["ReceiptHandle"]
    _, deleted = query.call("DeleteMessageBatch", {"QueueUrl": url, "Entries": [
        {"Id": "x", "ReceiptHandle": handle}, {"Id": "y", "ReceiptHandle": "nonsense"}]})
    assert [entry["Id"] for entry in deleted["Successful"]] == ["x"]
    assert deleted["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"


def test_query_protocol_errors_use_legacy_codes(query: QueryClient) -> None:
    status, parsed = query.call("GetQueueUrl", {"QueueName": "absent"})
    assert status == 400
    assert parsed["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert parsed["Error"]["Message"] == "The specified queue does not exist."
    query.call("CreateQueue", {"QueueName": "dup", "Attributes": {"DelaySeconds": "1"}})
    status, parsed = query.call(
        "CreateQueue", {"QueueName": "dup", "Attributes": {"DelaySeconds": "2"}}
    )
    assert (status, parsed["Error"]["Code"]) == (400, "QueueAlreadyExists")
    status, parsed = query.call("CreateQueue", {})
    assert (status, parsed["Error"]["Code"]) == (400, "MissingParameter")


def test_query_request_posted_to_the_queue_url(query: QueryClient) -> None:
    _, created = query.call("CreateQueue", {"QueueName": "addressed"})
    url = created["QueueUrl"]
    status, sent = query.call("SendMessage", {"MessageBody": "by path"}, url=url)
    assert status == 200
    _, received = query.call("ReceiveMessage", {}, url=url)
    assert received["Messages"][0]["MessageId"] == sent["MessageId"]


def _json_call(
    endpoint: str, target: str, body: bytes, key: str = "test"
) -> httpx.Response:
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": f"AmazonSQS.{target}",
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={key}/20260101/us-east-1/sqs/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=0"
        ),
    }
    return httpx.post(endpoint, content=body, headers=headers)


def test_raw_json_missing_parameter(fresh_emulator: EmulatorHandle) -> None:
    reply = _json_call(fresh_emulator.endpoint_url, "CreateQueue", b"{}")
    assert reply.status_code == 400
    assert reply.json()["__type"].endswith("MissingParameter")
    assert reply.headers["x-amzn-query-error"] == "MissingParameter;Sender"
    assert "QueueName" in reply.json()["message"]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"QueueName": 7}'])
def test_raw_json_malformed_bodies_are_client_errors(
    fresh_emulator: EmulatorHandle, body: bytes
) -> None:
    reply = _json_call(fresh_emulator.endpoint_url, "CreateQueue", body)
    assert 400 <= reply.status_code < 500
    assert "__type" in reply.json()


def test_raw_json_call_creates_a_queue(fresh_emulator: EmulatorHandle) -> None:
    reply = _json_call(
        fresh_emulator.endpoint_url, "CreateQueue", json.dumps({"QueueName": "raw"}).encode(),
        key="111111111111",
    )
    assert reply.status_code == 200
    assert reply.json()["QueueUrl"].endswith("/111111111111/raw")


def _aws(emulator: EmulatorHandle, *args: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    done = subprocess.run(
        [sys.executable, "-m", "awscli", "--endpoint-url", emulator.endpoint_url,
         "--output", "json", "sqs", *args],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout) if done.stdout.strip() else {}
    return result


@pytest.mark.slow  # every command starts a real AWS CLI process
def test_aws_cli(fresh_emulator: EmulatorHandle) -> None:
    url = _aws(fresh_emulator, "create-queue", "--queue-name", "cli-queue",
               "--attributes", "VisibilityTimeout=40")["QueueUrl"]
    assert url.endswith("/000000000000/cli-queue")
    sent = _aws(fresh_emulator, "send-message", "--queue-url", url, "--message-body", "from cli",
                "--message-attributes",
                '{"City": {"DataType": "String", "StringValue": "Any City"}}')
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"from cli").hexdigest()
    received = _aws(fresh_emulator, "receive-message", "--queue-url", url,
                    "--attribute-names", "All", "--message-attribute-names", "All")
    [message] = received["Messages"]
    assert message["Body"] == "from cli"
    assert message["MessageAttributes"]["City"]["StringValue"] == "Any City"
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    _aws(fresh_emulator, "delete-message", "--queue-url", url,
         "--receipt-handle", message["ReceiptHandle"])
    attributes = _aws(fresh_emulator, "get-queue-attributes", "--queue-url", url,
                      "--attribute-names", "All")["Attributes"]
    assert attributes["VisibilityTimeout"] == "40"
    assert attributes["ApproximateNumberOfMessages"] == "0"


@pytest.mark.parametrize(
    ("target", "body"),
    [
        ("CreateQueue", '{"QueueName": "q\\ud800"}'),
        ("CreateQueue", '{"QueueName": "t", "tags": {"k": "\\udfff"}}'),
        ("GetQueueUrl", '{"QueueName": "\\ud800"}'),
        ("DeleteMessage", '{"QueueUrl": "%(url)s", "ReceiptHandle": "\\ud800"}'),
        ("SendMessage", '{"QueueUrl": "%(url)s", "MessageBody": "\\ud800"}'),
        ("SendMessage", '{"QueueUrl": "%(url)s", "MessageBody": "x", "MessageGroupId": "\\ud800"}'),
        ("SendMessage", '{"QueueUrl": "%(url)s", "MessageBody": "x", "MessageAttributes": '
                        '{"a\\ud800": {"DataType": "String", "StringValue": "v"}}}'),
        ("SendMessage", '{"QueueUrl": "%(url)s\\ud800", "MessageBody": "x"}'),
    ],
)
def test_lone_surrogates_in_json_are_client_errors(
    fresh_emulator: EmulatorHandle, target: str, body: str
) -> None:
    url = fresh_emulator.client("sqs").create_queue(QueueName="q")["QueueUrl"]
    reply = _json_call(fresh_emulator.endpoint_url, target, (body % {"url": url}).encode())
    assert 400 <= reply.status_code < 500
    assert "__type" in reply.json()


def test_a_lone_surrogate_in_a_batch_entry_is_refused_and_nothing_is_sent(
        fresh_emulator: EmulatorHandle) -> None:
    """Every JSON document from a client is read by one reader (emulator/inbound.py) that
    refuses a lone UTF-16 surrogate escape, which no store or client could carry: the whole
    request is a client error and no entry is sent (docs/reliability.md)."""
    sqs = fresh_emulator.client("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    entries = [
        {"Id": "bad", "MessageBody": "x",
         "MessageAttributes": {"\ud800": {"DataType": "String", "StringValue": "v"}}},
        {"Id": "good", "MessageBody": "y"},
    ]
    # json.dumps writes the lone surrogate as the escape "\ud800", as a JSON client would.
    body = json.dumps({"QueueUrl": url, "Entries": entries})
    reply = _json_call(fresh_emulator.endpoint_url, "SendMessageBatch", body.encode())
    assert reply.status_code == 400
    assert "__type" in reply.json()
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", []) == []
