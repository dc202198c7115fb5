"""Bad input never gets a 500: malformed expressions, wrong types, oversized items, unknown
tables and indexes each get DynamoDB's error, and what is stored stays intact.

Messages per the API reference's common errors and item operations
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html,
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html for the
400 KB item limit).
"""

from __future__ import annotations

import zlib
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from dynamodb_support import table

from emulator.testing.handle import EmulatorHandle

KEY = {"pk": {"S": "kept"}, "sk": {"S": "x"}}
STORED = {**KEY, "n": {"N": "1"}}


@pytest.fixture
def name(emulator: EmulatorHandle) -> str:
    created = table(emulator, GlobalSecondaryIndexes=[{
        "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}], type_g="N")
    emulator.client("dynamodb").put_item(TableName=created, Item=STORED)
    return created


BAD_CALLS: list[tuple[str, dict[str, Any], str, str]] = [
    ("put_item", {"Item": {"pk": {"N": "1"}, "sk": {"S": "x"}}}, "ValidationException",
     "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"),
    ("put_item", {"Item": {"pk": {"S": "a"}}}, "ValidationException",
     "One or more parameter values were invalid: Missing the key sk in the item"),
    ("put_item", {"Item": {"pk": {"S": ""}, "sk": {"S": "x"}}}, "ValidationException",
     "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
     "contain an empty string value. Key: pk"),
    ("put_item", {"Item": {**KEY, "g": {"S": "not a number"}}}, "ValidationException",
     "One or more parameter values were invalid: Type mismatch for Index Key g Expected: N "
     "Actual: S IndexName: by-g"),
    ("put_item", {"Item": {**KEY, "big": {"S": "x" * 409_600}}}, "ValidationException",
     "Item size has exceeded the maximum allowed size"),
    ("put_item", {"Item": {**KEY, "n": {"N": "twelve"}}}, "ValidationException",
     "The parameter cannot be converted to a numeric value: twelve"),
    ("put_item", {"Item": {**KEY, "n": {"N": "1" * 39}}}, "ValidationException",
     "Attempting to store more than 38 significant digits in a Number"),
    ("put_item", {"Item": {**KEY, "s": {"SS": []}}}, "ValidationException",
     "One or more parameter values were invalid: An string set  may not be empty"),
    ("put_item", {"Item": {**KEY, "v": {}}}, "ValidationException",
     "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    ("put_item", {"Item": KEY, "ConditionExpression": "n = = :v",
                  "ExpressionAttributeValues": {":v": {"N": "1"}}}, "ValidationException",
     "Invalid ConditionExpression: Syntax error; token: "),
    ("get_item", {"Key": {"pk": {"S": "kept"}}}, "ValidationException",
     "The provided key element does not match the schema"),
    ("get_item", {"Key": {**KEY, "extra": {"S": "x"}}}, "ValidationException",
     "The provided key element does not match the schema"),
    ("update_item", {"Key": KEY, "UpdateExpression": "SET n = n + :v",
                     "ExpressionAttributeValues": {":v": {"S": "1"}}}, "ValidationException",
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: +, "
     "operand type: STRING"),
    ("update_item", {"Key": KEY, "UpdateExpression": "SET big = :v",
                     "ExpressionAttributeValues": {":v": {"S": "x" * 409_600}}},
     "ValidationException", "Item size to update has exceeded the maximum allowed size"),
    ("update_item", {"Key": KEY, "UpdateExpression": "SET nested.deep = :v",
                     "ExpressionAttributeValues": {":v": {"N": "1"}}}, "ValidationException",
     "The document path provided in the update expression is invalid for update"),
    ("update_item", {"Key": KEY, "UpdateExpression": "SET #name = :v",
                     "ExpressionAttributeValues": {":v": {"N": "1"}}}, "ValidationException",
     "Invalid UpdateExpression: An expression attribute name used in the document path is not "
     "defined; attribute name: #name"),
    ("delete_item", {"Key": KEY, "ConditionExpression": "size(n)"}, "ValidationException",
     "Invalid ConditionExpression: The function is not allowed to be used this way in an "
     "expression; function: size"),
    ("query", {"KeyConditionExpression": "pk = :p OR sk = :s",
               "ExpressionAttributeValues": {":p": {"S": "a"}, ":s": {"S": "b"}}},
     "ValidationException",
     "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: OR"),
    ("query", {"IndexName": "missing-index", "KeyConditionExpression": "pk = :p",
               "ExpressionAttributeValues": {":p": {"S": "a"}}}, "ValidationException",
     "The table does not have the specified index: missing-index"),
    ("scan", {"FilterExpression": "contains(n)"}, "ValidationException",
     "Invalid FilterExpression: Incorrect number of operands for operator or function; "
     "operator or function: contains, number of operands: 1"),
    ("scan", {"ProjectionExpression": "a, a.b"}, "ValidationException",
     "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or "
     "rewrite one of these paths; path one: [a], path two: [a, b]"),
]


@pytest.mark.parametrize(("operation", "kwargs", "code", "message"), BAD_CALLS,
                         ids=[f"{op}-{n}" for n, (op, *_) in enumerate(BAD_CALLS)])
def test_bad_input_gets_the_error_and_keeps_data(emulator: EmulatorHandle, name: str,
                                                operation: str, kwargs: dict[str, Any],
                                                code: str, message: str) -> None:
    ddb = emulator.client("dynamodb")
    with pytest.raises(ClientError) as raised:
        getattr(ddb, operation)(TableName=name, **kwargs)
    error = raised.value.response["Error"]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Code"] == code
    assert error["Message"].startswith(message) if message.endswith(": ") else \
        error["Message"] == message
    assert ddb.get_item(TableName=name, Key=KEY)["Item"] == STORED


@pytest.mark.parametrize("operation", ["get_item", "put_item", "delete_item", "query", "scan"])
def test_unknown_tables(emulator: EmulatorHandle, operation: str) -> None:
    kwargs: dict[str, Any] = {
        "get_item": {"Key": KEY}, "put_item": {"Item": KEY}, "delete_item": {"Key": KEY},
        "query": {"KeyConditionExpression": "pk = :p",
                  "ExpressionAttributeValues": {":p": {"S": "a"}}},
        "scan": {}}[operation]
    ddb = emulator.client("dynamodb")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException) as raised:
        getattr(ddb, operation)(TableName="never-created", **kwargs)
    assert raised.value.response["Error"]["Message"] == "Requested resource not found"


def test_malformed_bodies_are_answered_not_crashed(emulator: EmulatorHandle, name: str) -> None:
    headers = {"X-Amz-Target": "DynamoDB_20120810.PutItem",
               "Content-Type": "application/x-amz-json-1.0",
               "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/"
                                "aws4_request, SignedHeaders=host, Signature=x"}
    for body in [b"{not json", b'{"TableName": 5}', b'{"TableName": "' + name.encode() +
                 b'", "Item": {"pk": {"S": ["list"]}}}',
                 b'{"TableName": "' + name.encode() + b'", "Item": {"pk": {"B": "%%%"}}}']:
        reply = httpx.post(emulator.endpoint_url, content=body, headers=headers)
        assert reply.status_code == 400, reply.text
        assert reply.json()["__type"].split("#")[-1] in (
            "SerializationException", "ValidationException")
    ddb = emulator.client("dynamodb")
    assert ddb.get_item(TableName=name, Key=KEY)["Item"] == STORED


def test_raw_error_bodies_name_their_namespace(emulator: EmulatorHandle) -> None:
    """A client reading the raw answer sees DynamoDB's namespaced ``__type``, as in AWS's
    example: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
    (framework errors such as validation carry the framework's namespace)."""
    headers = {"Content-Type": "application/x-amz-json-1.0",
               "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/"
                                "aws4_request, SignedHeaders=host, Signature=x"}
    missing = httpx.post(emulator.endpoint_url, json={"TableName": "never-created"},
                         headers={**headers, "X-Amz-Target": "DynamoDB_20120810.DescribeTable"})
    assert missing.status_code == 400
    assert missing.json()["__type"] == (
        "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException")
    invalid = httpx.post(emulator.endpoint_url, json={"TableName": "x"},
                         headers={**headers, "X-Amz-Target": "DynamoDB_20120810.GetItem"})
    assert invalid.status_code == 400
    assert invalid.json()["__type"] == "com.amazon.coral.validate#ValidationException"


def test_every_answer_carries_the_crc32_of_its_body(emulator: EmulatorHandle) -> None:
    """DynamoDB answers with ``x-amz-crc32``, the CRC32 of the body, which the SDKs check and
    retry on (the developer guide's response format:
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html)."""
    headers = {"Content-Type": "application/x-amz-json-1.0",
               "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/"
                                "aws4_request, SignedHeaders=host, Signature=x"}
    for target, body in (("ListTables", {}), ("DescribeTable", {"TableName": "never-created"}),
                         ("GetItem", {"TableName": "x"})):
        reply = httpx.post(emulator.endpoint_url, json=body,
                           headers={**headers, "X-Amz-Target": f"DynamoDB_20120810.{target}"})
        assert reply.headers["x-amz-crc32"] == str(zlib.crc32(reply.content)), target

