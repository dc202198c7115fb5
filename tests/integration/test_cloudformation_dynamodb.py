"""DynamoDB tables from templates and from SAM: created with keys, billing, streams, TTL and
tags, updated in place, read back through DynamoDB's API, and deleted."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from cloudformation_support import FAST, delete, outputs, stack_name, update

from emulator.testing import EmulatorHandle

TABLES = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Billing: {Type: String, Default: PAY_PER_REQUEST}
Conditions:
  Provisioned: !Equals [!Ref Billing, PROVISIONED]
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: !Ref Billing
      ProvisionedThroughput: !If [Provisioned, {ReadCapacityUnits: 5, WriteCapacityUnits: 5},
                                  !Ref AWS::NoValue]
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: sk, AttributeType: N}
      KeySchema: [{AttributeName: pk, KeyType: HASH}, {AttributeName: sk, KeyType: RANGE}]
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
      TimeToLiveSpecification: {AttributeName: expires, Enabled: true}
      Tags: [{Key: team, Value: orders}]
  Simple:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: id, Type: String}
Outputs:
  Table: {Value: !Ref Orders}
  TableArn: {Value: !GetAtt Orders.Arn}
  StreamArn: {Value: !GetAtt Orders.StreamArn}
  Simple: {Value: !Ref Simple}
"""


def test_tables_are_created_updated_and_deleted(emulator: EmulatorHandle) -> None:
    cfn, ddb = emulator.client("cloudformation"), emulator.client("dynamodb")
    name = stack_name("tables")
    cfn.create_stack(StackName=name, TemplateBody=TABLES,
                     Capabilities=["CAPABILITY_AUTO_EXPAND"])
    cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    out = outputs(cfn, name)
    table = ddb.describe_table(TableName=out["Table"])["Table"]
    assert table["TableArn"] == out["TableArn"]
    assert table["LatestStreamArn"] == out["StreamArn"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["pk", "sk"]
    assert ddb.describe_time_to_live(TableName=out["Table"])["TimeToLiveDescription"][
        "AttributeName"] == "expires"
    assert {"Key": "team", "Value": "orders"} in ddb.list_tags_of_resource(
        ResourceArn=out["TableArn"])["Tags"]
    simple = ddb.describe_table(TableName=out["Simple"])["Table"]
    assert simple["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    ddb.put_item(TableName=out["Table"], Item={"pk": {"S": "a"}, "sk": {"N": "1"}})

    update(cfn, name, TABLES, Capabilities=["CAPABILITY_AUTO_EXPAND"],
           Parameters=[{"ParameterKey": "Billing", "ParameterValue": "PROVISIONED"}])
    table = ddb.describe_table(TableName=out["Table"])["Table"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert outputs(cfn, name)["Table"] == out["Table"]  # in place: the items are still there
    assert ddb.get_item(TableName=out["Table"], Key={"pk": {"S": "a"}, "sk": {"N": "1"}})[
        "Item"]
    delete(cfn, name)
    for table_name in (out["Table"], out["Simple"]):
        with pytest.raises(ClientError):
            ddb.describe_table(TableName=table_name)
