"""DynamoDB Streams end to end through boto3: table writes (client and resource API) become
stream records shaped as AWS's example event, TTL deletions are service deletes, and a stream
feeds a Lambda that fails one record with ReportBatchItemFailures.

Shapes: https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (example event, SizeBytes
26, 59 and 38 for its INSERT, MODIFY and REMOVE) and
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from typing import Any, ClassVar

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError
from lambda_support import create_function, unique

from emulator.testing import EmulatorHandle

# Relays each event to OUT_URL; a record whose new image has "fail" is reported failed.
RELAY = {"app.py": """
    import json, os
    import boto3

    def handler(event, context):
        boto3.client("sqs").send_message(QueueUrl=os.environ["OUT_URL"],
                                         MessageBody=json.dumps(event))
        return {"batchItemFailures": [
            {"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in event["Records"]
            if "fail" in r["dynamodb"].get("NewImage", {})]}
"""}


class Tables:
    made: ClassVar[list[str]] = []
    mappings: ClassVar[list[str]] = []


@pytest.fixture(autouse=True)
def _cleanup(emulator: EmulatorHandle) -> Iterator[None]:
    yield
    emulator.clock.reset()
    lam, ddb = emulator.client("lambda"), emulator.client("dynamodb")
    while Tables.mappings:
        with contextlib.suppress(ClientError):
            lam.delete_event_source_mapping(UUID=Tables.mappings.pop())
    while Tables.made:
        with contextlib.suppress(ClientError):
            ddb.delete_table(TableName=Tables.made.pop())


def make_table(emulator: EmulatorHandle, view: str = "NEW_AND_OLD_IMAGES",
               **options: Any) -> tuple[str, str]:
    ddb = emulator.client("dynamodb")
    name = f"table-{uuid.uuid4().hex[:8]}"
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "N"}],
                     BillingMode="PAY_PER_REQUEST",
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
                     **options)
    Tables.made.append(name)
    ddb.get_waiter("table_exists").wait(TableName=name,
                                        WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    return name, arn


def all_records(emulator: EmulatorHandle, stream_arn: str) -> list[dict[str, Any]]:
    streams = emulator.client("dynamodbstreams")
    found: list[dict[str, Any]] = []
    shards = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    for shard in shards:
        iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        found.extend(streams.get_records(ShardIterator=iterator)["Records"])
    return found


def test_writes_through_the_resource_api_become_records_as_aws_shapes_them(
        emulator: EmulatorHandle) -> None:
    name, stream_arn = make_table(emulator)
    table = boto3.resource("dynamodb", endpoint_url=emulator.endpoint_url,
                           region_name=emulator.region, aws_access_key_id="test",
                           aws_secret_access_key="test").Table(name)
    table.put_item(Item={"Id": 101, "Message": "New item!"})
    table.update_item(Key={"Id": 101}, UpdateExpression="SET Message = :m",
                      ExpressionAttributeValues={":m": "This item has changed"})
    table.delete_item(Key={"Id": 101})
    table.delete_item(Key={"Id": 999})  # nothing deleted: nothing recorded
    assert table.query(KeyConditionExpression=Key("Id").eq(101))["Items"] == []
    streams = emulator.client("dynamodbstreams")
    listed = streams.list_streams(TableName=name)["Streams"]
    assert [s["StreamArn"] for s in listed] == [stream_arn]
    description = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]
    assert description["StreamStatus"] == "ENABLED"
    assert description["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert description["TableName"] == name
    records = all_records(emulator, stream_arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = records
    assert (insert["eventVersion"], insert["eventSource"], insert["awsRegion"]) == (
        "1.1", "aws:dynamodb", emulator.region)
    assert insert["dynamodb"]["Keys"] == {"Id": {"N": "101"}}
    assert insert["dynamodb"]["NewImage"] == {"Id": {"N": "101"},
                                              "Message": {"S": "New item!"}}
    assert modify["dynamodb"]["OldImage"]["Message"] == {"S": "New item!"}
    assert modify["dynamodb"]["NewImage"]["Message"] == {"S": "This item has changed"}
    assert remove["dynamodb"]["OldImage"]["Message"] == {"S": "This item has changed"}
    assert "NewImage" not in remove["dynamodb"]
    assert [r["dynamodb"]["SizeBytes"] for r in records] == [26, 59, 38]


def test_ttl_expiry_after_the_clock_moves_is_a_service_delete(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name, stream_arn = make_table(emulator, "OLD_IMAGE")
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})
    ddb.put_item(TableName=name, Item={"Id": {"N": "1"},
                                       "expires": {"N": str(int(emulator.clock.now()) + 60)}})
    emulator.clock.advance(3600)
    emulator.wait_idle()
    for _ in range(20):
        if "Item" not in ddb.get_item(TableName=name, Key={"Id": {"N": "1"}}):
            break
        emulator.clock.advance(60)
        emulator.wait_idle()
    removal = all_records(emulator, stream_arn)[-1]
    assert removal["eventName"] == "REMOVE"
    assert removal["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com",
                                       "Type": "Service"}
    assert "NewImage" not in removal["dynamodb"] and "OldImage" in removal["dynamodb"]


def test_a_stream_feeds_a_lambda_that_fails_one_record(emulator: EmulatorHandle) -> None:
    ddb, lam, sqs = (emulator.client(s) for s in ("dynamodb", "lambda", "sqs"))
    name, stream_arn = make_table(emulator)
    out = sqs.create_queue(QueueName=unique("out"))["QueueUrl"]
    function = create_function(lam, RELAY, Environment={"Variables": {"OUT_URL": out}})
    mapping = lam.create_event_source_mapping(
        FunctionName=function, EventSourceArn=stream_arn, StartingPosition="LATEST",
        FunctionResponseTypes=["ReportBatchItemFailures"], BatchSize=10)
    Tables.mappings.append(mapping["UUID"])
    assert mapping["StartingPosition"] == "LATEST"
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": name, "Item": {"Id": {"N": str(n)},
                                             **({"fail": {"BOOL": True}} if n == 2 else {})}}}
        for n in range(1, 4)])

    def events() -> list[dict[str, Any]]:
        found = []
        for message in sqs.receive_message(QueueUrl=out, MaxNumberOfMessages=10).get(
                "Messages", []):
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=out, ReceiptHandle=message["ReceiptHandle"])
        return found

    emulator.wait_idle()
    [first] = events()
    assert [r["dynamodb"]["Keys"]["Id"]["N"] for r in first["Records"]] == ["1", "2", "3"]
    record = first["Records"][0]
    # The keys of AWS's example DynamoDB event, in order, plus the stream ARN.
    assert list(record) == ["eventID", "eventName", "eventVersion", "eventSource",
                            "awsRegion", "dynamodb", "eventSourceARN"]
    assert record["eventSourceARN"] == stream_arn
    # Whole seconds written as a float, as in AWS's events (1693997155.0).
    created = record["dynamodb"]["ApproximateCreationDateTime"]
    assert isinstance(created, float) and created == int(created)
    emulator.clock.advance(1)
    emulator.wait_idle()
    [retry] = events()
    # Checkpointed at the failed record: the retry starts there.
    assert [r["dynamodb"]["Keys"]["Id"]["N"] for r in retry["Records"]] == ["2", "3"]
