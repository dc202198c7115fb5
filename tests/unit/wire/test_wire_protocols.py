"""Each protocol on real operation models beyond SQS: exact params in, exact wire out.

Requests are built by botocore (as boto3 sends them); responses are checked both as raw HTTP
and as botocore reads them.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from botocore.model import OperationModel
from wire_oracle import (
    model_for,
    parse_response,
    parse_with_route,
    route_request,
    serialize_output,
    to_wire_request,
)

from emulator.wire import specs
from emulator.wire.serialize import WireResponse


def operation(service: str, name: str, protocol: str | None = None) -> OperationModel:
    protocol = protocol or specs.service_model(service).protocol
    return model_for(service, protocol).operation_model(name)


def parsed_request(op: OperationModel, params: dict[str, Any]) -> dict[str, Any]:
    wire = to_wire_request(op, params)
    found = route_request(wire, op.service_model.service_name)
    assert found.operation.name == op.name
    return parse_with_route(found, wire)


def answer(op: OperationModel, output: dict[str, Any]) -> tuple[WireResponse, dict[str, Any]]:
    response = serialize_output(op, output)
    return response, parse_response(op, response)


# -- rest-json: lambda ---------------------------------------------------------------------

def test_lambda_create_function_body_with_blob_and_maps() -> None:
    op = operation("lambda", "CreateFunction")
    params = {
        "FunctionName": "orders",
        "Runtime": "python3.12",
        "Role": "arn:aws:iam::123456789012:role/lambda",
        "Handler": "app.handler",
        "Code": {"ZipFile": b"PK\x03\x04 zip bytes \xff"},
        "Timeout": 30,
        "MemorySize": 256,
        "Publish": True,
        "Environment": {"Variables": {"STAGE": "dev", "EMPTY": ""}},
        "Tags": {"team": "payments"},
        "Architectures": ["arm64"],
    }
    wire = to_wire_request(op, params)
    assert (wire.method, wire.path) == ("POST", "/2015-03-31/functions")
    body = json.loads(wire.body)
    assert body["Code"]["ZipFile"] == base64.b64encode(b"PK\x03\x04 zip bytes \xff").decode()
    assert parsed_request(op, params) == params


def test_lambda_create_function_answers_201_with_timestamps_as_strings() -> None:
    op = operation("lambda", "CreateFunction")
    output = {"FunctionName": "orders", "LastModified": "2024-05-01T10:00:00.000+0000",
              "Timeout": 30, "CodeSize": 1024, "State": "Active"}
    response, parsed = answer(op, output)
    assert response.status == 201
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.body)["LastModified"] == "2024-05-01T10:00:00.000+0000"
    assert parsed == output


def test_lambda_invoke_request_payload_headers_and_query() -> None:
    op = operation("lambda", "Invoke")
    context = base64.b64encode(b'{"custom":{"k":"v"}}').decode()
    params = {
        "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:orders",
        "InvocationType": "Event",
        "LogType": "Tail",
        "ClientContext": context,
        "Qualifier": "live",
        "Payload": b'{"order": 1, "bytes": "\xc3\xa9"}',
    }
    wire = to_wire_request(op, params)
    assert wire.body == params["Payload"]
    assert wire.headers["x-amz-invocation-type"] == "Event"
    assert wire.query_string == "Qualifier=live"
    assert parsed_request(op, params) == params


def test_lambda_invoke_response_status_headers_and_raw_payload() -> None:
    op = operation("lambda", "Invoke")
    output = {
        "StatusCode": 200,
        "FunctionError": "Unhandled",
        "LogResult": base64.b64encode(b"START RequestId").decode(),
        "ExecutedVersion": "$LATEST",
        "Payload": b'{"errorMessage":"boom"}',
    }
    response, parsed = answer(op, output)
    assert response.status == 200
    assert response.body == b'{"errorMessage":"boom"}'
    assert response.headers["X-Amz-Function-Error"] == "Unhandled"
    assert response.headers["X-Amz-Executed-Version"] == "$LATEST"
    assert parsed == output
    # An asynchronous invoke answers 202 with no body.
    response, parsed = answer(op, {"StatusCode": 202})
    assert (response.status, response.body) == (202, b"")
    assert parsed["StatusCode"] == 202


def test_lambda_get_function_label_and_qualifier() -> None:
    op = operation("lambda", "GetFunction")
    params = {"FunctionName": "orders:live", "Qualifier": "7"}
    wire = to_wire_request(op, params)
    assert wire.path == "/2015-03-31/functions/orders%3Alive"
    assert parsed_request(op, params) == params


def test_lambda_list_functions_query_string_types() -> None:
    op = operation("lambda", "ListFunctions")
    params = {"MasterRegion": "ALL", "FunctionVersion": "ALL", "Marker": "a b&c=d", "MaxItems": 50}
    wire = to_wire_request(op, params)
    assert (wire.method, wire.path) == ("GET", "/2015-03-31/functions")
    parsed = parsed_request(op, params)
    assert parsed == params
    assert isinstance(parsed["MaxItems"], int)


# -- rest-json: apigateway -----------------------------------------------------------------

def test_apigateway_get_rest_apis_query_and_epoch_timestamps() -> None:
    op = operation("apigateway", "GetRestApis")
    assert parsed_request(op, {"limit": 25, "position": "p1"}) == {"limit": 25, "position": "p1"}
    created = datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)
    output = {"items": [{"id": "a1b2", "name": "shop", "createdDate": created,
                         "endpointConfiguration": {"types": ["REGIONAL"]},
                         "tags": {"env": "dev"}}]}
    response, parsed = answer(op, output)
    # API Gateway names the list "item" on the wire (its locationName).
    assert json.loads(response.body)["item"][0]["createdDate"] == 1714557600
    assert parsed == output


def test_apigateway_put_method_labels_and_body() -> None:
    op = operation("apigateway", "PutMethod")
    params = {
        "restApiId": "a1b2", "resourceId": "r9", "httpMethod": "POST",
        "authorizationType": "NONE", "apiKeyRequired": False,
        "requestParameters": {"method.request.header.x-id": True},
        "requestModels": {"application/json": "Empty"},
    }
    wire = to_wire_request(op, params)
    assert (wire.method, wire.path) == ("PUT", "/restapis/a1b2/resources/r9/methods/POST")
    assert parsed_request(op, params) == params
    response, parsed = answer(op, {"httpMethod": "POST", "authorizationType": "NONE"})
    assert response.status == 201
    assert parsed == {"httpMethod": "POST", "authorizationType": "NONE"}


def test_apigateway_import_rest_api_query_map_keeps_only_free_parameters() -> None:
    op = operation("apigateway", "ImportRestApi")
    params = {"body": b'{"openapi": "3.0.1"}', "failOnWarnings": True,
              "parameters": {"endpointConfigurationTypes": "REGIONAL"}}
    wire = to_wire_request(op, params)
    assert "mode=import" in wire.query_string
    assert parsed_request(op, params) == params


# -- json: stepfunctions -------------------------------------------------------------------

def test_stepfunctions_create_state_machine_and_start_execution() -> None:
    op = operation("stepfunctions", "CreateStateMachine")
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
    params = {
        "name": "orders", "definition": definition,
        "roleArn": "arn:aws:iam::123456789012:role/sfn", "type": "EXPRESS",
        "loggingConfiguration": {"level": "ALL", "includeExecutionData": True},
        "tags": [{"key": "team", "value": "payments"}],
    }
    wire = to_wire_request(op, params)
    assert wire.headers["x-amz-target"] == "AWSStepFunctions.CreateStateMachine"
    assert wire.headers["content-type"] == "application/x-amz-json-1.0"
    assert parsed_request(op, params) == params
    created = datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)
    response, parsed = answer(op, {"stateMachineArn": "arn:sfn", "creationDate": created})
    assert response.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert json.loads(response.body)["creationDate"] == 1714557600.25
    assert parsed == {"stateMachineArn": "arn:sfn", "creationDate": created}

    op = operation("stepfunctions", "StartExecution")
    params = {"stateMachineArn": "arn:sfn", "name": "run-1", "input": '{"n": 1}',
              "traceHeader": "Root=1-abc"}
    assert parsed_request(op, params) == params


# -- query: sns and sqs --------------------------------------------------------------------

def test_sns_publish_message_attributes_map() -> None:
    op = operation("sns", "Publish", "query")
    params = {
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:orders",
        "Message": "héllo & <world>",
        "Subject": "s",
        "MessageAttributes": {
            "kind": {"DataType": "String", "StringValue": "created"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    }
    wire = to_wire_request(op, params)
    assert wire.form["MessageAttributes.entry.1.Name"] == "kind"
    assert wire.form["MessageAttributes.entry.1.Value.DataType"] == "String"
    assert parsed_request(op, params) == params
    response, parsed = answer(op, {"MessageId": "m-1", "SequenceNumber": "1"})
    root = ElementTree.fromstring(response.body)
    namespace = "{http://sns.amazonaws.com/doc/2010-03-31/}"
    assert root.tag == f"{namespace}PublishResponse"
    assert root.findtext(f"{namespace}PublishResult/{namespace}MessageId") == "m-1"
    assert root.findtext(f"{namespace}ResponseMetadata/{namespace}RequestId")
    assert parsed == {"MessageId": "m-1", "SequenceNumber": "1"}


def test_sqs_query_flattened_names() -> None:
    op = operation("sqs", "SendMessage", "query")
    params = {
        "QueueUrl": "http://localhost:4566/000000000000/q",
        "MessageBody": "body",
        "DelaySeconds": 5,
        "MessageAttributes": {"a": {"DataType": "Number", "StringValue": "1"}},
    }
    wire = to_wire_request(op, params)
    assert wire.form["MessageAttribute.1.Name"] == "a"
    assert parsed_request(op, params) == params
    op = operation("sqs", "ReceiveMessage", "query")
    params = {"QueueUrl": "http://localhost:4566/000000000000/q",
              "AttributeNames": ["All"], "MessageAttributeNames": ["a", "b"]}
    wire = to_wire_request(op, params)
    assert wire.form["AttributeName.1"] == "All"
    assert wire.form["MessageAttributeName.2"] == "b"
    assert parsed_request(op, params) == params
    output = {"Messages": [
        {"MessageId": "m1", "Body": "x", "Attributes": {"SentTimestamp": "1"},
         "MessageAttributes": {"a": {"DataType": "String", "StringValue": "v"}}},
        {"MessageId": "m2", "Body": "y"},
    ]}
    response, parsed = answer(op, output)
    assert response.body.count(b"<Message>") == 2
    assert b"<Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute>" in response.body
    assert parsed == output


def test_sqs_json_and_query_carry_the_same_params() -> None:
    params = {"QueueName": "q.fifo", "Attributes": {"FifoQueue": "true"},
              "tags": {"team": "payments"}}
    for protocol in ("json", "query"):
        assert parsed_request(operation("sqs", "CreateQueue", protocol), params) == params
