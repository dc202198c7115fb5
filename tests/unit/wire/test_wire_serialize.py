"""Responses that must still be sendable and readable when providers hand over awkward text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from xml.etree import ElementTree

from wire_oracle import model_for, parse_response, parser, response_dict, serialize_output

from emulator.errors import ServiceError
from emulator.wire import specs
from emulator.wire.serialize import serialize_error, serialize_query, serialize_rest_json


def test_lone_surrogates_are_escaped_in_json() -> None:
    op = model_for("sqs", "json").operation_model("GetQueueUrl")
    response = serialize_output(op, {"QueueUrl": "bad\ud800text"})
    assert json.loads(response.body) == {"QueueUrl": "bad\ud800text"}
    response.body.decode("utf-8")


def test_lone_surrogates_cannot_break_xml() -> None:
    op = model_for("sqs", "query").operation_model("GetQueueUrl")
    response = serialize_query(op, {"QueueUrl": "bad\ud800text"}, "rid")
    assert parse_response(op, response) == {"QueueUrl": "bad?text"}


def test_header_values_are_always_sendable() -> None:
    op = specs.service_model("lambda").operation_model("Invoke")
    response = serialize_rest_json(op, {"StatusCode": 200, "FunctionError": "fehl\u00e9r\r\nX: y",
                                        "ExecutedVersion": "\u2713", "Payload": b"{}"})
    for value in response.headers.values():
        value.encode("latin-1")
        assert "\r" not in value and "\n" not in value
    assert response.headers["X-Amz-Function-Error"] == "fehl%C3%A9r%0D%0AX: y"
    assert response.headers["X-Amz-Executed-Version"] == "%E2%9C%93"
    assert parse_response(op, response)["Payload"] == b"{}"


def test_error_messages_are_escaped_in_every_protocol() -> None:
    message = 'bad <value> & "quotes" \u00e9'
    error = ServiceError("QueueDoesNotExist", message)
    for protocol in ("json", "query"):
        model = model_for("sqs", protocol)
        response = serialize_error(protocol, "sqs", error, "rid", model)
        op = model.operation_model("GetQueueUrl")
        raw = response_dict(response)
        assert parser(protocol).parse(raw, op.output_shape)["Error"]["Message"] == message
    query = serialize_error("query", "sqs", error, "rid", model_for("sqs", "query"))
    root = ElementTree.fromstring(query.body)
    assert root.tag.endswith("ErrorResponse")


def test_timestamp_formats_per_protocol() -> None:
    moment = datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    # json: epoch seconds with milliseconds
    op = specs.service_model("stepfunctions").operation_model("StartExecution")
    body = json.loads(serialize_output(op, {"executionArn": "a", "startDate": moment}).body)
    assert body["startDate"] == 1714559415.123
    # query: ISO 8601 in UTC with milliseconds
    op = specs.service_model("sts").operation_model("GetSessionToken")
    credentials = {"AccessKeyId": "a", "SecretAccessKey": "s", "SessionToken": "t",
                   "Expiration": moment}
    xml = serialize_query(op, {"Credentials": credentials}, "rid").body
    assert b"<Expiration>2024-05-01T10:30:15.123Z</Expiration>" in xml
    assert parse_response(op, serialize_query(op, {"Credentials": credentials}, "rid"))[
        "Credentials"]["Expiration"] == datetime(2024, 5, 1, 10, 30, 15, 123000, tzinfo=UTC)
