"""EventBridge Pipes' data plane: SQS messages through filters, enrichment and InputTemplate
to SQS, Step Functions and Lambda targets; stop and start; a Kinesis source.

Sources:
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-sqs.html (the SQS record
shape: messageId, receiptHandle, body, attributes, messageAttributes, md5OfBody,
eventSource, eventSourceARN, awsRegion)
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-kinesis.html (Kinesis
records flat: kinesisSchemaVersion, partitionKey, sequenceNumber, data... beside eventSource)
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html
(<$.path> placeholders, implicit body data parsing, <aws.pipes.*> reserved variables)
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html
(Lambda and Step Functions targets receive the batch as an array)
https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-enrichment.html
"""

from __future__ import annotations

import base64
import json
from typing import Any

from lambda_support import create_function, unique

from emulator.testing import EmulatorHandle

ROLE = "arn:aws:iam::000000000000:role/pipes"


class Queues:
    def __init__(self, emulator: EmulatorHandle) -> None:
        self.emulator = emulator
        self.sqs = emulator.client("sqs")
        self.pipes = emulator.client("pipes")
        self.source_url, self.source = self.queue("src")
        self.target_url, self.target = self.queue("dst")

    def queue(self, prefix: str) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=unique(prefix))["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        return url, arn

    def pipe(self, **options: Any) -> str:
        name = unique("pipe")
        options.setdefault("Source", self.source)
        options.setdefault("Target", self.target)
        self.pipes.create_pipe(Name=name, RoleArn=ROLE, **options)
        return name

    def send(self, *bodies: str, **options: Any) -> None:
        for body in bodies:
            self.sqs.send_message(QueueUrl=self.source_url, MessageBody=body, **options)

    def delivered(self) -> list[str]:
        found: list[str] = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.target_url,
                                                MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return found
            for message in messages:
                found.append(message["Body"])
                self.sqs.delete_message(QueueUrl=self.target_url,
                                        ReceiptHandle=message["ReceiptHandle"])

    def left(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.source_url, AttributeNames=["ApproximateNumberOfMessages",
                                                      "ApproximateNumberOfMessagesNotVisible"])
        return sum(int(value) for value in attributes["Attributes"].values())


def _stream(emulator: EmulatorHandle) -> tuple[str, str]:
    """A new Kinesis stream of one shard: its name and ARN."""
    kinesis = emulator.client("kinesis")
    stream = unique("stream")
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    return stream, kinesis.describe_stream_summary(StreamName=stream)[
        "StreamDescriptionSummary"]["StreamARN"]


def test_an_sqs_message_reaches_the_target_as_its_record(emulator: EmulatorHandle) -> None:
    queues = Queues(emulator)
    name = queues.pipe()
    queues.send("hello", MessageAttributes={
        "colour": {"DataType": "String", "StringValue": "blue"}})
    emulator.wait_idle()
    [body] = queues.delivered()
    record = json.loads(body)
    assert list(record) == ["messageId", "receiptHandle", "body", "attributes",
                            "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN",
                            "awsRegion"]
    assert record["body"] == "hello"
    assert record["md5OfBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == queues.source
    assert record["messageAttributes"]["colour"]["stringValue"] == "blue"
    assert queues.left() == 0  # deleted once delivered
    queues.pipes.delete_pipe(Name=name)


def test_filters_drop_what_no_pattern_matches(emulator: EmulatorHandle) -> None:
    queues = Queues(emulator)
    name = queues.pipe(SourceParameters={"FilterCriteria": {"Filters": [
        {"Pattern": json.dumps({"body": {"kind": ["order"]}})}]}})
    queues.send(json.dumps({"kind": "order", "n": 1}), json.dumps({"kind": "noise"}),
                "not json")
    emulator.wait_idle()
    bodies = [json.loads(json.loads(text)["body"]) for text in queues.delivered()]
    assert bodies == [{"kind": "order", "n": 1}]
    assert queues.left() == 0  # what no filter wants is deleted too
    queues.pipes.delete_pipe(Name=name)


def test_input_template_fills_paths_and_reserved_variables(emulator: EmulatorHandle) -> None:
    queues = Queues(emulator)
    template = ('{"id": <$.body.id>, "who": "Hello, <$.body.name>", '
                '"pipe": <aws.pipes.pipe-name>, "source": "<aws.pipes.source-arn>", '
                '"sender": <$.attributes.SenderId>}')
    name = queues.pipe(TargetParameters={"InputTemplate": template})
    queues.send(json.dumps({"id": 7, "name": "Ada"}))
    emulator.wait_idle()
    [body] = queues.delivered()
    assert json.loads(body) == {"id": 7, "who": "Hello, Ada", "pipe": name,
                                "source": queues.source, "sender": "000000000000"}
    queues.pipes.update_pipe(Name=name, RoleArn=ROLE,
                             TargetParameters={"InputTemplate": "Got <$.body.name>"})
    queues.send(json.dumps({"id": 8, "name": "Grace"}))
    emulator.wait_idle()
    assert queues.delivered() == ["Got Grace"]
    queues.pipes.delete_pipe(Name=name)


def test_a_stopped_pipe_delivers_once_started(emulator: EmulatorHandle) -> None:
    queues = Queues(emulator)
    name = queues.pipe(DesiredState="STOPPED")
    queues.send("waiting")
    emulator.wait_idle()
    assert queues.delivered() == []
    assert queues.left() == 1
    queues.pipes.start_pipe(Name=name)
    emulator.wait_idle()
    assert [json.loads(text)["body"] for text in queues.delivered()] == ["waiting"]
    queues.pipes.stop_pipe(Name=name)
    queues.send("later")
    emulator.wait_idle()
    assert queues.delivered() == []
    queues.pipes.delete_pipe(Name=name)


PASS_MACHINE = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass",
                                                                  "End": True}}})


