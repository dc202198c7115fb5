"""The CBOR form of the json protocol (``application/x-amz-cbor-1.1``).

AWS SDKs for Java (and the Kinesis Client Library) send Kinesis requests as CBOR instead of
JSON: the same ``X-Amz-Target`` and the same member names, but a CBOR body, blobs as byte
strings and timestamps as tag 1 holding epoch milliseconds. Answers and errors go back in the
form the request came in. Nothing here knows a service: any json-protocol service a client
speaks CBOR to is answered the same way. The shape codec is shared with smithy-rpc-v2-cbor
(``rpc_v2_cbor.py``), whose tag-1 timestamps hold epoch seconds instead (``millis=False``).
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from functools import partial
from typing import Any

import cbor2
from botocore.model import OperationModel, Shape, StructureShape

from emulator.wire.parse import (
    Params,
    WireTypeError,
    from_document,
    native_scalar,
    serialization_error,
)
from emulator.wire.request import WireRequest
from emulator.wire.serialize import WireResponse, _as_datetime

CONTENT_TYPE = "application/x-amz-cbor-1.1"
_TIMESTAMP_TAG = 1


class _Millis:
    """A tag-1 value as it came: epoch milliseconds (or seconds from other encoders)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _keep_timestamp(value: Any, immutable: bool) -> _Millis:
    return _Millis(value)


def speaks_cbor(request: WireRequest) -> bool:
    return request.content_type.split(";")[0].strip().lower() == CONTENT_TYPE


def loads(body: bytes) -> Any:
    """A CBOR body as Python values, timestamps kept as they came; raises the
    SerializationException AWS gives for a body it cannot read."""
    if not body:
        return {}
    stream = io.BytesIO(body)
    try:
        value = cbor2.CBORDecoder(stream, semantic_decoders={
            _TIMESTAMP_TAG: _keep_timestamp}).decode()
    except (cbor2.CBORError, ValueError, TypeError, OverflowError, RecursionError) as error:
        raise serialization_error(f"Could not read the CBOR body: {error}") from None
    if stream.tell() != len(body):
        raise serialization_error("Could not read the CBOR body: it goes on after its end.")
    return value


def _timestamp(value: Any, path: str, millis: bool) -> datetime:
    raw = value.value if isinstance(value, _Millis) else value
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise WireTypeError(path, "timestamp", raw)
    # Tagged integers are milliseconds, as the SDKs for Java write them; an untagged number
    # is seconds, as in JSON.
    tagged_millis = millis and isinstance(value, _Millis) and isinstance(raw, int)
    seconds = raw / 1000 if tagged_millis else raw
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError) as error:
        raise WireTypeError(path, "timestamp", raw) from error


def _cbor_scalar(shape: Shape, value: Any, path: str, millis: bool) -> Any:
    kind = shape.type_name
    if kind == "timestamp":
        return _timestamp(value, path, millis)
    if kind == "blob":
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        raise WireTypeError(path, "byte string", value)
    return native_scalar(kind, value, path)


def from_cbor(shape: Shape, value: Any, path: str, millis: bool = True) -> Any:
    return from_document(shape, value, path, partial(_cbor_scalar, millis=millis))


def parse(operation: OperationModel, request: WireRequest) -> Params:
    document = loads(request.body)
    shape = operation.input_shape
    if shape is None:
        return {}
    parsed = from_cbor(shape, document, "")
    assert isinstance(parsed, dict)
    return parsed


def to_cbor(shape: Shape, value: Any, millis: bool = True) -> Any:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if shape.is_document_type:
            return value
        return {member.serialization.get("name", name): to_cbor(member, value[name], millis)
                for name, member in shape.members.items()
                if name in value and value[name] is not None}
    if kind == "list":
        return [to_cbor(shape.member, item, millis) for item in value]
    if kind == "map":
        return {str(key): to_cbor(shape.value, item, millis) for key, item in value.items()}
    if kind == "timestamp":
        seconds = _as_datetime(value).timestamp()
        if millis:
            return cbor2.CBORTag(_TIMESTAMP_TAG, round(seconds * 1000))
        whole = round(seconds, 3)
        return cbor2.CBORTag(_TIMESTAMP_TAG, int(whole) if whole == int(whole) else whole)
    if kind == "blob":
        return value.encode("utf-8") if isinstance(value, str) else bytes(value)
    if kind in ("float", "double") and isinstance(value, (int, float)):
        return float(value)
    return value


def serialize(operation: OperationModel, output: dict[str, Any]) -> WireResponse:
    shape = operation.output_shape
    document = to_cbor(shape, output) if shape is not None else {}
    return WireResponse(200, cbor2.dumps(document), {"Content-Type": CONTENT_TYPE})


def error_response(json_error: WireResponse) -> WireResponse:
    """A json-protocol error answer (``__type``, ``message``...) re-written as CBOR."""
    try:
        document = json.loads(json_error.body or b"{}")
    except ValueError:
        document = {"__type": "InternalFailure", "message": ""}
    headers = dict(json_error.headers)
    headers["Content-Type"] = CONTENT_TYPE
    return WireResponse(json_error.status, cbor2.dumps(document), headers)


__all__ = ["CONTENT_TYPE", "error_response", "from_cbor", "loads", "parse", "serialize",
           "speaks_cbor", "to_cbor"]
