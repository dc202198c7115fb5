"""SNS delivery: the envelope each protocol receives, raw delivery, filter policies, FIFO,
HTTP confirmation and retries, and the subscription's dead-letter queue."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from lambda_support import create_function, unique

from emulator.testing import EmulatorHandle


@pytest.fixture(autouse=True)
def _back_to_real_time(emulator: EmulatorHandle) -> Iterator[None]:
    """These tests move the shared emulator's clock; later tests expect real time."""
    yield
    emulator.clock.reset()

ENVELOPE_KEYS = {"Type", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion",
                 "Signature", "SigningCertURL", "UnsubscribeURL"}


class Queue:
    def __init__(self, emulator: EmulatorHandle, fifo: bool = False) -> None:
        self.sqs = emulator.client("sqs")
        attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
        name = unique("q") + (".fifo" if fifo else "")
        self.url = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        self.arn = self.sqs.get_queue_attributes(
            QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def messages(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                AttributeNames=["All"]).get("Messages", [])
            if not batch:
                return found
            found.extend(batch)
            for message in batch:
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])

    def bodies(self) -> list[Any]:
        return [json.loads(m["Body"]) for m in self.messages()]


def _topic(emulator: EmulatorHandle, fifo: bool = False, **attributes: str) -> str:
    sns = emulator.client("sns")
    if fifo:
        attributes["FifoTopic"] = "true"
    name = unique("t") + (".fifo" if fifo else "")
    arn: str = sns.create_topic(Name=name, Attributes=attributes)["TopicArn"]
    return arn


def test_sqs_gets_the_json_notification(emulator: EmulatorHandle) -> None:
    sns = emulator.client("sns")
    topic = _topic(emulator)
    queue = Queue(emulator)
    subscription = sns.subscribe(TopicArn=topic, Protocol="sqs",
                                 Endpoint=queue.arn)["SubscriptionArn"]
    published = sns.publish(TopicArn=topic, Message="hello", Subject="Greeting",
                            MessageAttributes={
                                "colour": {"DataType": "String", "StringValue": "blue"},
                                "size": {"DataType": "Number", "StringValue": "3"},
                                "blob": {"DataType": "Binary", "BinaryValue": b"\x01"},
                            })
    emulator.wait_idle()
    [envelope] = queue.bodies()
    assert set(envelope) == ENVELOPE_KEYS | {"Subject", "MessageAttributes"}
    assert envelope["Type"] == "Notification"
    assert envelope["MessageId"] == published["MessageId"]
    assert envelope["TopicArn"] == topic
    assert envelope["Subject"] == "Greeting"
    assert envelope["Message"] == "hello"
    assert envelope["SignatureVersion"] == "1"
    assert envelope["Timestamp"].endswith("Z")
    # The certificate's name ends in 32 hex digits, as in
    # https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html
    assert re.fullmatch(rf"https://sns\.{emulator.region}\.amazonaws\.com/"
                        r"SimpleNotificationService-[0-9a-f]{32}\.pem", envelope["SigningCertURL"])
    assert envelope["MessageAttributes"] == {
        "colour": {"Type": "String", "Value": "blue"},
        "size": {"Type": "Number", "Value": "3"},
        "blob": {"Type": "Binary", "Value": "AQ=="},
    }
    # The UnsubscribeURL works, as on AWS, without signing.
    assert httpx.get(envelope["UnsubscribeURL"]).status_code == 200
    assert subscription not in [s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(
        TopicArn=topic)["Subscriptions"]]


