"""Bucket notifications to SQS, SNS, Lambda and EventBridge, each record compared key by key to
AWS's documented event message (version 2.1):
https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
and EventBridge's S3 events: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_support import create_function

from emulator.testing import EmulatorHandle

# The keys of AWS's documented example, nested as they are there.
DOCUMENTED_RECORD: dict[str, Any] = {
    "eventVersion": None, "eventSource": None, "awsRegion": None, "eventTime": None,
    "eventName": None, "userIdentity": {"principalId": None},
    "requestParameters": {"sourceIPAddress": None},
    "responseElements": {"x-amz-request-id": None, "x-amz-id-2": None},
    "s3": {"s3SchemaVersion": None, "configurationId": None,
           "bucket": {"name": None, "ownerIdentity": {"principalId": None}, "arn": None},
           "object": {"key": None, "size": None, "eTag": None, "sequencer": None}},
}


def assert_documented_shape(record: dict[str, Any], bucket: str, key: str, size: int,
                            etag: str, configuration_id: str) -> None:
    def keys(value: Any, model: Any) -> None:
        if isinstance(model, dict):
            assert isinstance(value, dict)
            assert set(value) == set(model), (set(value) ^ set(model))
            for name, inner in model.items():
                keys(value[name], inner)

    keys(record, DOCUMENTED_RECORD)
    assert record["eventVersion"] == "2.1"
    assert record["eventSource"] == "aws:s3"
    assert record["awsRegion"] == "us-east-1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["eventTime"])
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["s3SchemaVersion"] == "1.0"
    assert record["s3"]["configurationId"] == configuration_id
    assert record["s3"]["bucket"]["name"] == bucket
    assert record["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    assert record["s3"]["object"]["key"] == key
    assert record["s3"]["object"]["size"] == size
    assert record["s3"]["object"]["eTag"] == etag.strip('"')
    assert re.fullmatch(r"[0-9A-F]+", record["s3"]["object"]["sequencer"])


def _wait_messages(sqs: Any, url: str, count: int) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while len(messages) < count and time.monotonic() < deadline:
        messages += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                        WaitTimeSeconds=1).get("Messages", [])
    return messages


@pytest.fixture
def clients(fresh_emulator: EmulatorHandle) -> dict[str, Any]:
    return {name: fresh_emulator.client(name) for name in ("s3", "sqs", "sns", "lambda",
                                                            "events")}


def test_sqs_gets_the_test_event_then_the_record(clients: dict[str, Any]) -> None:
    s3, sqs = clients["s3"], clients["sqs"]
    url = sqs.create_queue(QueueName="uploads")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    s3.create_bucket(Bucket="inbox")
    s3.put_bucket_notification_configuration(Bucket="inbox", NotificationConfiguration={
        "QueueConfigurations": [{"Id": "to-queue", "QueueArn": arn,
                                 "Events": ["s3:ObjectCreated:*"],
                                 "Filter": {"Key": {"FilterRules": [
                                     {"Name": "prefix", "Value": "in/"},
                                     {"Name": "suffix", "Value": ".jpg"}]}}}]})
    first = _wait_messages(sqs, url, 1)[0]
    test_event = json.loads(first["Body"])
    # Written as the documented examples are, with no space after ':' or ','.
    assert first["Body"] == json.dumps(test_event, separators=(",", ":"))
    assert test_event["Event"] == "s3:TestEvent" and test_event["Bucket"] == "inbox"
    assert test_event["Service"] == "Amazon S3"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    s3.put_object(Bucket="inbox", Key="out/skip.jpg", Body=b"x")  # prefix does not match
    s3.put_object(Bucket="inbox", Key="in/skip.png", Body=b"x")  # suffix does not match
    etag = s3.put_object(Bucket="inbox", Key="in/cat photo.jpg", Body=b"meow")["ETag"]
    messages = _wait_messages(sqs, url, 1)
    assert len(messages) == 1
    records = json.loads(messages[0]["Body"])["Records"]
    assert messages[0]["Body"] == json.dumps({"Records": records}, separators=(",", ":"))
    assert len(records) == 1
    assert_documented_shape(records[0], "inbox", "in/cat+photo.jpg", 4, etag, "to-queue")
    configured = s3.get_bucket_notification_configuration(Bucket="inbox")
    assert configured["QueueConfigurations"][0]["QueueArn"] == arn


def test_sns_topic_gets_the_record(clients: dict[str, Any]) -> None:
    s3, sqs, sns = clients["s3"], clients["sqs"], clients["sns"]
    topic = sns.create_topic(Name="uploads")["TopicArn"]
    url = sqs.create_queue(QueueName="topic-copy")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    s3.create_bucket(Bucket="topical")
    s3.put_bucket_notification_configuration(Bucket="topical", NotificationConfiguration={
        "TopicConfigurations": [{"Id": "to-topic", "TopicArn": topic,
                                 "Events": ["s3:ObjectCreated:Put"]}]})
    first = _wait_messages(sqs, url, 1)[0]
    assert json.loads(first["Body"])["Event"] == "s3:TestEvent"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    etag = s3.put_object(Bucket="topical", Key="doc.txt", Body=b"abc")["ETag"]
    bodies = [json.loads(m["Body"]) for m in _wait_messages(sqs, url, 1)]
    records = [body["Records"][0] for body in bodies if "Records" in body]
    assert len(records) == 1
    assert_documented_shape(records[0], "topical", "doc.txt", 3, etag, "to-topic")


def test_lambda_gets_the_record(clients: dict[str, Any], fresh_emulator: EmulatorHandle
                                ) -> None:
    s3, lam, sqs = clients["s3"], clients["lambda"], clients["sqs"]
    url = sqs.create_queue(QueueName="seen-by-lambda")["QueueUrl"]
    name = create_function(lam, {"app.py": f"""
        import json, os, boto3
        def handler(event, context):
            sqs = boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
            sqs.send_message(QueueUrl={url!r}, MessageBody=json.dumps(event))
    """})
    function_arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    lam.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::lambda-in",
                       SourceAccount="000000000000")
    s3.create_bucket(Bucket="lambda-in")
    s3.put_bucket_notification_configuration(Bucket="lambda-in", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"Id": "to-lambda", "LambdaFunctionArn": function_arn,
                                          "Events": ["s3:ObjectCreated:*"]}]})
    etag = s3.put_object(Bucket="lambda-in", Key="file.bin", Body=b"12345")["ETag"]
    messages = _wait_messages(sqs, url, 1)
    assert len(messages) == 1  # no test event for Lambda targets
    event = json.loads(messages[0]["Body"])
    assert_documented_shape(event["Records"][0], "lambda-in", "file.bin", 5, etag,
                            "to-lambda")


def test_eventbridge_gets_object_created(clients: dict[str, Any]) -> None:
    s3, sqs, events = clients["s3"], clients["sqs"], clients["events"]
    url = sqs.create_queue(QueueName="bridge")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    events.put_rule(Name="s3-created", EventPattern=json.dumps({
        "source": ["aws.s3"], "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": ["bridged"]}}}))
    events.put_targets(Rule="s3-created", Targets=[{"Id": "q", "Arn": arn}])
    s3.create_bucket(Bucket="bridged")
    s3.put_bucket_notification_configuration(Bucket="bridged", NotificationConfiguration={
        "EventBridgeConfiguration": {}})
    etag = s3.put_object(Bucket="bridged", Key="k.txt", Body=b"hello")["ETag"]
    event = json.loads(_wait_messages(sqs, url, 1)[0]["Body"])
    assert event["source"] == "aws.s3" and event["detail-type"] == "Object Created"
    assert event["resources"] == ["arn:aws:s3:::bridged"]
    detail = event["detail"]
    assert set(detail) == {"version", "bucket", "object", "request-id", "requester",
                           "source-ip-address", "reason"}
    assert detail["object"]["key"] == "k.txt" and detail["object"]["size"] == 5
    assert detail["object"]["etag"] == etag.strip('"')
    assert detail["reason"] == "PutObject"


def test_unreachable_destination_is_refused(clients: dict[str, Any]) -> None:
    s3 = clients["s3"]
    s3.create_bucket(Bucket="nowhere")
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_notification_configuration(Bucket="nowhere", NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": "arn:aws:sqs:us-east-1:000000000000:none",
                                     "Events": ["s3:ObjectCreated:*"]}]})
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == "Unable to validate the following destination configurations"


def test_the_request_trace_header_goes_with_the_event(clients: dict[str, Any]) -> None:
    """S3 passes the X-Ray trace context of the request on to notification destinations
    (https://docs.aws.amazon.com/xray/latest/devguide/xray-services-s3.html): an SQS
    destination's message carries it as its AWSTraceHeader system attribute."""
    s3, sqs = clients["s3"], clients["sqs"]
    url = sqs.create_queue(QueueName="traced")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    s3.create_bucket(Bucket="traced-inbox")
    s3.put_bucket_notification_configuration(Bucket="traced-inbox", NotificationConfiguration={
        "QueueConfigurations": [{"Id": "q", "QueueArn": arn,
                                 "Events": ["s3:ObjectCreated:*"]}]})
    for message in _wait_messages(sqs, url, 1):  # the test event
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"

    def add_trace(request: Any, **_: Any) -> None:
        request.headers["X-Amzn-Trace-Id"] = trace

    s3.meta.events.register_first("before-sign.s3.PutObject", add_trace)
    s3.put_object(Bucket="traced-inbox", Key="a.txt", Body=b"a")
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while not messages and time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1,
                                       MessageSystemAttributeNames=["AWSTraceHeader"]
                                       ).get("Messages", [])
    assert messages, "no event arrived"
    assert messages[0]["Attributes"]["AWSTraceHeader"] == trace


