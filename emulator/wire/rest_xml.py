"""rest-xml answers and errors: the rest envelope with XML documents.

What the model leaves out is data in the service's overlay (``xml``): the namespace of the
answers, each answer's root element, answers whose root holds the value as text (S3's
GetBucketLocation), whether errors are wrapped in ``<ErrorResponse>`` (CloudFront, Route 53)
or bare ``<Error>`` (S3), and the error a malformed request document gets.
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from emulator.errors import ServiceError
from emulator.wire import specs
from emulator.wire.serialize import (
    WireResponse,
    resolve_error,
    serialize_rest,
    timestamp_text,
)
from emulator.wire.xml_out import XmlWriter, namespace_attribute, text

XML_TYPE = "application/xml"


def _traits(service: str) -> dict[str, Any]:
    traits: dict[str, Any] = specs.overlay(service).get("xml", {})
    return traits


def serialize_rest_xml(operation: OperationModel, output: dict[str, Any]) -> WireResponse:
    service = operation.service_model.service_name
    traits = _traits(service)
    namespace = traits.get("namespace") or operation.metadata.get("xmlNamespace")
    text_root = traits.get("textRoots", {}).get(operation.name)

    def write(shape: Shape, value: dict[str, Any], root: str | None) -> bytes:
        writer = XmlWriter(timestamp_text)
        if text_root is not None:
            item = value.get(text_root)
            writer.out.append(f"<{text_root}{namespace_attribute(namespace)}>"
                              f"{text(str(item)) if item else ''}</{text_root}>")
            return writer.document()
        name = root or traits.get("outputRoots", {}).get(operation.name) or (
            f"{operation.name}Result")
        extra = "" if shape.serialization.get("xmlNamespace") else namespace_attribute(
            namespace)
        writer.element(shape, value, name, extra)
        return writer.document()

    if text_root is not None:
        # The root element is written even when the value is empty (us-east-1 buckets).
        output = {**output, text_root: output.get(text_root) or ""}
    return serialize_rest(operation, output, write, XML_TYPE)


def malformed(service: str | None) -> ServiceError:
    """The error for a request document that is not well-formed or not the expected one."""
    found = _traits(service).get("malformed") if service else None
    if found:
        return ServiceError(found["code"], found["message"], status=found.get("status", 400))
    return ServiceError("SerializationException", "The request document is malformed.",
                        status=400)


def invalid_value(service: str | None, wire_name: str, expected: str,
                  value: object) -> ServiceError:
    """The error for a query parameter or header whose value is not of its type, where the
    service words one for that type (S3's InvalidArgument naming the argument); otherwise
    the malformed request's error."""
    found = _traits(service).get("invalidValue") if service else None
    if not found or expected not in found.get("types", ()):
        return malformed(service)
    named = found.get("named", {}).get(wire_name, {})
    message = named.get("message", found["message"]).format(name=wire_name)
    argument = named.get("argumentName", wire_name)
    return ServiceError(found["code"], message, status=found.get("status", 400),
                        fields={"ArgumentName": argument, "ArgumentValue": str(value)})


def serialize_error(service: str | None, error: ServiceError, request_id: str,
                    model: ServiceModel | None, host_id: str = "") -> WireResponse:
    resolved = resolve_error(service, error)
    traits = _traits(service) if service else {}
    writer = XmlWriter(timestamp_text)
    fields = _fields(model, resolved.shape_name, error, writer)
    code, message = text(resolved.code), text(error.message)
    if traits.get("errorWrapping", True):
        namespace = model.metadata.get("xmlNamespace") if model is not None else None
        fault = "Sender" if resolved.sender_fault else "Receiver"
        body = (f"<ErrorResponse{namespace_attribute(namespace)}><Error><Type>{fault}</Type>"
                f"<Code>{code}</Code><Message>{message}</Message>{fields}</Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>")
    else:
        body = (f"<Error><Code>{code}</Code><Message>{message}</Message>{fields}"
                f"<RequestId>{request_id}</RequestId><HostId>{text(host_id)}</HostId></Error>")
    headers = dict(error.headers)
    headers["Content-Type"] = XML_TYPE
    content = b"" if resolved.status == 304 else (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8", errors="replace")
    return WireResponse(resolved.status, content, headers)


def _fields(model: ServiceModel | None, shape_name: str | None, error: ServiceError,
            writer: XmlWriter) -> str:
    """Extra members of the error: modelled ones by their shapes, others as plain text."""
    shape: Shape | None = None
    if model is not None and shape_name is not None:
        shape = model.shape_for(shape_name)
    for name, value in error.fields.items():
        if value is None:
            continue
        member = shape.members.get(name) if isinstance(shape, StructureShape) else None
        if member is not None and member.serialization.get("location") is None:
            writer.element(member, value, str(member.serialization.get("name", name)))
        elif member is None:
            writer.out.append(f"<{name}>{text(str(value))}</{name}>")
    return "".join(writer.out)


__all__ = ["XML_TYPE", "invalid_value", "malformed", "serialize_error", "serialize_rest_xml"]
