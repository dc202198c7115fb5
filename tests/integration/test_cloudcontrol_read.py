"""Cloud Control API reads through boto3: GetResource and ListResources of resources made by
other clients, read live from the services that hold them, with the properties named as the
type's CloudFormation schema names them.

References: GetResource and ListResources in the Cloud Control API reference
(https://docs.aws.amazon.com/cloudcontrolapi/latest/APIReference/API_GetResource.html,
https://docs.aws.amazon.com/cloudcontrolapi/latest/APIReference/API_ListResources.html); the
properties of AWS::Lambda::Url, AWS::SQS::Queue and AWS::DynamoDB::Table in the CloudFormation
resource reference (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-url.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-table.html);
the not-found text is the resource handlers' standard NotFound message
(aws-cloudformation/cloudformation-cli-python-plugin, exceptions.py). The TypeNotFoundException
and UnsupportedActionException messages have no AWS source.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle
from tests.integration.lambda_support import ROLE, zip_of

HANDLER = "def handler(event, context):\n    return {'ok': True}\n"


@pytest.fixture
def cloudcontrol(emulator: EmulatorHandle) -> Any:
    return emulator.client("cloudcontrol")


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_a_function_url_is_read_by_the_function_name(emulator: EmulatorHandle,
                                                     cloudcontrol: Any) -> None:
    """What `sam list endpoints` asks for each function: its URL, or ResourceNotFound."""
    lambdas = emulator.client("lambda")
    name = f"cc-url-{uuid.uuid4().hex[:8]}"
    arn = lambdas.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                                  Handler="app.handler",
                                  Code={"ZipFile": zip_of({"app.py": HANDLER})})["FunctionArn"]
    with pytest.raises(ClientError) as missing:
        cloudcontrol.get_resource(TypeName="AWS::Lambda::Url", Identifier=name)
    assert _error(missing) == (
        "ResourceNotFoundException",
        f"Resource of type 'AWS::Lambda::Url' with identifier '{name}' was not found.")
    url = lambdas.create_function_url_config(
        FunctionName=name, AuthType="NONE", Cors={"AllowOrigins": ["*"]})["FunctionUrl"]

    read = cloudcontrol.get_resource(TypeName="AWS::Lambda::Url", Identifier=name)
    assert read["TypeName"] == "AWS::Lambda::Url"
    assert read["ResourceDescription"]["Identifier"] == arn
    assert json.loads(read["ResourceDescription"]["Properties"]) == {
        "TargetFunctionArn": arn, "AuthType": "NONE", "InvokeMode": "BUFFERED",
        "Cors": {"AllowOrigins": ["*"]}, "FunctionArn": arn, "FunctionUrl": url}
    listed = cloudcontrol.list_resources(TypeName="AWS::Lambda::Url")["ResourceDescriptions"]
    assert arn in [description["Identifier"] for description in listed]


def test_a_queue_and_a_table_read_with_schema_names(emulator: EmulatorHandle,
                                                    cloudcontrol: Any) -> None:
    name = f"cc-{uuid.uuid4().hex[:8]}"
    queue_url = emulator.client("sqs").create_queue(
        QueueName=name, Attributes={"VisibilityTimeout": "45"},
        tags={"team": "core"})["QueueUrl"]
    queue = json.loads(cloudcontrol.get_resource(
        TypeName="AWS::SQS::Queue", Identifier=queue_url)["ResourceDescription"]["Properties"])
    assert queue["QueueUrl"] == queue_url and queue["QueueName"] == name
    assert queue["Arn"].endswith(f":{name}")
    assert queue["VisibilityTimeout"] == 45 and queue["Tags"] == [
        {"Key": "team", "Value": "core"}]

    emulator.client("dynamodb").create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    table = cloudcontrol.get_resource(TypeName="AWS::DynamoDB::Table", Identifier=name)
    properties = json.loads(table["ResourceDescription"]["Properties"])
    assert table["ResourceDescription"]["Identifier"] == name
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert properties["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert "ProvisionedThroughput" not in properties and properties["StreamArn"]


def test_list_resources_pages(emulator: EmulatorHandle, cloudcontrol: Any) -> None:
    prefix = f"/cc/{uuid.uuid4().hex[:8]}"
    logs = emulator.client("logs")
    for index in range(3):
        logs.create_log_group(logGroupName=f"{prefix}/{index}")
    seen: list[str] = []
    token = None
    while True:
        page = cloudcontrol.list_resources(
            TypeName="AWS::Logs::LogGroup", MaxResults=2, **({"NextToken": token} if token else {}))
        assert len(page["ResourceDescriptions"]) <= 2
        seen += [description["Identifier"] for description in page["ResourceDescriptions"]]
        token = page.get("NextToken")
        if not token:
            break
    assert [f"{prefix}/{index}" for index in range(3)] == [
        name for name in seen if name.startswith(prefix)]


def test_types_it_cannot_read(cloudcontrol: Any) -> None:
    with pytest.raises(ClientError) as unknown:
        cloudcontrol.get_resource(TypeName="AWS::Nothing::Here", Identifier="x")
    assert _error(unknown)[0] == "TypeNotFoundException"
    with pytest.raises(ClientError) as unsupported:
        cloudcontrol.list_resources(TypeName="AWS::EC2::VPC")
    assert _error(unsupported)[0] == "UnsupportedActionException"
    assert unsupported.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