def test_step_functions_target_gets_the_batch_as_an_array(emulator: EmulatorHandle) -> None:
    queues = Queues(emulator)
    sfn = emulator.client("stepfunctions")
    machine = sfn.create_state_machine(name=unique("sm"), definition=PASS_MACHINE,
                                       roleArn=ROLE)["stateMachineArn"]
    queues.send("one", "two", "three")
    name = queues.pipe(Target=machine, SourceParameters={"SqsQueueParameters": {
        "BatchSize": 10}})
    emulator.wait_idle()
    executions = sfn.list_executions(stateMachineArn=machine)["executions"]
    raw = [sfn.describe_execution(executionArn=e["executionArn"])["input"] for e in executions]
    inputs = [json.loads(text) for text in raw]
    # Written compact, as EventBridge writes JSON for its targets (no spaces after , and :).
    assert raw == [json.dumps(batch, separators=(",", ":")) for batch in inputs]
    bodies = sorted(record["body"] for batch in inputs for record in batch)
    assert all(isinstance(batch, list) for batch in inputs)
    assert bodies == ["one", "three", "two"]
    assert queues.left() == 0
    queues.pipes.delete_pipe(Name=name)


# Tags each event it gets, so the target shows the enrichment ran; records what it got.
ENRICH = {"app.py": """
    def handler(event, context):
        return [{"enriched": True, "body": record["body"]} for record in event]
"""}


def test_lambda_enrichment_reshapes_the_batch(emulator: EmulatorHandle) -> None:
    queues = Queues(emulator)
    lam = emulator.client("lambda")
    function = create_function(lam, ENRICH)
    arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    name = queues.pipe(Enrichment=arn,
                       TargetParameters={"InputTemplate": '{"got": <$.body>}'})
    queues.send("cheese")
    emulator.wait_idle()
    assert [json.loads(text) for text in queues.delivered()] == [{"got": "cheese"}]
    queues.pipes.delete_pipe(Name=name)


def test_a_failing_target_leaves_the_message_in_the_queue(emulator: EmulatorHandle) -> None:
    queues = Queues(emulator)
    missing = queues.target.rsplit(":", 1)[0] + ":" + unique("gone")
    name = queues.pipe(Target=missing)
    queues.send("kept")
    emulator.wait_idle()
    assert queues.left() == 1
    queues.pipes.delete_pipe(Name=name)