def test_the_notification_text_is_laid_out_as_sns_lays_it_out(emulator: EmulatorHandle) -> None:
    """One member a line, two spaces in, ``"Name" : value``, as in the example notification of
    https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html; each message
    attribute on a line of its own as compact JSON, as SQS bodies from SNS read."""
    sns = emulator.client("sns")
    topic = _topic(emulator)
    queue = Queue(emulator)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue.arn)
    sns.publish(TopicArn=topic, Message='{"order": "été"}', Subject="Hi",
                MessageAttributes={"colour": {"DataType": "String", "StringValue": "blue"},
                                   "size": {"DataType": "Number", "StringValue": "3"}})
    emulator.wait_idle()
    [body] = [message["Body"] for message in queue.messages()]
    lines = body.split("\n")
    envelope = json.loads(body)
    assert lines[:6] == ["{", '  "Type" : "Notification",',
                         f'  "MessageId" : "{envelope["MessageId"]}",',
                         f'  "TopicArn" : "{topic}",', '  "Subject" : "Hi",',
                         '  "Message" : "{\\"order\\": \\"été\\"}",']
    assert lines[-5:] == ['  "MessageAttributes" : {',
                          '    "colour" : {"Type":"String","Value":"blue"},',
                          '    "size" : {"Type":"Number","Value":"3"}', "  }", "}"]


def test_raw_delivery_sends_the_message_and_its_attributes(emulator: EmulatorHandle) -> None:
    sns = emulator.client("sns")
    topic = _topic(emulator)
    queue = Queue(emulator)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue.arn,
                  Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, Message="just this", MessageAttributes={
        "colour": {"DataType": "String", "StringValue": "blue"}})
    emulator.wait_idle()
    [message] = queue.messages()
    assert message["Body"] == "just this"
    assert message["MessageAttributes"] == {"colour": {"StringValue": "blue",
                                                       "DataType": "String"}}


def test_lambda_gets_an_sns_record(emulator: EmulatorHandle) -> None:
    sns, lam = emulator.client("sns"), emulator.client("lambda")
    topic = _topic(emulator)
    out = Queue(emulator)
    name = create_function(lam, {"app.py": f"""
        import boto3, json
        def handler(event, context):
            boto3.client("sqs").send_message(QueueUrl="{out.url}", MessageBody=json.dumps(event))
    """})
    function_arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="lambda",
                                 Endpoint=function_arn)["SubscriptionArn"]
    published = sns.publish(TopicArn=topic, Message="to lambda", MessageAttributes={
        "n": {"DataType": "Number", "StringValue": "1"}})
    emulator.wait_idle()
    [event] = out.bodies()
    [record] = event["Records"]
    assert record["EventSource"] == "aws:sns"
    assert record["EventVersion"] == "1.0"
    assert record["EventSubscriptionArn"] == subscription
    body = record["Sns"]
    assert set(body) == {"Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp",
                         "SignatureVersion", "Signature", "SigningCertUrl", "UnsubscribeUrl",
                         "MessageAttributes"}
    assert body["Subject"] is None
    assert body["Message"] == "to lambda"
    assert body["MessageId"] == published["MessageId"]
    assert body["MessageAttributes"] == {"n": {"Type": "Number", "Value": "1"}}


def test_message_structure_json_picks_each_protocols_text(emulator: EmulatorHandle) -> None:
    sns = emulator.client("sns")
    topic = _topic(emulator)
    plain, raw = Queue(emulator), Queue(emulator)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=plain.arn)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=raw.arn,
                  Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, MessageStructure="json",
                Message=json.dumps({"default": "everyone", "sqs": "queues only"}))
    emulator.wait_idle()
    assert [b["Message"] for b in plain.bodies()] == ["queues only"]
    assert [m["Body"] for m in raw.messages()] == ["queues only"]


