"""The DynamoDB table control plane through boto3: create, describe, list, update, delete,
indexes, streams, TTL, backups, tags, deletion protection and the waiters.

Error texts follow the API reference's CreateTable, UpdateTable and DeleteTable pages
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from dynamodb_support import definitions, key_schema, table, unique

from emulator.testing.handle import EmulatorHandle


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_answers_creating_then_waiter_sees_active(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = unique("orders")
    created = ddb.create_table(
        TableName=name, KeySchema=key_schema("pk", "sk"),
        AttributeDefinitions=definitions(pk="S", sk="N"),
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7},
        Tags=[{"Key": "team", "Value": "core"}])["TableDescription"]
    assert created["TableStatus"] == "CREATING"
    assert created["TableArn"] == f"arn:aws:dynamodb:{emulator.region}:000000000000:table/{name}"
    assert created["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == key_schema("pk", "sk")
    assert table["ItemCount"] == 0 and table["TableSizeBytes"] == 0
    assert "BillingModeSummary" not in table
    assert ddb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"] == [
        {"Key": "team", "Value": "core"}]


def test_on_demand_tables_and_listing_pages(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb", region_name="eu-west-3")
    names = sorted(unique("page") for _ in range(3))
    for name in names:
        ddb.create_table(TableName=name, KeySchema=key_schema("id"),
                         AttributeDefinitions=definitions(id="S"), BillingMode="PAY_PER_REQUEST")
    first = ddb.list_tables(Limit=2)
    assert len(first["TableNames"]) == 2
    rest = ddb.list_tables(ExclusiveStartTableName=first["LastEvaluatedTableName"])
    assert set(names) <= set(first["TableNames"] + rest["TableNames"])
    described = ddb.describe_table(TableName=names[0])["Table"]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    paginated = [n for page in ddb.get_paginator("list_tables").paginate(
        PaginationConfig={"PageSize": 1}) for n in page["TableNames"]]
    assert set(names) <= set(paginated)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"KeySchema": key_schema("pk"), "AttributeDefinitions": definitions(pk="S", extra="S")},
     "One or more parameter values were invalid: Number of attributes in KeySchema does not "
     "exactly match number of attributes defined in AttributeDefinitions"),
    # With indexes the service names the unused definitions instead (AttributeDefinitions
    # "describe the key schema for the table and indexes", API_CreateTable.html; the wording
    # as the service answered in https://github.com/aws/aws-sdk-java/issues/335 and
    # https://github.com/aws/aws-cli/issues/1884).
    ({"KeySchema": key_schema("hash"),
      "AttributeDefinitions": definitions(extra="N", hash="S", index="S"),
      "BillingMode": "PAY_PER_REQUEST",
      "GlobalSecondaryIndexes": [{"IndexName": "gsi", "KeySchema": key_schema("index"),
                                  "Projection": {"ProjectionType": "KEYS_ONLY"}}]},
     "One or more parameter values were invalid: Some AttributeDefinitions are not used. "
     "AttributeDefinitions: [index, hash, extra], keys used: [index, hash]"),
    ({"KeySchema": key_schema("pk", "sk"), "AttributeDefinitions": definitions(pk="S")},
     "One or more parameter values were invalid: Some index key attributes are not defined in "
     "AttributeDefinitions. Keys: [sk], AttributeDefinitions: [pk]"),
    ({"KeySchema": [{"AttributeName": "pk", "KeyType": "RANGE"}],
      "AttributeDefinitions": definitions(pk="S")},
     "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
    ({"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "pk", "KeyType": "RANGE"}],
      "AttributeDefinitions": definitions(pk="S")},
     "Both the Hash Key and the Range Key element in the KeySchema have the same name"),
    ({"KeySchema": key_schema("pk"), "AttributeDefinitions": definitions(pk="S"),
      "BillingMode": "PAY_PER_REQUEST",
      "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}},
     "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
     "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"),
    ({"KeySchema": key_schema("pk"), "AttributeDefinitions": definitions(pk="S")},
     "No provisioned throughput specified for the table"),
    ({"KeySchema": key_schema("pk"), "AttributeDefinitions": definitions(pk="S", lk="S"),
      "BillingMode": "PAY_PER_REQUEST",
      "LocalSecondaryIndexes": [{"IndexName": "lsi", "KeySchema": key_schema("pk", "lk"),
                                 "Projection": {"ProjectionType": "ALL"}}]},
     "One or more parameter values were invalid: Table KeySchema does not have a range key, "
     "which is required when specifying a LocalSecondaryIndex"),
    ({"KeySchema": key_schema("pk"), "AttributeDefinitions": definitions(pk="S", g="S"),
      "BillingMode": "PAY_PER_REQUEST",
      "GlobalSecondaryIndexes": [{"IndexName": "gsi", "KeySchema": key_schema("g"),
                                  "Projection": {"ProjectionType": "INCLUDE"}}]},
     "One or more parameter values were invalid: ProjectionType is INCLUDE, but "
     "NonKeyAttributes is not specified"),
    ({"KeySchema": key_schema("pk"), "AttributeDefinitions": definitions(pk="S"),
      "BillingMode": "PAY_PER_REQUEST",
      "StreamSpecification": {"StreamEnabled": True}},
     "One or more parameter values were invalid: You must specify a StreamViewType when "
     "enabling a stream"),
    # The SDK's model makes both optional; the service does not (once a 500, found by the
    # long fuzz profile).
    ({"AttributeDefinitions": []},
     "1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: "
     "Member must not be null"),
    ({"BillingMode": "PAY_PER_REQUEST"},
     "2 validation errors detected: Value null at 'attributeDefinitions' failed to satisfy "
     "constraint: Member must not be null; Value null at 'keySchema' failed to satisfy "
     "constraint: Member must not be null"),
])
def test_create_table_validation(emulator: EmulatorHandle, kwargs: dict[str, Any],
                                 message: str) -> None:
    ddb = emulator.client("dynamodb")
    with pytest.raises(ClientError) as raised:
        ddb.create_table(TableName=unique("bad"), **kwargs)
    assert _error(raised) == ("ValidationException", message)


def test_model_constraints_answer_coral_validation(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    with pytest.raises(ClientError) as raised:
        ddb.create_table(TableName="x", KeySchema=key_schema("pk"),
                         AttributeDefinitions=definitions(pk="S"), BillingMode="PAY_PER_REQUEST")
    code, message = _error(raised)
    assert code == "ValidationException"
    assert "at 'tableName' failed to satisfy constraint: Member must have length greater " \
        "than or equal to 3" in message


def test_existing_and_unknown_tables(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    with pytest.raises(ClientError) as raised:
        ddb.create_table(TableName=name, KeySchema=key_schema("pk"),
                         AttributeDefinitions=definitions(pk="S"), BillingMode="PAY_PER_REQUEST")
    assert _error(raised) == ("ResourceInUseException", f"Table already exists: {name}")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException) as missing:
        ddb.describe_table(TableName="does-not-exist")
    assert missing.value.response["Error"]["Message"] == \
        "Requested resource not found: Table: does-not-exist not found"
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.delete_table(TableName="does-not-exist")


def test_delete_table_and_deletion_protection(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator, DeletionProtectionEnabled=True)
    assert ddb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is True
    with pytest.raises(ClientError) as raised:
        ddb.delete_table(TableName=name)
    assert _error(raised) == (
        "ValidationException", "Resource cannot be deleted as it is currently protected against "
        "deletion. Disable deletion protection first.")
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "b"}})
    deleted = ddb.delete_table(TableName=name)["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    # A table created again under the same name starts empty.
    ddb.create_table(TableName=name, KeySchema=key_schema("pk", "sk"),
                     AttributeDefinitions=definitions(pk="S", sk="S"),
                     BillingMode="PAY_PER_REQUEST")
    assert ddb.scan(TableName=name)["Count"] == 0


def test_table_arn_is_accepted_as_table_name(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    ddb.put_item(TableName=arn, Item={"pk": {"S": "a"}, "sk": {"S": "b"}})
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "a"}, "sk": {"S": "b"}})["Item"]


def test_an_index_update_requesting_two_actions_is_refused(emulator: EmulatorHandle) -> None:
    """"For each index in the array, you can request one action" (GlobalSecondaryIndexUpdates,
    https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html): an
    entry with both Update and Delete is refused and the index stays."""
    ddb = emulator.client("dynamodb")
    name = table(emulator, GlobalSecondaryIndexes=[{
        "IndexName": "by-status", "KeySchema": key_schema("status"),
        "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    with pytest.raises(ClientError) as raised:
        ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{
            "Update": {"IndexName": "by-status",
                       "OnDemandThroughput": {"MaxReadRequestUnits": 10}},
            "Delete": {"IndexName": "by-status"}}])
    assert _error(raised) == (
        "ValidationException", "One or more parameter values were invalid: Only one of Create, "
        "Update or Delete can be requested in a GlobalSecondaryIndexUpdate")
    index = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
    assert index["IndexName"] == "by-status"
    assert (index.get("OnDemandThroughput") or {}).get("MaxReadRequestUnits") != 10


def test_global_indexes_added_and_removed_by_update_table(emulator: EmulatorHandle) -> None:
    """UpdateTable's answer shows the index it adds as CREATING and the one it drops as
    DELETING; an index added after the table was made reports Backfilling (the API reference's
    GlobalSecondaryIndexDescription, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GlobalSecondaryIndexDescription.html)."""
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    for n in range(4):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"p{n}"}, "sk": {"S": "x"},
                                           "status": {"S": "open" if n % 2 else "done"}})
    updated = ddb.update_table(
        TableName=name, AttributeDefinitions=definitions(status="S"),
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "by-status", "KeySchema": key_schema("status"),
            "Projection": {"ProjectionType": "KEYS_ONLY"}}}])["TableDescription"]
    assert updated["TableStatus"] == "UPDATING"
    answered = updated["GlobalSecondaryIndexes"][0]
    assert (answered["IndexName"], answered["IndexStatus"], answered["Backfilling"]) == (
        "by-status", "CREATING", False)
    index = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
    assert index["IndexName"] == "by-status" and index["IndexStatus"] == "ACTIVE"
    assert index["Backfilling"] is False
    assert index["ItemCount"] == 4
    found = ddb.query(TableName=name, IndexName="by-status",
                      KeyConditionExpression="#s = :s",
                      ExpressionAttributeNames={"#s": "status"},
                      ExpressionAttributeValues={":s": {"S": "open"}})
    assert sorted(item["pk"]["S"] for item in found["Items"]) == ["p1", "p3"]
    assert all(set(item) == {"pk", "sk", "status"} for item in found["Items"])
    dropped = ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[
        {"Delete": {"IndexName": "by-status"}}])["TableDescription"]
    assert [(i["IndexName"], i["IndexStatus"]) for i in dropped["GlobalSecondaryIndexes"]] == [
        ("by-status", "DELETING")]
    described = ddb.describe_table(TableName=name)["Table"]
    assert "GlobalSecondaryIndexes" not in described
    assert [d["AttributeName"] for d in described["AttributeDefinitions"]] == ["pk", "sk"]
    with pytest.raises(ClientError) as raised:
        ddb.query(TableName=name, IndexName="by-status", KeyConditionExpression="pk = :p",
                  ExpressionAttributeValues={":p": {"S": "p1"}})
    assert _error(raised) == ("ValidationException",
                              "The table does not have the specified index: by-status")


def test_billing_mode_switch_and_table_class(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    ddb.update_table(TableName=name, BillingMode="PROVISIONED",
                     ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})
    described = ddb.describe_table(TableName=name)["Table"]
    assert described["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert described["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
    ddb.update_table(TableName=name, TableClass="STANDARD_INFREQUENT_ACCESS")
    described = ddb.describe_table(TableName=name)["Table"]
    assert described["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"


def test_stream_specification_on_create_and_update(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator, StreamSpecification={"StreamEnabled": True,
                                                "StreamViewType": "NEW_AND_OLD_IMAGES"})
    described = ddb.describe_table(TableName=name)["Table"]
    assert described["StreamSpecification"] == {"StreamEnabled": True,
                                                 "StreamViewType": "NEW_AND_OLD_IMAGES"}
    label = described["LatestStreamLabel"]
    assert described["LatestStreamArn"] == f"{described['TableArn']}/stream/{label}"
    with pytest.raises(ClientError) as raised:
        ddb.update_table(TableName=name, StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    assert _error(raised)[0] == "ValidationException"
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    described = ddb.describe_table(TableName=name)["Table"]
    assert described["StreamSpecification"] == {"StreamEnabled": False}
    emulator.clock.advance(2)
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True,
                                                          "StreamViewType": "KEYS_ONLY"})
    again = ddb.describe_table(TableName=name)["Table"]
    assert again["LatestStreamLabel"] != label
    assert again["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY"


def test_time_to_live_settings(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"}
    spec = {"Enabled": True, "AttributeName": "expires"}
    assert ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=spec)[
        "TimeToLiveSpecification"] == spec
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    with pytest.raises(ClientError) as raised:
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=spec)
    assert _error(raised) == ("ValidationException", "TimeToLive is already enabled")


def test_point_in_time_recovery_settings(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    backups = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    recovery = ddb.describe_continuous_backups(TableName=name)[
        "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert recovery["PointInTimeRecoveryStatus"] == "ENABLED"
    with pytest.raises(ddb.exceptions.TableNotFoundException):
        ddb.describe_continuous_backups(TableName="nope-nope")


def test_tags(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    arn = ddb.describe_table(TableName=table(emulator))["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"},
                                            {"Key": "b", "Value": "2"}])
    ddb.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    missing = arn.replace(":table/", ":table/gone-")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.list_tags_of_resource(ResourceArn=missing)


def test_describe_limits_and_endpoints(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    assert ddb.describe_limits()["TableMaxWriteCapacityUnits"] == 40000
    assert ddb.describe_endpoints()["Endpoints"][0]["CachePeriodInMinutes"] == 1440
