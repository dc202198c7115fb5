"""A Step Functions state machine that reads and writes DynamoDB items through the optimized
integrations (``arn:aws:states:::dynamodb:putItem`` and friends) and AWS SDK tasks
(``arn:aws:states:::aws-sdk:dynamodb:query``), with the errors AWS names
(https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html)."""

from __future__ import annotations

import json
from typing import Any

from dynamodb_support import resource, table
from sfn_helpers import finished, machine, sfn
from sfn_tasks import start, unique

from emulator.testing.handle import EmulatorHandle


def test_state_machine_reads_and_writes_items(emulator: EmulatorHandle) -> None:
    name = table(emulator, "carts")
    definition = {"StartAt": "Put", "States": {
        "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": name, "Item": {
                    "pk": {"S.$": "$.cart"}, "sk": {"S": "total"}, "amount": {"N": "0"}}},
                "ResultPath": None, "Next": "Add"},
        "Add": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
                "Parameters": {"TableName": name,
                               "Key": {"pk": {"S.$": "$.cart"}, "sk": {"S": "total"}},
                               "UpdateExpression": "SET amount = amount + :n",
                               "ExpressionAttributeValues": {":n": {"N.$": "$.add"}},
                               "ReturnValues": "UPDATED_NEW"},
                "ResultSelector": {"amount.$": "$.Attributes.amount.N"},
                "ResultPath": "$.updated", "Next": "Get"},
        "Get": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": {"TableName": name,
                               "Key": {"pk": {"S.$": "$.cart"}, "sk": {"S": "total"}}},
                "ResultSelector": {"amount.$": "$.Item.amount.N"},
                "ResultPath": "$.read", "Next": "List"},
        "List": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:query",
                 "Parameters": {"TableName": name, "KeyConditionExpression": "pk = :p",
                                "ExpressionAttributeValues": {":p": {"S.$": "$.cart"}}},
                 "ResultSelector": {"count.$": "$.Count"}, "ResultPath": "$.listed",
                 "Next": "Delete"},
        "Delete": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:deleteItem",
                   "Parameters": {"TableName": name,
                                  "Key": {"pk": {"S.$": "$.cart"}, "sk": {"S": "total"}},
                                  "ConditionExpression": "amount > :limit",
                                  "ExpressionAttributeValues": {":limit": {"N": "100"}}},
                   "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                              "ResultPath": "$.kept", "Next": "Kept"}],
                   "End": True},
        "Kept": {"Type": "Pass", "End": True},
    }}
    client = sfn(emulator)
    arn = machine(client, unique("cart"), definition)
    done = finished(client, start(client, arn, {"cart": "c-1", "add": "42"}))
    assert done["status"] == "SUCCEEDED", done
    output = json.loads(done["output"])
    assert output["updated"] == {"amount": "42"}
    assert output["read"] == {"amount": "42"}
    assert output["listed"] == {"count": 1}
    assert output["kept"]["Error"] == "DynamoDB.ConditionalCheckFailedException"
    item: dict[str, Any] = resource(emulator).Table(name).get_item(
        Key={"pk": "c-1", "sk": "total"})["Item"]
    assert item["amount"] == 42


def test_missing_table_fails_the_task_with_its_name(emulator: EmulatorHandle) -> None:
    client = sfn(emulator)
    arn = machine(client, unique("missing"), {"StartAt": "Get", "States": {"Get": {
        "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
        "Parameters": {"TableName": "no-such-table", "Key": {"pk": {"S": "x"}}},
        "End": True}}})
    done = finished(client, start(client, arn))
    assert done["status"] == "FAILED"
    assert done["error"] == "DynamoDB.ResourceNotFoundException"


def test_optimized_task_names_unmodelled_errors_as_the_java_sdk_does(
        emulator: EmulatorHandle) -> None:
    """The optimized integration runs on the SDK for Java 1.x: DynamoDB's ValidationException,
    which its model lacks, surfaces as ``DynamoDB.AmazonDynamoDBException`` (the semaphore
    workflow of aws-samples/aws-stepfunctions-examples,
    sam/app-control-concurrency-with-dynamodb/statemachines/dynamodb-semaphore.asl.json, catches
    it to create the lock item on first use); the AWS SDK integration, on the SDK for Java 2.x,
    names it ``DynamoDb.DynamoDbException`` (as ``S3.S3Exception``, which
    sam/demo-distributed-map-data-processing/statemachines/copy-noaa-data-us-east-1.asl.json
    retries)."""
    name = table(emulator, "locks")
    missing_attribute = {"TableName": name, "Key": {"pk": {"S": "lock"}, "sk": {"S": "s"}},
                         "UpdateExpression": "SET n = n + :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}
    client = sfn(emulator)
    arn = machine(client, unique("lock"), {"StartAt": "Optimized", "States": {
        "Optimized": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
                      "Parameters": missing_attribute,
                      "Catch": [{"ErrorEquals": ["DynamoDB.AmazonDynamoDBException"],
                                 "ResultPath": "$.optimized", "Next": "Sdk"}],
                      "End": True},
        "Sdk": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:updateItem",
                "Parameters": missing_attribute, "End": True}}})
    done = finished(client, start(client, arn))
    assert done["status"] == "FAILED", done
    assert done["error"] == "DynamoDb.DynamoDbException"
    assert "(Service: DynamoDb, Status Code: 400, Request ID: " in done["cause"]
    history = client.get_execution_history(executionArn=done["executionArn"])["events"]
    caught = json.loads(next(e for e in history if e["type"] == "TaskStateExited")[
        "stateExitedEventDetails"]["output"])["optimized"]
    assert caught["Error"] == "DynamoDB.AmazonDynamoDBException"
    assert caught["Cause"].startswith(
        "The provided expression refers to an attribute that does not exist in the item "
        "(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException; "
        "Request ID: ")
    assert caught["Cause"].endswith("; Proxy: null)")


def test_optimized_tasks_answer_with_the_sdk_response_metadata(emulator: EmulatorHandle) -> None:
    """As its other optimized integrations, DynamoDB's answers carry the SDK for Java 1.x's
    ``SdkHttpMetadata`` and ``SdkResponseMetadata`` (the mock of the "Add to FollowUp" putItem
    task in aws-samples/aws-stepfunctions-examples,
    sam/app-local-testing-mock-config/statemachine/test/MockConfigFile.json, returns
    ``{"SdkHttpMetadata": {"HttpStatusCode": 200}}``); AWS SDK tasks answer the API's output."""
    name = table(emulator, "meta")
    key = {"pk": {"S": "a"}, "sk": {"S": "b"}}
    client = sfn(emulator)
    arn = machine(client, unique("meta"), {"StartAt": "Put", "States": {
        "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": name, "Item": key}, "ResultPath": "$.put",
                "Next": "Get"},
        "Get": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": {"TableName": name, "Key": key}, "ResultPath": "$.got",
                "Next": "Sdk"},
        "Sdk": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
                "Parameters": {"TableName": name, "Key": key}, "ResultPath": "$.sdk",
                "End": True}}})
    done = finished(client, start(client, arn))
    assert done["status"] == "SUCCEEDED", done
    output = json.loads(done["output"])
    assert set(output["put"]) == {"SdkHttpMetadata", "SdkResponseMetadata"}
    assert output["put"]["SdkHttpMetadata"]["HttpStatusCode"] == 200
    request_id = output["got"]["SdkResponseMetadata"]["RequestId"]
    assert output["got"]["SdkHttpMetadata"]["HttpHeaders"]["x-amzn-RequestId"] == request_id
    assert output["got"]["Item"] == key
    assert output["sdk"] == {"Item": key}
