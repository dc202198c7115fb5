"""Pipes' event shapes, InputTemplate and dynamic path parameters, and filter patterns over
the events a pipe sees.

Sources:
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html
(static and dynamic strings and JSON, <$.path> with square brackets, reserved variables,
implicit body data parsing: an SQS body or Kinesis data holding JSON reads as JSON)
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-target.html (dynamic
path parameters: a whole value that is a $. path)
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-kinesis.html
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html
"""

from __future__ import annotations

import base64
import json
from typing import Any

from emulator.services.pipes.running import patterns
from emulator.services.pipes.templates import (
    PipeContext,
    as_value,
    dynamic,
    ingestion_time,
    pipe_event,
    render,
)

PIPE = PipeContext(arn="arn:aws:pipes:us-east-1:000000000000:pipe/p", name="p",
                   source="arn:aws:sqs:us-east-1:000000000000:src",
                   target="arn:aws:sqs:us-east-1:000000000000:dst")
NOW = 1_700_000_000.5


def sqs_event(body: str) -> dict[str, Any]:
    return {"messageId": "m-1", "receiptHandle": "r", "body": body,
            "attributes": {"SenderId": "AIDA123"}, "messageAttributes": {},
            "md5OfBody": "x", "eventSource": "aws:sqs", "eventSourceARN": PIPE.source,
            "awsRegion": "us-east-1"}


def test_static_and_dynamic_strings() -> None:
    event = sqs_event("{}")
    assert render("Hello, sender", event, PIPE, NOW) == "Hello, sender"
    assert render("Hello, <$.attributes.SenderId>", event, PIPE, NOW) == "Hello, AIDA123"
    assert render("<$.attributes.SenderId>", event, PIPE, NOW) == "AIDA123"


def test_json_templates_read_a_json_body() -> None:
    event = sqs_event(json.dumps({"key": "v", "Records": [1, 2, 3, {"deep": True}]}))
    text = render('{"key1": "value1", "key2": <$.body.key>, "r": <$.body.Records[3]>, '
                  '"quoted": "at <$.body.key>"}', event, PIPE, NOW)
    assert json.loads(text) == {"key1": "value1", "key2": "v", "r": {"deep": True},
                                "quoted": "at v"}
    assert text == '{"key1":"value1","key2":"v","r":{"deep":true},"quoted":"at v"}'


def test_reserved_variables() -> None:
    event = sqs_event('{"a": 1}')
    text = render('{"arn": <aws.pipes.pipe-arn>, "name": "<aws.pipes.pipe-name>", '
                  '"source": <aws.pipes.source-arn>, "target": <aws.pipes.target-arn>, '
                  '"enrichment": <aws.pipes.enrichment-arn>, '
                  '"at": <aws.pipes.event.ingestion-time>, "event": <aws.pipes.event>, '
                  '"json": <aws.pipes.event.json>}', event, PIPE, NOW)
    found = json.loads(text)
    assert found["arn"] == PIPE.arn and found["name"] == "p"
    assert (found["source"], found["target"], found["enrichment"]) == (
        PIPE.source, PIPE.target, "")
    assert found["at"] == ingestion_time(NOW) == "2023-11-14T22:13:20.500Z"
    assert json.loads(found["event"]) == event  # the event as escaped text
    assert found["json"]["body"] == {"a": 1}  # the event with its body parsed


def test_a_body_that_is_not_json_stays_text() -> None:
    assert json.loads(render('{"b": <$.body>}', sqs_event("plain"), PIPE, NOW)) == {
        "b": "plain"}


def test_kinesis_records_are_flat_and_their_data_parses() -> None:
    record = {"kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": "k",
                          "sequenceNumber": "1", "data": base64.b64encode(
                              b'{"n": 5}').decode(), "approximateArrivalTimestamp": 1.5},
              "eventSource": "aws:kinesis", "eventVersion": "1.0", "eventID": "s:1",
              "eventName": "aws:kinesis:record", "invokeIdentityArn": "",
              "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:kinesis:x"}
    event = pipe_event(record, "arn:aws:iam::000000000000:role/r")
    assert list(event) == ["kinesisSchemaVersion", "partitionKey", "sequenceNumber", "data",
                           "approximateArrivalTimestamp", "eventSource", "eventVersion",
                           "eventID", "eventName", "invokeIdentityArn", "awsRegion",
                           "eventSourceARN"]
    assert event["invokeIdentityArn"] == "arn:aws:iam::000000000000:role/r"
    assert render("<$.data.n>", event, PIPE, NOW) == "5"
    assert dynamic("$.data.n", event) == "5"
    assert dynamic("$.partitionKey", event) == "k"
    assert dynamic("fixed", event) == "fixed"


def test_rendered_text_in_a_batch() -> None:
    assert as_value('{"a":1}') == {"a": 1}
    assert as_value("Hello") == "Hello"


def test_filter_patterns_match_a_json_body() -> None:
    [pattern] = patterns({"FilterCriteria": {"Filters": [
        {"Pattern": '{"body": {"kind": ["order"]}}'}]}})
    assert pattern.matches({"body": {"kind": "order"}})
    assert not pattern.matches({"body": {"kind": "noise"}})
    assert patterns({}) == []
