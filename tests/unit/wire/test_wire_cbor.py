"""The CBOR form of the json protocol, as AWS SDKs for Java speak it to Kinesis
(``application/x-amz-cbor-1.1``: the json protocol's targets and member names in a CBOR body,
blobs as byte strings, timestamps as tag 1 holding epoch milliseconds).

Requests are encoded the way those SDKs encode them, from inputs generated from botocore's
shapes, for every Kinesis operation the emulator implements; answers are decoded with cbor2
and must give back what the provider returned.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import cbor2
import pytest
from botocore.model import Shape, StructureShape
from hypothesis import HealthCheck, given, settings
from wire_oracle import authorization, implemented_operations, route_request
from wire_strategies import input_strategy, normalise, output_strategy

from emulator.errors import ServiceError
from emulator.wire import cbor, specs
from emulator.wire.dispatch import _parse
from emulator.wire.request import WireRequest
from emulator.wire.serialize import serialize_error

KINESIS_OPERATIONS = sorted(name for service, name in implemented_operations()
                            if service == "kinesis"
                            and not specs.operation_model("kinesis", name).has_event_stream_output)


def java_style(shape: Shape, value: Any) -> Any:
    """A value as the SDKs for Java put it in CBOR."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        return {name: java_style(member, value[name]) for name, member in shape.members.items()
                if value.get(name) is not None}
    if kind == "list":
        return [java_style(shape.member, item) for item in value]
    if kind == "map":
        return {key: java_style(shape.value, item) for key, item in value.items()}
    if kind == "timestamp":
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return cbor2.CBORTag(1, round(moment.timestamp() * 1000))
    return value


def from_answer(shape: Shape, value: Any) -> Any:
    """A decoded CBOR answer back to Python values (tag 1 as epoch milliseconds)."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        return {name: from_answer(member, value[name]) for name, member in shape.members.items()
                if name in value}
    if kind == "list":
        return [from_answer(shape.member, item) for item in value]
    if kind == "map":
        return {key: from_answer(shape.value, item) for key, item in value.items()}
    if kind == "timestamp":
        assert isinstance(value, Millis), value
        return datetime.fromtimestamp(value.value / 1000, tz=UTC)
    if kind == "blob":
        assert isinstance(value, bytes)
    return value


class Millis:
    def __init__(self, value: int) -> None:
        self.value = value


def decode(body: bytes) -> Any:
    return cbor2.loads(body, semantic_decoders={1: lambda value, immutable: Millis(value)})


def cbor_request(operation_name: str, body: bytes) -> WireRequest:
    headers = {"content-type": cbor.CONTENT_TYPE, "host": "localhost:4566",
               "x-amz-target": f"Kinesis_20131202.{operation_name}",
               "authorization": authorization("kinesis")}
    return WireRequest("POST", "/", "", headers, body)


def _settings() -> settings:
    return settings(max_examples=4, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("name", KINESIS_OPERATIONS)
def test_cbor_requests_parse_to_what_the_client_sent(name: str) -> None:
    operation = specs.operation_model("kinesis", name)

    @_settings()
    @given(input_strategy(operation))
    def run(params: dict[str, Any]) -> None:
        shape = operation.input_shape
        body = cbor2.dumps(java_style(shape, params) if shape is not None else {})
        request = cbor_request(name, body)
        found = route_request(request, "kinesis")
        assert (found.protocol, found.operation.name) == ("json", name)
        assert normalise(_parse(found, request)) == normalise(params)

    run()


@pytest.mark.parametrize("name", KINESIS_OPERATIONS)
def test_cbor_answers_decode_to_what_the_provider_returned(name: str) -> None:
    operation = specs.operation_model("kinesis", name)

    @_settings()
    @given(output_strategy(operation))
    def run(output: dict[str, Any]) -> None:
        response = cbor.serialize(operation, output)
        assert response.headers["Content-Type"] == "application/x-amz-cbor-1.1"
        shape = operation.output_shape
        decoded = from_answer(shape, decode(response.body)) if shape is not None else {}
        assert normalise(decoded) == normalise(output)

    run()


def test_an_indefinite_length_map_as_jackson_writes_it_is_read() -> None:
    # Jackson's CBOR generator (used by the SDKs for Java) opens maps with 0xbf and closes
    # them with 0xff, and writes Data as a byte string.
    body = (b"\xbf" + cbor2.dumps("StreamName") + cbor2.dumps("orders")
            + cbor2.dumps("Data") + cbor2.dumps(b"\x00\x01hello")
            + cbor2.dumps("PartitionKey") + cbor2.dumps("pk") + b"\xff")
    request = cbor_request("PutRecord", body)
    found = route_request(request, "kinesis")
    assert _parse(found, request) == {"StreamName": "orders", "Data": b"\x00\x01hello",
                                      "PartitionKey": "pk"}


@pytest.mark.parametrize("body", [b"\xbf", b"\xff", b"\x9f\x01", b"not cbor at all \xff",
                                  b"\xa0\x00"])
def test_a_body_that_is_not_cbor_is_a_serialization_exception(body: bytes) -> None:
    request = cbor_request("PutRecord", body)
    found = route_request(request, "kinesis")
    with pytest.raises(ServiceError) as refused:
        _parse(found, request)
    assert refused.value.code == "SerializationException"


def test_errors_go_back_as_cbor_maps_with_the_json_members() -> None:
    model = specs.service_model("kinesis")
    answer = serialize_error("json", "kinesis", ServiceError(
        "ResourceNotFoundException", "Stream s under account 1 not found."), "rid", model)
    as_cbor = cbor.error_response(answer)
    assert as_cbor.status == answer.status == 400
    assert as_cbor.headers["Content-Type"] == "application/x-amz-cbor-1.1"
    document = decode(as_cbor.body)
    assert document["__type"].endswith("ResourceNotFoundException")
    assert document["message"] == "Stream s under account 1 not found."