def test_kinesis_records_reach_the_target_flat(emulator: EmulatorHandle) -> None:
    queues = Queues(emulator)
    kinesis = emulator.client("kinesis")
    stream, stream_arn = _stream(emulator)
    name = queues.pipe(Source=stream_arn, SourceParameters={
        "KinesisStreamParameters": {"StartingPosition": "LATEST", "BatchSize": 10},
        "FilterCriteria": {"Filters": [{"Pattern": json.dumps({"data": {"n": [2]}})}]}})
    for n in (1, 2):
        kinesis.put_record(StreamName=stream, Data=json.dumps({"n": n}).encode(),
                           PartitionKey="k")
    emulator.wait_idle()
    [body] = queues.delivered()
    record = json.loads(body)
    assert list(record)[:5] == ["kinesisSchemaVersion", "partitionKey", "sequenceNumber",
                                "data", "approximateArrivalTimestamp"]
    assert record["eventSource"] == "aws:kinesis"
    assert record["eventName"] == "aws:kinesis:record"
    assert record["invokeIdentityArn"] == ROLE
    assert record["eventSourceARN"] == stream_arn
    assert record["eventID"] == f"shardId-000000000000:{record['sequenceNumber']}"
    assert json.loads(base64.b64decode(record["data"])) == {"n": 2}
    queues.pipes.delete_pipe(Name=name)


