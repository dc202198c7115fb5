"""Smithy RPC v2 CBOR, and routing by the protocol a request arrives in when a model lists
several (CloudWatch lists smithy-rpc-v2-cbor, json and query).

The protocol's rules: https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html
"""

from __future__ import annotations

from datetime import UTC, datetime

import cbor2
import pytest
from wire_oracle import authorization, model_for, parser, response_dict, to_wire_request

from emulator.errors import ServiceError
from emulator.wire import rpc_v2_cbor, specs
from emulator.wire.parse import WireTypeError
from emulator.wire.request import WireRequest
from emulator.wire.routing import route

CBOR = "smithy-rpc-v2-cbor"
PATH = "/service/GraniteServiceVersion20100801/operation/"


def cbor_request(operation: str, body: bytes, *, header: str | None = "rpc-v2-cbor",
                 method: str = "POST", path: str | None = None) -> WireRequest:
    headers = {"host": "localhost:4566", "authorization": authorization("monitoring"),
               "content-type": "application/cbor"}
    if header is not None:
        headers["smithy-protocol"] = header
    return WireRequest(method, path or PATH + operation, "", headers, body)


def test_cloudwatch_lists_three_protocols_and_answers_each() -> None:
    assert specs.protocols("cloudwatch") == (CBOR, "json", "query")
    for protocol in specs.protocols("cloudwatch"):
        operation = model_for("cloudwatch", protocol).operation_model("ListMetrics")
        wire = to_wire_request(operation, {"Namespace": "AWS/Lambda"})
        found = route(wire, ["cloudwatch"])
        assert (found.service, found.protocol, found.operation.name) == (
            "cloudwatch", protocol, "ListMetrics")


def test_botocore_cbor_request_reads_back_typed_values() -> None:
    operation = model_for("cloudwatch", CBOR).operation_model("PutMetricData")
    moment = datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)
    params = {"Namespace": "Shop", "MetricData": [
        {"MetricName": "Orders", "Value": 2.5, "Timestamp": moment, "StorageResolution": 1,
         "Dimensions": [{"Name": "Env", "Value": "prod"}], "Unit": "Count"}]}
    wire = to_wire_request(operation, params)
    assert wire.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert wire.path == PATH + "PutMetricData"
    parsed = rpc_v2_cbor.parse_request(operation, wire)
    assert parsed == params


def test_indefinite_lengths_and_integers_for_doubles_are_read() -> None:
    operation = model_for("cloudwatch", CBOR).operation_model("PutMetricData")
    # {_ "Namespace": "N", "MetricData": [_ {_ "MetricName": "M", "Value": 3}]} with every
    # container of indefinite length, as streaming encoders write them.
    body = (b"\xbf" + cbor2.dumps("Namespace") + cbor2.dumps("N") + cbor2.dumps("MetricData")
            + b"\x9f\xbf" + cbor2.dumps("MetricName") + cbor2.dumps("M")
            + cbor2.dumps("Value") + cbor2.dumps(3) + b"\xff\xff\xff")
    parsed = rpc_v2_cbor.parse_request(operation, cbor_request("PutMetricData", body))
    assert parsed == {"Namespace": "N", "MetricData": [{"MetricName": "M", "Value": 3.0}]}
    assert isinstance(parsed["MetricData"][0]["Value"], float)


@pytest.mark.parametrize("body", [
    b"\xa1\x61",  # a map cut short
    b"\xff",  # a break with nothing to end
    b"\x5b\xff\xff\xff\xff\xff\xff\xff\xff",  # a byte string claiming 2**64 bytes
    b"\x81" * 5000 + b"\x00",  # nesting past any sane depth
    b"\xa1\x61a\x61",  # a text string cut short
    b"\xa1\x62\xc3\x28\x00",  # a key that is not UTF-8
])
def test_malformed_cbor_is_a_serialization_exception(body: bytes) -> None:
    operation = model_for("cloudwatch", CBOR).operation_model("ListMetrics")
    with pytest.raises(ServiceError) as caught:
        rpc_v2_cbor.parse_request(operation, cbor_request("ListMetrics", body))
    assert (caught.value.code, caught.value.status) == ("SerializationException", 400)


def test_a_value_of_the_wrong_type_is_reported_with_its_path() -> None:
    operation = model_for("cloudwatch", CBOR).operation_model("ListMetrics")
    body = cbor2.dumps({"Namespace": 5})
    with pytest.raises(WireTypeError) as caught:
        rpc_v2_cbor.parse_request(operation, cbor_request("ListMetrics", body))
    assert caught.value.path == ".Namespace"


def test_unknown_operation_or_wrong_service_is_404() -> None:
    for wire in (cbor_request("NoSuchThing", b""),
                 cbor_request("ListMetrics", b"", path="/service/Other/operation/ListMetrics"),
                 cbor_request("ListMetrics", b"", method="GET")):
        with pytest.raises(ServiceError) as caught:
            route(wire, ["cloudwatch"])
        assert (caught.value.code, caught.value.status) == ("UnknownOperationException", 404)


def test_responses_carry_the_protocol_header_and_tagged_timestamps() -> None:
    operation = model_for("cloudwatch", CBOR).operation_model("GetMetricData")
    moment = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    output = {"MetricDataResults": [{"Id": "m1", "Timestamps": [moment], "Values": [1.0],
                                     "StatusCode": "Complete"}]}
    response = rpc_v2_cbor.serialize_response(operation, output)
    assert response.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert response.headers["Content-Type"] == "application/cbor"
    # Tag 1 (0xc1) before the epoch seconds as an integer (0x1a: four bytes follow).
    epoch = int(moment.timestamp()).to_bytes(4, "big")
    assert b"\xc1\x1a" + epoch in response.body
    decoded = cbor2.loads(response.body)
    assert decoded["MetricDataResults"][0]["Timestamps"] == [moment]


def test_errors_name_their_shape_and_query_code() -> None:
    model = model_for("cloudwatch", CBOR)
    error = ServiceError("ResourceNotFound", "no such alarm")
    response = rpc_v2_cbor.serialize_error("cloudwatch", error, model)
    assert response.status == 404
    body = cbor2.loads(response.body)
    assert body["__type"].endswith("#ResourceNotFound")
    assert body["message"] == "no such alarm"
    assert response.headers["x-amzn-query-error"] == "ResourceNotFound;Sender"
    parsed = parser(CBOR).parse(response_dict(response),
                                model.operation_model("DescribeAlarms").output_shape)
    assert parsed["Error"]["Code"] == "ResourceNotFound"
