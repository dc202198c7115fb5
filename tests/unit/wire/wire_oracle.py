"""botocore as the referee: its serializers build requests, its parsers read our responses.

The helpers here turn botocore's request dicts into the ``WireRequest`` the server would see,
and our ``WireResponse`` into the response dict botocore's parsers read.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterator
from functools import cache
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore import xform_name
from botocore.awsrequest import create_request_object, prepare_request_dict
from botocore.config import Config
from botocore.handlers import parse_get_bucket_location
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import ResponseParser, create_parser
from botocore.response import StreamingBody
from botocore.serialize import Serializer, create_serializer
from urllib3 import HTTPHeaderDict

from emulator.errors import ServiceError
from emulator.services.registry import PROVIDERS
from emulator.wire import parse, rest_xml, rpc_v2_cbor, serialize, specs, xml_in
from emulator.wire.request import WireRequest
from emulator.wire.routing import Route, route
from emulator.wire.serialize import WireResponse

ENDPOINT = "http://localhost:4566"
REQUEST_ID = "11111111-2222-3333-4444-555555555555"


@cache
def serializer(protocol: str) -> Serializer:
    return create_serializer(protocol, include_validation=True)


@cache
def parser(protocol: str) -> ResponseParser:
    return create_parser(protocol)


def model_for(service: str, protocol: str) -> ServiceModel:
    return specs.protocol_model(service, protocol)


def signing_name(model: ServiceModel) -> str:
    return str(model.metadata.get("signingName") or model.endpoint_prefix)


def authorization(service_signing_name: str, region: str = "us-east-1") -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=test/20240101/{region}/{service_signing_name}/aws4_request,"
        " SignedHeaders=host;x-amz-date, Signature=0000"
    )


def to_wire_request(operation: OperationModel, params: dict[str, Any]) -> WireRequest:
    """The request boto3 would send for ``params``, as the server receives it."""
    request_dict = serializer(operation.metadata["protocol"]).serialize_to_request(
        params, operation
    )
    prepare_request_dict(request_dict, endpoint_url=ENDPOINT)
    prepared = create_request_object(request_dict).prepare()
    url = urlsplit(prepared.url)
    headers = {key.lower(): str(value) for key, value in prepared.headers.items()}
    headers["authorization"] = authorization(signing_name(operation.service_model))
    headers.setdefault("host", "localhost:4566")
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = body.read()
    return WireRequest(prepared.method, url.path or "/", url.query, headers, body)


@cache
def s3_client(style: str) -> Any:
    """A boto3 S3 client addressing buckets by path or by virtual host."""
    client = boto3.client("s3", endpoint_url=ENDPOINT, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test",
                          config=Config(s3={"addressing_style": style}, retries={
                              "max_attempts": 1}))
    client.meta.events.register("before-send.s3", _capture)
    return client


class _Sent(Exception):
    def __init__(self, request: Any) -> None:
        super().__init__("sent")
        self.request = request


def _capture(request: Any, **_: Any) -> None:
    raise _Sent(request)


def sent_by(client: Any, operation: OperationModel, params: dict[str, Any]) -> WireRequest:
    """The request ``client`` sends for ``params`` (stopped before it leaves), as the server
    receives it."""
    try:
        getattr(client, xform_name(operation.name))(**params)
    except _Sent as sent:
        prepared = sent.request
    else:
        raise AssertionError("the request was not sent")
    url = urlsplit(prepared.url)
    headers = {key.lower(): value.decode() if isinstance(value, bytes) else str(value)
               for key, value in prepared.headers.items()}
    headers["host"] = url.netloc
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = body.read()
    return WireRequest(prepared.method, url.path or "/", url.query, headers, body)


def parse_with_route(found: Route, request: WireRequest) -> dict[str, Any]:
    if found.protocol == rpc_v2_cbor.PROTOCOL:
        return rpc_v2_cbor.parse_request(found.operation, request)
    if found.protocol == "json":
        return parse.parse_json(found.operation, request)
    if found.protocol in ("query", "ec2"):
        return parse.parse_query(found.operation, request)
    if found.protocol == "rest-xml":
        return xml_in.parse_rest_xml(found.operation, request, found.labels)
    return parse.parse_rest_json(found.operation, request, found.labels)


def route_request(request: WireRequest, service: str) -> Route:
    return route(request, [service])


def serialize_output(operation: OperationModel, output: dict[str, Any]) -> WireResponse:
    protocol = operation.metadata["protocol"]
    if protocol == rpc_v2_cbor.PROTOCOL:
        return rpc_v2_cbor.serialize_response(operation, output)
    if protocol == "json":
        return serialize.serialize_json(operation, output)
    if protocol in ("query", "ec2"):
        return serialize.serialize_query(operation, output, REQUEST_ID)
    if protocol == "rest-xml":
        return rest_xml.serialize_rest_xml(operation, output)
    return serialize.serialize_rest_json(operation, output)


def serialize_error(protocol: str, service: str, error: ServiceError,
                    model: ServiceModel) -> WireResponse:
    if protocol == rpc_v2_cbor.PROTOCOL:
        return rpc_v2_cbor.serialize_error(service, error, model)
    if protocol == "rest-xml":
        return rest_xml.serialize_error(service, error, REQUEST_ID, model)
    return serialize.serialize_error(protocol, service, error, REQUEST_ID, model)


def response_dict(response: WireResponse, streaming: bool = False) -> dict[str, Any]:
    """Our response as botocore's endpoint hands it to the parser."""
    headers = HTTPHeaderDict()
    for key, value in response.headers.items():
        value.encode("latin-1")  # what the HTTP server must be able to send
        headers[key] = value
    headers.setdefault("x-amzn-RequestId", REQUEST_ID)
    body: Any = response.body
    if streaming:
        body = StreamingBody(io.BytesIO(response.body), len(response.body))
    return {"status_code": response.status, "headers": headers, "body": body, "context": {}}


def parse_response(operation: OperationModel, response: WireResponse) -> dict[str, Any]:
    streaming = operation.has_streaming_output
    parsed: dict[str, Any] = parser(operation.metadata["protocol"]).parse(
        response_dict(response, streaming), operation.output_shape
    )
    parsed.pop("ResponseMetadata", None)
    if operation.service_model.service_name == "s3" and operation.name == "GetBucketLocation":
        # botocore reads this answer's root text in a handler, as AWS's model cannot say it.
        parse_get_bucket_location(parsed, SimpleNamespace(raw=True, content=response.body))
    if streaming:
        for name, value in list(parsed.items()):
            if isinstance(value, StreamingBody):
                parsed[name] = value.read()
    return parsed


def implemented_operations() -> Iterator[tuple[str, str]]:
    """(service, operation) for every operation a registered provider has a method for."""
    for service, target in sorted(PROVIDERS.items()):
        module_name, class_name = target.split(":")
        provider = getattr(importlib.import_module(module_name), class_name)
        model = specs.service_model(service)
        for name in model.operation_names:
            if callable(getattr(provider, xform_name(name), None)):
                yield service, name


def round_trippable(operation: OperationModel) -> bool:
    """Event streams are not request/response pairs; they are tested elsewhere."""
    return not (operation.has_event_stream_output or operation.has_event_stream_input)


__all__ = [
    "ENDPOINT",
    "REQUEST_ID",
    "authorization",
    "implemented_operations",
    "model_for",
    "parse_response",
    "parse_with_route",
    "response_dict",
    "route_request",
    "s3_client",
    "sent_by",
    "serialize_error",
    "serialize_output",
    "signing_name",
    "to_wire_request",
]