def test_lifecycle_expiry_is_a_lifecycle_event_not_an_object_removed_one(
        clients: dict[str, Any], fresh_emulator: EmulatorHandle) -> None:
    """Expirations are s3:LifecycleExpiration:* events (eventName LifecycleExpiration:Delete)
    and do not match s3:ObjectRemoved:*:
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
    """
    s3, sqs = clients["s3"], clients["sqs"]
    urls, arns = {}, {}
    for name in ("expired", "removed"):
        urls[name] = sqs.create_queue(QueueName=f"lifecycle-{name}")["QueueUrl"]
        arns[name] = sqs.get_queue_attributes(QueueUrl=urls[name], AttributeNames=[
            "QueueArn"])["Attributes"]["QueueArn"]
    fresh_emulator.clock.set(1_900_000_000)
    s3.create_bucket(Bucket="aging-events")
    s3.put_bucket_lifecycle_configuration(Bucket="aging-events", LifecycleConfiguration={
        "Rules": [{"ID": "a-day", "Status": "Enabled", "Filter": {},
                   "Expiration": {"Days": 1}}]})
    s3.put_bucket_notification_configuration(Bucket="aging-events", NotificationConfiguration={
        "QueueConfigurations": [
            {"Id": "expired", "QueueArn": arns["expired"],
             "Events": ["s3:LifecycleExpiration:*"]},
            {"Id": "removed", "QueueArn": arns["removed"], "Events": ["s3:ObjectRemoved:*"]}]})
    for url in urls.values():  # the test events
        for message in _wait_messages(sqs, url, 1):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    s3.put_object(Bucket="aging-events", Key="old.txt", Body=b"x")
    fresh_emulator.clock.advance(3 * 86400)
    messages = _wait_messages(sqs, urls["expired"], 1)
    assert len(messages) == 1
    record = json.loads(messages[0]["Body"])["Records"][0]
    assert record["eventName"] == "LifecycleExpiration:Delete"
    assert record["s3"]["object"]["key"] == "old.txt"
    assert sqs.receive_message(QueueUrl=urls["removed"], WaitTimeSeconds=1).get(
        "Messages", []) == []


