"""Request parsing corners botocore's happy path does not reach: bad input and odd encodings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from emulator.errors import ServiceError
from emulator.wire import parse, specs
from emulator.wire.request import WireRequest


def json_request(body: bytes | str, content_type: str = "application/x-amz-json-1.0",
                 **headers: str) -> WireRequest:
    raw = body.encode() if isinstance(body, str) else body
    return WireRequest("POST", "/", "", {"content-type": content_type, **headers}, raw)


def parse_json(service: str, operation: str, body: bytes | str) -> dict[str, Any]:
    op = specs.service_model(service).operation_model(operation)
    return parse.parse_json(op, json_request(body))


def test_malformed_json_is_a_serialization_exception() -> None:
    with pytest.raises(ServiceError) as caught:
        parse_json("stepfunctions", "StartExecution", b'{"stateMachineArn": ')
    assert (caught.value.code, caught.value.status) == ("SerializationException", 400)
    with pytest.raises(ServiceError):
        parse_json("stepfunctions", "StartExecution", b"\xff\xfe")


def test_empty_body_is_an_empty_input() -> None:
    assert parse_json("sqs", "ListQueues", b"") == {}


@pytest.mark.parametrize(("body", "path", "expected"), [
    ('{"stateMachineArn": 5}', ".stateMachineArn", "string"),
    ("[]", "", "structure"),
    ('"text"', "", "structure"),
])
def test_wrong_types_name_the_member(body: str, path: str, expected: str) -> None:
    with pytest.raises(parse.WireTypeError) as caught:
        parse_json("stepfunctions", "StartExecution", body)
    assert (caught.value.path, caught.value.expected) == (path, expected)


def test_numbers_and_booleans_are_strict() -> None:
    for body in ('{"QueueUrl": "u", "MaxNumberOfMessages": "5"}',
                 '{"QueueUrl": "u", "MaxNumberOfMessages": true}',
                 '{"QueueUrl": "u", "MaxNumberOfMessages": 1.5}'):
        with pytest.raises(parse.WireTypeError):
            parse_json("sqs", "ReceiveMessage", body)


def test_special_float_strings() -> None:
    op = specs.service_model("cloudwatch").operation_model("PutMetricData")
    shape = op.input_shape.members["MetricData"].member.members["Value"]
    assert parse.from_json(shape, "Infinity", "v") == float("inf")
    assert parse.from_json(shape, "-Infinity", "v") == float("-inf")
    assert parse.from_json(shape, "NaN", "v") != parse.from_json(shape, "NaN", "v")
    with pytest.raises(parse.WireTypeError):
        parse.from_json(shape, "lots", "v")


@pytest.mark.parametrize("value", [
    "2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00Z", "2024-05-01T10:00:00", 1714557600,
    "1714557600", 1714557600.0,
])
def test_timestamps_become_aware_utc(value: object) -> None:
    shape = specs.service_model("stepfunctions").shape_for("Timestamp")
    moment = parse.from_json(shape, value, "t")
    assert moment == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert isinstance(moment, datetime) and moment.tzinfo == UTC


@pytest.mark.parametrize("value", ["yesterday", True, [], 10**30])
def test_bad_timestamps_are_type_errors(value: object) -> None:
    shape = specs.service_model("stepfunctions").shape_for("Timestamp")
    with pytest.raises(parse.WireTypeError):
        parse.from_json(shape, value, "t")


def test_bad_base64_blob_is_a_type_error() -> None:
    op = specs.service_model("lambda").operation_model("CreateFunction")
    request = WireRequest("POST", "/2015-03-31/functions", "", {},
                          b'{"FunctionName": "f", "Code": {"ZipFile": "not base64!"}}')
    with pytest.raises(parse.WireTypeError) as caught:
        parse.parse_rest_json(op, request, {})
    assert caught.value.path == "Code.ZipFile"


def test_rest_json_body_must_be_an_object() -> None:
    op = specs.service_model("lambda").operation_model("CreateFunction")
    request = WireRequest("POST", "/2015-03-31/functions", "", {}, b"[1, 2]")
    with pytest.raises(parse.WireTypeError):
        parse.parse_rest_json(op, request, {})


def test_rest_json_label_of_the_wrong_type() -> None:
    op = specs.service_model("lambda").operation_model("GetLayerVersion")
    with pytest.raises(parse.WireTypeError):
        parse.parse_rest_json(op, WireRequest("GET", "/", "", {}, b""),
                              {"LayerName": "l", "VersionNumber": "seven"})
    parsed = parse.parse_rest_json(op, WireRequest("GET", "/", "", {}, b""),
                                   {"LayerName": "l", "VersionNumber": "7"})
    assert parsed == {"LayerName": "l", "VersionNumber": 7}


def test_header_lists_split_on_commas_and_honour_quotes() -> None:
    from emulator.wire.parse import _split_header_list

    assert _split_header_list("a, b,c") == ["a", "b", "c"]
    assert _split_header_list('"a,b", c, "say \\"hi\\""') == ["a,b", "c", 'say "hi"']
    assert _split_header_list("") == [""]


def test_query_lists_tolerate_gaps_and_order_by_index() -> None:
    op = specs.query_model("sqs").operation_model("ReceiveMessage")
    body = "Action=ReceiveMessage&QueueUrl=u&AttributeName.3=C&AttributeName.1=A"
    request = WireRequest("POST", "/", "", {"content-type": "application/x-www-form-urlencoded"},
                          body.encode())
    assert parse.parse_query(op, request) == {"QueueUrl": "u", "AttributeNames": ["A", "C"]}


def test_query_scalar_of_the_wrong_type() -> None:
    op = specs.query_model("sqs").operation_model("ReceiveMessage")
    body = "Action=ReceiveMessage&QueueUrl=u&MaxNumberOfMessages=ten"
    request = WireRequest("POST", "/", "", {"content-type": "application/x-www-form-urlencoded"},
                          body.encode())
    with pytest.raises(parse.WireTypeError) as caught:
        parse.parse_query(op, request)
    assert caught.value.path == "MaxNumberOfMessages"


def test_document_members_pass_through_untouched() -> None:
    op = specs.service_model("ecs").operation_model("CreateService")
    body = {"serviceName": "s", "deploymentConfiguration": {"lifecycleHooks": [
        {"hookTargetArn": "arn", "hookDetails": [1, {"a": None}, "x"]}]}}
    parsed = parse.parse_json(op, json_request(json.dumps(body)))
    hook = parsed["deploymentConfiguration"]["lifecycleHooks"][0]
    assert hook["hookDetails"] == [1, {"a": None}, "x"]


def test_nesting_too_deep_is_a_serialization_exception() -> None:
    with pytest.raises(ServiceError) as caught:
        parse_json("stepfunctions", "StartExecution", b"[" * 100_000)
    assert caught.value.code == "SerializationException"
