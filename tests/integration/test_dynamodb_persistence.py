"""DynamoDB state survives ``kill -9``: every acknowledged write (put, update, delete, batch,
transaction) is stored before it is answered, with tables, indexes and settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from emulator_process import EmulatorProcess

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow


def _ddb(url: str) -> Any:
    return boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def _key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": "1"}}


def test_tables_and_items_survive_kill_9(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        ddb = _ddb(first.url)
        ddb.create_table(
            TableName="durable", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "N"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        ddb.put_item(TableName="durable", Item={**_key("bin"), "b": {"B": b"\x00\xff"},
                                                "s": {"NS": ["1", "2"]}})
        ddb.batch_write_item(RequestItems={"durable": [
            {"PutRequest": {"Item": {**_key(f"batch-{n}"), "g": {"S": "grp"}}}}
            for n in range(5)]})
        ddb.update_item(TableName="durable", Key=_key("bin"), UpdateExpression="ADD c :one",
                        ExpressionAttributeValues={":one": {"N": "1"}})
        ddb.delete_item(TableName="durable", Key=_key("batch-0"))
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "durable", "Item": {**_key("tx"), "g": {"S": "grp"}}}},
            {"Delete": {"TableName": "durable", "Key": _key("batch-1")}}])
        ddb.update_table(TableName="durable",
                         AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
                         GlobalSecondaryIndexUpdates=[{"Create": {
                             "IndexName": "by-g",
                             "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                             "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
        ddb.update_time_to_live(TableName="durable", TimeToLiveSpecification={
            "Enabled": True, "AttributeName": "ttl"})
        stream_arn = ddb.describe_table(TableName="durable")["Table"]["LatestStreamArn"]
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        ddb = _ddb(second.url)
        described = ddb.describe_table(TableName="durable")["Table"]
        assert described["ItemCount"] == 5
        assert described["LatestStreamArn"] == stream_arn
        assert ddb.get_item(TableName="durable", Key=_key("bin"))["Item"] == {
            **_key("bin"), "b": {"B": b"\x00\xff"}, "s": {"NS": ["1", "2"]}, "c": {"N": "1"}}
        for gone in ("batch-0", "batch-1"):
            assert "Item" not in ddb.get_item(TableName="durable", Key=_key(gone))
        grouped = ddb.query(TableName="durable", IndexName="by-g",
                            KeyConditionExpression="g = :g",
                            ExpressionAttributeValues={":g": {"S": "grp"}})
        assert sorted(i["pk"]["S"] for i in grouped["Items"]) == [
            "batch-2", "batch-3", "batch-4", "tx"]
        assert ddb.describe_time_to_live(TableName="durable")["TimeToLiveDescription"][
            "TimeToLiveStatus"] == "ENABLED"
        ddb.delete_table(TableName="durable")
        second.kill()

    with EmulatorProcess("--state-dir", str(state)) as third:
        third.wait_healthy()
        assert _ddb(third.url).list_tables()["TableNames"] == []
        third.kill()