def test_a_function_s3_may_not_invoke_is_refused(clients: dict[str, Any]) -> None:
    """S3 needs the function's resource-based policy to let s3.amazonaws.com invoke it for
    this bucket (https://docs.aws.amazon.com/AmazonS3/latest/userguide/
    grant-destinations-permissions-to-s3.html); without that, or for a function that does not
    exist, the configuration is refused and the one in place stays."""
    s3, lam = clients["s3"], clients["lambda"]
    name = create_function(lam, {"app.py": "def handler(event, context):\n    return 1\n"})
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    s3.create_bucket(Bucket="guarded")

    def refusal(function_arn: str) -> dict[str, Any]:
        with pytest.raises(ClientError) as caught:
            s3.put_bucket_notification_configuration(Bucket="guarded", NotificationConfiguration={
                "LambdaFunctionConfigurations": [{"LambdaFunctionArn": function_arn,
                                                  "Events": ["s3:ObjectCreated:*"]}]})
        error: dict[str, Any] = caught.value.response["Error"]
        assert error["Code"] == "InvalidArgument"
        assert error["Message"] == "Unable to validate the following destination configurations"
        return error

    assert refusal(arn)["ArgumentValue1"] == f"Not authorized to invoke function [{arn}]"
    lam.add_permission(FunctionName=name, StatementId="other-bucket",
                       Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                       SourceArn="arn:aws:s3:::someone-else")
    assert refusal(arn)["ArgumentName1"] == arn
    missing = arn.replace(name, name + "-gone")
    assert refusal(missing)["ArgumentValue1"] == f"Not authorized to invoke function [{missing}]"
    assert "LambdaFunctionConfigurations" not in s3.get_bucket_notification_configuration(
        Bucket="guarded")
    lam.add_permission(FunctionName=name, StatementId="this-bucket",
                       Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                       SourceArn="arn:aws:s3:::guard*", SourceAccount="000000000000")
    s3.put_bucket_notification_configuration(Bucket="guarded", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn,
                                          "Events": ["s3:ObjectCreated:*"]}]})