POLICIES: list[tuple[dict[str, Any], dict[str, Any], bool]] = [
    ({"store": ["north"]}, {"store": ("String", "north")}, True),
    ({"store": ["north"]}, {"store": ("String", "south")}, False),
    ({"store": ["north"]}, {}, False),
    ({"price": [{"numeric": [">=", 100]}]}, {"price": ("Number", "150")}, True),
    ({"price": [{"numeric": [">=", 100]}]}, {"price": ("Number", "50")}, False),
    ({"price": [{"numeric": [">=", 100]}]}, {"price": ("String", "150")}, False),
    ({"tags": ["red"]}, {"tags": ("String.Array", '["blue", "red"]')}, True),
    ({"tags": ["red"]}, {"tags": ("String.Array", '["blue"]')}, False),
    ({"store": [{"exists": False}]}, {}, True),
    ({"store": [{"anything-but": ["north"]}]}, {"store": ("String", "east")}, True),
    ({"store": [{"prefix": "no"}]}, {"store": ("String", "north")}, True),
    ({"$or": [{"store": ["x"]}, {"price": [1]}]}, {"price": ("Number", "1")}, True),
]


@pytest.mark.parametrize(("policy", "attributes", "delivered"), POLICIES)
def test_filter_policy_on_attributes(emulator: EmulatorHandle, policy: dict[str, Any],
                                     attributes: dict[str, Any], delivered: bool) -> None:
    sns = emulator.client("sns")
    topic = _topic(emulator)
    queue = Queue(emulator)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue.arn,
                  Attributes={"FilterPolicy": json.dumps(policy)})
    sns.publish(TopicArn=topic, Message="m", MessageAttributes={
        name: {"DataType": kind, "StringValue": value}
        for name, (kind, value) in attributes.items()})
    emulator.wait_idle()
    assert len(queue.messages()) == (1 if delivered else 0)


def test_filter_policy_on_the_message_body(emulator: EmulatorHandle) -> None:
    sns = emulator.client("sns")
    topic = _topic(emulator)
    queue = Queue(emulator)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue.arn, Attributes={
        "FilterPolicyScope": "MessageBody",
        "FilterPolicy": json.dumps({"order": {"total": [{"numeric": [">", 10]}]}})})
    for message in ({"order": {"total": 50}}, {"order": {"total": 5}}, "not json"):
        sns.publish(TopicArn=topic, Message=json.dumps(message) if isinstance(
            message, dict) else message)
    emulator.wait_idle()
    assert [json.loads(b["Message"]) for b in queue.bodies()] == [{"order": {"total": 50}}]


def test_fifo_topic_to_fifo_queue_keeps_order_and_deduplicates(emulator: EmulatorHandle) -> None:
    sns = emulator.client("sns")
    topic = _topic(emulator, fifo=True, ContentBasedDeduplication="true")
    queue = Queue(emulator, fifo=True)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue.arn,
                  Attributes={"RawMessageDelivery": "true"})
    first = sns.publish(TopicArn=topic, Message="one", MessageGroupId="g")
    assert len(first["SequenceNumber"]) == 20
    again = sns.publish(TopicArn=topic, Message="one", MessageGroupId="g")
    assert again["MessageId"] == first["MessageId"]
    sns.publish(TopicArn=topic, Message="two", MessageGroupId="g")
    sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "a", "Message": "three", "MessageGroupId": "g"},
        {"Id": "b", "Message": "four", "MessageGroupId": "g"}])
    emulator.wait_idle()
    messages = queue.messages()
    assert [m["Body"] for m in messages] == ["one", "two", "three", "four"]
    assert {m["Attributes"]["MessageGroupId"] for m in messages} == {"g"}


def test_publish_batch_delivers_each_entry(emulator: EmulatorHandle) -> None:
    sns = emulator.client("sns")
    topic = _topic(emulator)
    queue = Queue(emulator)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue.arn)
    reply = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": f"e{i}", "Message": f"m{i}"} for i in range(5)])
    assert len(reply["Successful"]) == 5 and reply["Failed"] == []
    emulator.wait_idle()
    assert sorted(b["Message"] for b in queue.bodies()) == [f"m{i}" for i in range(5)]