def test_dynamodb_stream_records_reach_the_target(emulator: EmulatorHandle) -> None:
    queues = Queues(emulator)
    ddb = emulator.client("dynamodb")
    table = unique("table")
    reply = ddb.create_table(
        TableName=table, KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    stream_arn = reply["TableDescription"]["LatestStreamArn"]
    name = queues.pipe(Source=stream_arn, SourceParameters={
        "DynamoDBStreamParameters": {"StartingPosition": "LATEST", "BatchSize": 5}})
    ddb.put_item(TableName=table, Item={"Id": {"S": "a"}, "n": {"N": "1"}})
    emulator.wait_idle()
    [body] = queues.delivered()
    record = json.loads(body)
    assert record["eventName"] == "INSERT"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"] == stream_arn
    assert record["dynamodb"]["NewImage"] == {"Id": {"S": "a"}, "n": {"N": "1"}}
    queues.pipes.delete_pipe(Name=name)


# Sends the event it gets to the queue in OUT_URL.
RELAY = {"app.py": """
    import json, os
    import boto3

    def handler(event, context):
        boto3.client("sqs").send_message(QueueUrl=os.environ["OUT_URL"],
                                         MessageBody=json.dumps(event))
"""}


def test_lambda_target_gets_the_batch_as_an_array(emulator: EmulatorHandle) -> None:
    queues = Queues(emulator)
    lam = emulator.client("lambda")
    function = create_function(lam, RELAY, Environment={"Variables": {
        "OUT_URL": queues.target_url}})
    arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    queues.send("a", "b")
    name = queues.pipe(Target=arn, SourceParameters={"SqsQueueParameters": {
        "BatchSize": 10}})
    emulator.wait_idle()
    batches = [json.loads(text) for text in queues.delivered()]
    assert all(isinstance(batch, list) for batch in batches)
    assert sorted(record["body"] for batch in batches for record in batch) == ["a", "b"]
    assert queues.left() == 0
    queues.pipes.delete_pipe(Name=name)


def test_fifo_target_takes_its_group_from_a_path(emulator: EmulatorHandle) -> None:
    queues = Queues(emulator)
    url = queues.sqs.create_queue(QueueName=unique("dst") + ".fifo", Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    arn = queues.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    name = queues.pipe(Target=arn, TargetParameters={
        "InputTemplate": "<$.body.text>",
        "SqsQueueParameters": {"MessageGroupId": "$.body.group"}})
    queues.send(json.dumps({"group": "g-1", "text": "first"}))
    emulator.wait_idle()
    [message] = queues.sqs.receive_message(
        QueueUrl=url, AttributeNames=["MessageGroupId"])["Messages"]
    assert message["Body"] == "first"
    assert message["Attributes"]["MessageGroupId"] == "g-1"
    queues.pipes.delete_pipe(Name=name)


def test_a_stream_batch_that_keeps_failing_goes_to_the_dead_letter_queue(
    emulator: EmulatorHandle,
) -> None:
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-dlq.html
    queues = Queues(emulator)
    kinesis = emulator.client("kinesis")
    stream, stream_arn = _stream(emulator)
    missing = queues.target.rsplit(":", 1)[0] + ":" + unique("gone")
    name = queues.pipe(Source=stream_arn, Target=missing, SourceParameters={
        "KinesisStreamParameters": {"StartingPosition": "LATEST", "MaximumRetryAttempts": 0,
                                    "DeadLetterConfig": {"Arn": queues.target}}})
    kinesis.put_record(StreamName=stream, Data=b"lost", PartitionKey="k")
    emulator.wait_idle()
    [body] = queues.delivered()
    assert json.loads(body)["KinesisBatchInfo"]["streamArn"] == stream_arn
    queues.pipes.delete_pipe(Name=name)


def test_event_bus_target_puts_each_event_as_its_detail(emulator: EmulatorHandle) -> None:
    # https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_PipeTargetEventBridgeEventBusParameters.html
    queues = Queues(emulator)
    events = emulator.client("events")
    bus = unique("bus")
    bus_arn = events.create_event_bus(Name=bus)["EventBusArn"]
    rule = unique("rule")
    events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(
        {"source": ["orders.pipe"]}))
    events.put_targets(Rule=rule, EventBusName=bus, Targets=[
        {"Id": "out", "Arn": queues.target}])
    name = queues.pipe(Target=bus_arn, TargetParameters={
        "InputTemplate": '{"id": <$.body.id>}',
        "EventBridgeEventBusParameters": {"Source": "orders.pipe",
                                          "DetailType": "$.body.kind"}})
    queues.send(json.dumps({"id": 3, "kind": "OrderPlaced"}))
    emulator.wait_idle()
    [body] = queues.delivered()
    event = json.loads(body)
    assert (event["source"], event["detail-type"], event["detail"]) == (
        "orders.pipe", "OrderPlaced", {"id": 3})
    queues.pipes.delete_pipe(Name=name)


def test_kinesis_and_log_group_targets(emulator: EmulatorHandle) -> None:
    # https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_PipeTargetKinesisStreamParameters.html
    # https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_PipeTargetCloudWatchLogsParameters.html
    queues = Queues(emulator)
    kinesis, logs = emulator.client("kinesis"), emulator.client("logs")
    stream, stream_arn = _stream(emulator)
    group = unique("/pipes/group")
    logs.create_log_group(logGroupName=group)
    group_arn = f"arn:aws:logs:{emulator.region}:000000000000:log-group:{group}"
    to_stream = queues.pipe(Target=stream_arn, TargetParameters={
        "KinesisStreamParameters": {"PartitionKey": "$.body.customer"}})
    _, other_source = queues.queue("src2")
    to_logs = queues.pipe(Source=other_source, Target=group_arn, TargetParameters={
        "InputTemplate": "<$.body>",
        "CloudWatchLogsParameters": {"LogStreamName": "orders"}})
    queues.send(json.dumps({"customer": "c-9"}))
    other_url = queues.sqs.get_queue_url(QueueName=other_source.rsplit(":", 1)[1])["QueueUrl"]
    queues.sqs.send_message(QueueUrl=other_url, MessageBody="a log line")
    emulator.wait_idle()
    shard = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    [record] = kinesis.get_records(ShardIterator=shard)["Records"]
    assert record["PartitionKey"] == "c-9"
    assert json.loads(record["Data"])["eventSource"] == "aws:sqs"
    found = logs.get_log_events(logGroupName=group, logStreamName="orders")["events"]
    assert [event["message"] for event in found] == ["a log line"]
    queues.pipes.delete_pipe(Name=to_stream)
    queues.pipes.delete_pipe(Name=to_logs)


def test_express_enrichment_and_a_synchronous_state_machine_target(
    emulator: EmulatorHandle,
) -> None:
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-enrichment.html
    queues = Queues(emulator)
    sfn = emulator.client("stepfunctions")
    enrich = sfn.create_state_machine(
        name=unique("enrich"), type="EXPRESS", roleArn=ROLE, definition=json.dumps(
            {"StartAt": "Tag", "States": {"Tag": {
                "Type": "Pass", "End": True, "Parameters": {"items.$": "$"}}}}))[
        "stateMachineArn"]
    # The target reports the message it got (through the enrichment's wrapping) as failed,
    # so it stays in the queue: both ran, in order, with the record.
    target = sfn.create_state_machine(
        name=unique("target"), type="EXPRESS", roleArn=ROLE, definition=json.dumps(
            {"StartAt": "Fail", "States": {"Fail": {
                "Type": "Pass", "End": True, "Parameters": {"batchItemFailures": [
                    {"itemIdentifier.$": "$[0].items[0].messageId"}]}}}}))["stateMachineArn"]
    queues.send("x", "y")  # waiting before the pipe starts: one batch of two
    name = queues.pipe(Enrichment=enrich, Target=target, TargetParameters={
        "StepFunctionStateMachineParameters": {"InvocationType": "REQUEST_RESPONSE"}})
    emulator.wait_idle()
    assert queues.left() == 1  # the reported one; the other was delivered and deleted
    queues.pipes.delete_pipe(Name=name)
