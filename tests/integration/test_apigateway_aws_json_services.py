"""REST API integrations of type AWS with json-protocol services in action style: DynamoDB
(``arn:aws:apigateway:{region}:dynamodb:action/PutItem``), Step Functions
(``...:states:action/StartExecution``) and Kinesis, with mapping templates on both sides.

The mapped body is the action's JSON input and the integration response sees the service's
own JSON answer, or its error with the service's status, which integration responses select
by status code: https://docs.aws.amazon.com/apigateway/latest/developerguide/integrating-api-with-aws-services-kinesis.html
and https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-api-gateway.html
"""

from __future__ import annotations

import json

from apigateway_support import Api, new_api

from emulator.testing import EmulatorHandle

PUT_TEMPLATE = """#set($body = $input.path('$'))
{"TableName": "$stageVariables.table",
 "Item": {"id": {"S": "$body.id"}, "text": {"S": "$body.text"}}}"""
GET_TEMPLATE = """{"TableName": "$stageVariables.table",
 "Key": {"id": {"S": "$input.params('id')"}}}"""
ITEM_TEMPLATE = """#set($item = $input.path('$.Item'))
{"id": "$item.id.S", "text": "$item.text.S"}"""
ERROR_TEMPLATE = """{"type": "$input.path('$.__type')", "message": "$input.path('$.message')"}"""


def _integration(emulator: EmulatorHandle, action: str, template: str) -> dict[str, object]:
    return {"type": "AWS", "integrationHttpMethod": "POST",
            "uri": f"arn:aws:apigateway:{emulator.region}:{action}",
            "credentials": "arn:aws:iam::000000000000:role/apigateway",
            "requestTemplates": {"application/json": template}}


def _respond(api: Api, resource: str, method: str, *responses: tuple[str, str | None, str]
             ) -> None:
    for status, pattern, template in responses:
        api.client.put_method_response(restApiId=api.id, resourceId=resource,
                                       httpMethod=method, statusCode=status)
        extra = {"selectionPattern": pattern} if pattern is not None else {}
        api.client.put_integration_response(
            restApiId=api.id, resourceId=resource, httpMethod=method, statusCode=status,
            responseTemplates={"application/json": template}, **extra)


def _notes_api(emulator: EmulatorHandle, table: str) -> Api:
    emulator.client("dynamodb").create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    api = new_api(emulator, name="notes")
    put = api.method("/notes", "POST", _integration(emulator, "dynamodb:action/PutItem",
                                                    PUT_TEMPLATE))
    _respond(api, put, "POST", ("200", None, '{"saved": true}'))
    get = api.method("/notes/{id}", "GET", _integration(emulator, "dynamodb:action/GetItem",
                                                        GET_TEMPLATE))
    _respond(api, get, "GET", ("200", None, ITEM_TEMPLATE), ("400", r"4\d{2}", ERROR_TEMPLATE))
    return api


def test_dynamodb_actions_write_and_read_items_through_mapping_templates(
        emulator: EmulatorHandle) -> None:
    api = _notes_api(emulator, "notes")
    api.deploy("dev", variables={"table": "notes"})
    saved = api.request("POST", "dev", "/notes", json={"id": "n1", "text": "buy milk"})
    assert (saved.status_code, saved.json()) == (200, {"saved": True}), saved.text
    stored = emulator.client("dynamodb").get_item(TableName="notes", Key={"id": {"S": "n1"}})
    assert stored["Item"] == {"id": {"S": "n1"}, "text": {"S": "buy milk"}}
    read = api.get("dev", "/notes/n1")
    assert (read.status_code, read.json()) == (200, {"id": "n1", "text": "buy milk"})


def test_a_service_error_reaches_the_integration_response_with_its_status(
        emulator: EmulatorHandle) -> None:
    api = _notes_api(emulator, "notes-kept")
    api.deploy("dev", variables={"table": "missing"})
    failed = api.get("dev", "/notes/n1")
    assert failed.status_code == 400, failed.text
    assert failed.json() == {
        "type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "message": "Requested resource not found"}


def test_step_functions_start_execution_and_kinesis_put_record(emulator: EmulatorHandle
                                                               ) -> None:
    sfn = emulator.client("stepfunctions")
    machine = sfn.create_state_machine(
        name="from-api", roleArn="arn:aws:iam::000000000000:role/sfn",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}))
    kinesis = emulator.client("kinesis")
    kinesis.create_stream(StreamName="clicks", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="clicks")
    api = new_api(emulator, name="starts")
    start = api.method("/orders", "POST", _integration(
        emulator, "states:action/StartExecution",
        '{"stateMachineArn": "' + machine["stateMachineArn"] + '", '
        '"input": "$util.escapeJavaScript($input.json(\'$\'))"}'))
    _respond(api, start, "POST", ("200", None, "$input.json('$')"))
    click = api.method("/clicks", "PUT", _integration(
        emulator, "kinesis:action/PutRecord",
        '{"StreamName": "clicks", "PartitionKey": "k", '
        '"Data": "$util.base64Encode($input.body)"}'))
    _respond(api, click, "PUT", ("200", None, "$input.json('$')"))
    api.deploy("dev")
    started = api.request("POST", "dev", "/orders", json={"order": 7})
    assert started.status_code == 200, started.text
    execution = sfn.describe_execution(executionArn=started.json()["executionArn"])
    assert json.loads(execution["input"]) == {"order": 7}
    put = api.request("PUT", "dev", "/clicks", content=b"one click")
    assert put.status_code == 200, put.text
    assert put.json()["ShardId"] == "shardId-000000000000"
    iterator = kinesis.get_shard_iterator(StreamName="clicks", ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert [r["Data"] for r in records] == [b"one click"]


def test_services_the_emulator_does_not_implement_fail_as_a_configuration_error(
        emulator: EmulatorHandle) -> None:
    api = new_api(emulator, name="unknown")
    api.method("/x", "POST", _integration(emulator, "ec2:action/DescribeKeyPairs", "{}"))
    api.method("/y", "POST", _integration(emulator, "dynamodb:action/NoSuchAction", "{}"))
    api.deploy("dev")
    for path in ("/x", "/y"):
        refused = api.request("POST", "dev", path, json={})
        assert refused.status_code == 500
        assert refused.json() == {"message": "Internal server error"}
