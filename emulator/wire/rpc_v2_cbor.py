"""Smithy RPC v2 CBOR: requests and responses as CBOR documents, read and written by shape.

A request is ``POST /service/{Service}/operation/{Operation}`` with the header
``smithy-protocol: rpc-v2-cbor`` and a CBOR map of the input's members (no body when there is
no input). Answers carry the same header and ``application/cbor``; errors are maps whose
``__type`` names the error shape. Timestamps travel as tag 1 (epoch seconds), blobs as byte
strings. Values are read and written by shape with the codec the json protocol's CBOR form
uses (``cbor.py``); this module holds the protocol's own rules.
"""

from __future__ import annotations

import re
from typing import Any

import cbor2
from botocore.model import OperationModel, ServiceModel

from emulator.errors import ServiceError
from emulator.wire import cbor, specs
from emulator.wire.parse import Params
from emulator.wire.request import WireRequest
from emulator.wire.serialize import WireResponse, resolve_error

PROTOCOL = "smithy-rpc-v2-cbor"
HEADER = "smithy-protocol"
HEADER_VALUE = "rpc-v2-cbor"
CONTENT_TYPE = "application/cbor"
_PATH = re.compile(r"^(?:/[^/]+)*/service/([^/]+)/operation/([^/]+)/?$")


def addressed(request: WireRequest) -> tuple[str, str] | None:
    """The (service, operation) names a request's path carries, if it is shaped as RPC v2's."""
    found = _PATH.match(request.path)
    return (found.group(1), found.group(2)) if found else None


def speaks(request: WireRequest) -> bool:
    """Whether the request says it is RPC v2 CBOR (the header, else the path's shape)."""
    header = request.headers.get(HEADER)
    if header is not None:
        return header.strip().lower() == HEADER_VALUE
    return request.content_type == CONTENT_TYPE and addressed(request) is not None


def parse_request(operation: OperationModel, request: WireRequest) -> Params:
    document = cbor.loads(request.body)
    shape = operation.input_shape
    if shape is None:
        return {}
    parsed = cbor.from_cbor(shape, document, "", millis=False)
    assert isinstance(parsed, dict)
    return parsed


def _headers() -> dict[str, str]:
    return {HEADER: HEADER_VALUE, "Content-Type": CONTENT_TYPE}


def serialize_response(operation: OperationModel, output: dict[str, Any]) -> WireResponse:
    shape = operation.output_shape
    document = cbor.to_cbor(shape, output, millis=False) if shape is not None else {}
    return WireResponse(200, cbor2.dumps(document), _headers())


def serialize_error(service: str | None, error: ServiceError,
                    model: ServiceModel | None = None) -> WireResponse:
    resolved = resolve_error(service, error)
    headers = {**error.headers, **_headers()}
    document: dict[str, Any] = {"__type": f"{_namespace(model)}#{resolved.code}",
                                "message": error.message}
    if model is not None and resolved.shape_name is not None and error.fields:
        shape = model.shape_for(resolved.shape_name)
        fields = cbor.to_cbor(shape, {k: v for k, v in error.fields.items()
                                      if k in shape.members}, millis=False)
        document.update({k: v for k, v in fields.items() if k.lower() != "message"})
    elif error.fields:
        document.update(error.fields)
    if model is not None and "awsQueryCompatible" in model.metadata:
        fault = "Sender" if resolved.sender_fault else "Receiver"
        headers["x-amzn-query-error"] = f"{resolved.query_code};{fault}"
    return WireResponse(resolved.status, cbor2.dumps(document), headers)


def _namespace(model: ServiceModel | None) -> str:
    """The Smithy namespace error shape ids are written in (``com.amazonaws.cloudwatch``)."""
    if model is None:
        return "smithy.framework"
    return f"com.amazonaws.{model.endpoint_prefix}"


def unknown_operation(request: WireRequest) -> ServiceError:
    return ServiceError("UnknownOperationException",
                        f"No operation is addressed by {request.method} {request.path}.",
                        status=404)


def operation_for(service: str, request: WireRequest) -> str:
    """The operation an RPC v2 request names, checked against the service's model."""
    found = addressed(request)
    model = specs.service_model(service)
    if request.method.upper() != "POST" or found is None:
        raise unknown_operation(request)
    service_name, operation = found
    if service_name != model.metadata.get("targetPrefix") or (
            operation not in model.operation_names):
        raise unknown_operation(request)
    return operation


__all__ = [
    "CONTENT_TYPE",
    "PROTOCOL",
    "addressed",
    "operation_for",
    "parse_request",
    "serialize_error",
    "serialize_response",
    "speaks",
]