def test_a_deleted_endpoint_is_not_retried_and_goes_to_the_dead_letter_queue(
    emulator: EmulatorHandle,
) -> None:
    """A queue or function that no longer exists is a client-side error: SNS does not retry it
    and moves the message to the subscription's dead-letter queue at once.
    https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html"""
    sns = emulator.client("sns")
    topic = _topic(emulator)
    dlq = Queue(emulator)
    redrive = {"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq.arn})}
    account_region = f"{emulator.region}:000000000000"
    sns.subscribe(TopicArn=topic, Protocol="sqs", Attributes=redrive,
                  Endpoint=f"arn:aws:sqs:{account_region}:{unique('missing')}")
    sns.subscribe(TopicArn=topic, Protocol="lambda", Attributes=redrive,
                  Endpoint=f"arn:aws:lambda:{account_region}:function:{unique('missing')}")
    sns.publish(TopicArn=topic, Message="lost")
    emulator.wait_idle()
    envelopes = dlq.bodies()
    assert [e["Message"] for e in envelopes] == ["lost", "lost"]
    assert {e["Type"] for e in envelopes} == {"Notification"}


class Recorder(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], str]]
    status = 200

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode()
        self.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def endpoint() -> Iterator[tuple[str, type[Recorder]]]:
    handler = type("Handler", (Recorder,), {"received": [], "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    finally:
        server.shutdown()


def test_http_subscription_confirmation_and_notification(
    emulator: EmulatorHandle, endpoint: tuple[str, type[Recorder]],
) -> None:
    url, handler = endpoint
    sns = emulator.client("sns")
    topic = _topic(emulator)
    assert sns.subscribe(TopicArn=topic, Protocol="http",
                         Endpoint=url)["SubscriptionArn"] == "pending confirmation"
    emulator.wait_idle()
    [(headers, body)] = handler.received
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == topic
    confirmation = json.loads(body)
    assert confirmation["Type"] == "SubscriptionConfirmation"
    assert confirmation["TopicArn"] == topic
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed[0]["SubscriptionArn"] == "PendingConfirmation"
    sns.publish(TopicArn=topic, Message="not yet")
    emulator.wait_idle()
    assert len(handler.received) == 1  # nothing goes to an unconfirmed endpoint
    confirmed = httpx.get(confirmation["SubscribeURL"])
    assert confirmed.status_code == 200 and "ConfirmSubscriptionResult" in confirmed.text
    subscription = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0][
        "SubscriptionArn"]
    assert subscription.startswith(topic + ":")
    sns.publish(TopicArn=topic, Message="now", Subject="S")
    emulator.wait_idle()
    headers, body = handler.received[-1]
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-subscription-arn"] == subscription
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    notification = json.loads(body)
    assert set(notification) == ENVELOPE_KEYS | {"Subject"}
    assert notification["Message"] == "now"
    sns.set_subscription_attributes(SubscriptionArn=subscription,
                                    AttributeName="RawMessageDelivery", AttributeValue="true")
    sns.publish(TopicArn=topic, Message="raw body")
    emulator.wait_idle()
    headers, body = handler.received[-1]
    assert body == "raw body"
    assert headers["x-amz-sns-rawdelivery"] == "true"


def test_http_delivery_is_retried_on_the_clock(
    emulator: EmulatorHandle, endpoint: tuple[str, type[Recorder]],
) -> None:
    url, handler = endpoint
    sns = emulator.client("sns")
    topic = _topic(emulator)
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=url)
    emulator.wait_idle()
    token = json.loads(handler.received[0][1])["Token"]
    sns.confirm_subscription(TopicArn=topic, Token=token)
    handler.status = 500
    sns.publish(TopicArn=topic, Message="flaky")
    emulator.wait_idle()
    assert len(handler.received) == 2
    for expected in (3, 4, 5):
        emulator.clock.advance(20)
        emulator.wait_idle()
        assert len(handler.received) == expected
    emulator.clock.advance(60)
    emulator.wait_idle()
    assert len(handler.received) == 5  # one try and three retries, then SNS gives up
