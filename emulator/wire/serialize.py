"""Output shapes and errors to HTTP responses, for the json, rest-json, query and ec2
protocols."""

from __future__ import annotations

import base64
import json
import re
from calendar import timegm
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from emulator.errors import ServiceError
from emulator.streams import SMALL_READ, ByteStream, FileRange
from emulator.wire import eventstream, specs
from emulator.wire.xml_out import XmlWriter


@dataclass
class WireResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    # A payload sent as it is read (object bodies); ``body`` is then empty.
    stream: AsyncIterable[bytes] | None = None


# -- scalars -------------------------------------------------------------------------------

def _as_datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    raise TypeError(f"not a timestamp: {value!r}")


def timestamp_text(value: object, fmt: str) -> str | float | int:
    moment = _as_datetime(value)
    if fmt == "iso8601":
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
            f"{moment.microsecond // 1000:03d}Z"
        )
    if fmt == "rfc822":
        return formatdate(timegm(moment.utctimetuple()), usegmt=True)
    epoch = moment.timestamp()
    return int(epoch) if epoch == int(epoch) else round(epoch, 3)


def _blob(value: Any) -> str:
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return base64.b64encode(raw).decode("ascii")


# -- JSON documents ------------------------------------------------------------------------

def to_json(shape: Shape, value: Any, default_timestamp: str = "unixTimestamp") -> Any:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if shape.is_document_type:
            return value
        result: dict[str, Any] = {}
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                wire_name = member.serialization.get("name", name)
                result[wire_name] = to_json(member, value[name], default_timestamp)
        return result
    if kind == "list":
        member = shape.member
        return [to_json(member, item, default_timestamp) for item in value]
    if kind == "map":
        value_shape = shape.value
        return {str(k): to_json(value_shape, v, default_timestamp) for k, v in value.items()}
    if kind == "timestamp":
        return timestamp_text(value, shape.serialization.get("timestampFormat", default_timestamp))
    if kind == "blob":
        return _blob(value)
    if kind in ("float", "double") and isinstance(value, (int, float)):
        return float(value)
    return value


def _dumps(document: Any) -> bytes:
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (a JSON client may send "\ud800") has no UTF-8 form; escape it.
        return json.dumps(document, separators=(",", ":")).encode("ascii")


def _utf8(text: str) -> bytes:
    """Text as UTF-8; a lone surrogate, which XML cannot carry either, becomes "?"."""
    return text.encode("utf-8", errors="replace")


def _header_text(text: str) -> str:
    """HTTP can only send visible latin-1 in a header; anything else (line breaks, other
    scripts) is percent-encoded rather than breaking the response."""
    if _UNSENDABLE.search(text) is None:
        return text
    return quote(text, safe=_HEADER_SAFE)


_UNSENDABLE = re.compile(r"[^\t\x20-\x7e\x80-\xff]")
_HEADER_SAFE = "".join(chr(code) for code in range(0x20, 0x7F) if chr(code) != "%")


def serialize_json(operation: OperationModel, output: dict[str, Any]) -> WireResponse:
    version = operation.metadata.get("jsonVersion", "1.0")
    shape = operation.output_shape
    document = to_json(shape, output) if shape is not None else {}
    content_type = f"application/x-amz-json-{version}"
    return WireResponse(200, _dumps(document), {"Content-Type": content_type})


# Writes a document body: (shape, value, root element name or None) -> bytes.
DocumentWriter = Callable[[Shape, dict[str, Any], str | None], bytes]


def serialize_rest(operation: OperationModel, output: dict[str, Any], write: DocumentWriter,
                   content_type: str) -> WireResponse:
    """A rest answer: status, header members, then the payload member or the body members
    written by ``write`` (JSON or XML)."""
    status = int(operation.http.get("responseCode", 200))
    headers: dict[str, str] = {}
    shape = operation.output_shape
    if shape is None:
        return WireResponse(status, b"", headers)
    assert isinstance(shape, StructureShape)
    payload_name = shape.serialization.get("payload")
    body_values: dict[str, Any] = {}
    has_body_members = False
    body: bytes | None = None
    stream: AsyncIterable[bytes] | None = None
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        value = output.get(name)
        if location is None and name != payload_name:
            has_body_members = True
        if value is None:
            continue
        if location == "statusCode":
            status = int(value)
        elif location == "header":
            headers[member.serialization.get("name", name)] = _header_value(member, value)
        elif location == "headers":
            wire_name = member.serialization.get("name", name)
            for key, item in value.items():
                headers[_header_text(f"{wire_name}{key}")] = _header_text(str(item))
        elif name == payload_name:
            if member.serialization.get("eventstream"):
                assert isinstance(member, StructureShape)
                body = eventstream.encode(member, value)
                headers.setdefault("Content-Type", eventstream.CONTENT_TYPE)
            elif member.type_name == "structure":
                body = write(member, value, str(member.serialization.get("name", name)))
                headers.setdefault("Content-Type", content_type)
            else:
                body, stream, payload_type = _payload(member, value)
                headers.setdefault("Content-Type", payload_type)
        elif location is None:
            body_values[name] = value
    if body is None:
        body = write(shape, body_values, None) if (
            has_body_members and payload_name is None) else b""
        if body:
            headers.setdefault("Content-Type", content_type)
    return WireResponse(status, body, headers, stream)


def _json_document(shape: Shape, value: dict[str, Any], root: str | None) -> bytes:
    return _dumps(to_json(shape, value))


def serialize_rest_json(operation: OperationModel, output: dict[str, Any]) -> WireResponse:
    return serialize_rest(operation, output, _json_document, "application/json")


def _header_value(shape: Shape, value: Any) -> str:
    if shape.type_name == "timestamp":
        return str(timestamp_text(value, shape.serialization.get("timestampFormat", "rfc822")))
    if shape.type_name == "boolean":
        return "true" if value else "false"
    if shape.type_name == "list":
        return ",".join(_header_text(str(item)) for item in value)
    if shape.serialization.get("jsonvalue"):
        return base64.b64encode(_dumps(value)).decode("ascii")
    if shape.type_name == "blob":
        return _blob(value)
    return _header_text(str(value))


def _payload(shape: Shape, value: Any
             ) -> tuple[bytes, AsyncIterable[bytes] | None, str]:
    """A blob or string payload: bytes, or a stream for a file range or an incoming body."""
    if shape.type_name == "blob":
        if isinstance(value, FileRange):
            if value.length <= SMALL_READ:
                return value.read(), None, "application/octet-stream"
            return b"", value.chunks(), "application/octet-stream"
        if isinstance(value, ByteStream):
            return b"", aiter(value), "application/octet-stream"
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return raw, None, "application/octet-stream"
    if shape.type_name == "string":
        return _utf8(str(value)), None, "text/plain"
    return _dumps(to_json(shape, value)), None, "application/json"


# -- query XML -----------------------------------------------------------------------------

_XML_ENTITIES = {"\r": "&#xD;", '"': "&quot;"}


def _text(value: str) -> str:
    return escape(value, _XML_ENTITIES)


class _QueryXmlWriter(XmlWriter):
    """The query protocol's documents: no namespaces below the root, its own escaping."""

    def namespace(self, shape: Shape) -> str:
        return ""

    def plain(self, shape: Shape, value: Any) -> str:
        return _text(str(value))


def serialize_query(
    operation: OperationModel, output: dict[str, Any], request_id: str
) -> WireResponse:
    namespace = operation.metadata.get("xmlNamespace", "")
    name = operation.name
    if operation.metadata.get("protocol") == "ec2":
        return _serialize_ec2(operation, output, request_id)
    writer = _QueryXmlWriter(timestamp_text)
    out = writer.out
    out.append(f'<?xml version="1.0"?><{name}Response xmlns="{namespace}">')
    shape = operation.output_shape
    if shape is not None:
        assert isinstance(shape, StructureShape)
        wrapper = shape.serialization.get("resultWrapper") or f"{name}Result"
        out.append(f"<{wrapper}>")
        writer.members(shape, output)
        out.append(f"</{wrapper}>")
    out.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>")
    out.append(f"</{name}Response>")
    return WireResponse(200, _utf8("".join(out)), {"Content-Type": "text/xml"})


def _serialize_ec2(operation: OperationModel, output: dict[str, Any],
                   request_id: str) -> WireResponse:
    """The ec2 protocol's answer: the output's members straight under the root, after the
    request id, with no result wrapper and no response metadata."""
    namespace = str(operation.metadata.get("xmlNamespace", "")).rstrip("/") + "/"
    name = operation.name
    writer = _QueryXmlWriter(timestamp_text)
    out = writer.out
    out.append(f'<?xml version="1.0" encoding="UTF-8"?>\n<{name}Response xmlns="{namespace}">'
               f"<requestId>{request_id}</requestId>")
    shape = operation.output_shape
    if shape is not None:
        assert isinstance(shape, StructureShape)
        writer.members(shape, output)
    out.append(f"</{name}Response>")
    return WireResponse(200, _utf8("".join(out)), {"Content-Type": "text/xml;charset=UTF-8"})


# -- errors --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResolvedError:
    shape_name: str | None
    code: str  # the code in the service's native protocol
    query_code: str  # the code a query-protocol client sees
    status: int
    sender_fault: bool


def resolve_error(service: str | None, error: ServiceError) -> ResolvedError:
    shape_name: str | None = None
    traits: dict[str, Any] = {}
    if service is not None:
        try:
            shape_name = specs.error_shape_names(service).get(error.code)
        except KeyError:
            shape_name = None
        if shape_name is not None:
            traits = specs.error_traits(service, shape_name)
    code = shape_name or error.code
    status = error.status or int(traits.get("httpStatusCode", 400))
    # A modelled error without senderFault is the server's fault (a Receiver error).
    sender_fault = bool(traits.get("senderFault", False)) if traits else error.sender_fault
    return ResolvedError(shape_name, code, traits.get("code", code), status, sender_fault)


def _error_fields(
    model: ServiceModel | None, resolved: ResolvedError, error: ServiceError, protocol: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The error's body members and, for rest protocols, its header members."""
    message_key = "message"
    shape: Shape | None = None
    if model is not None and resolved.shape_name is not None:
        shape = model.shape_for(resolved.shape_name)
        assert isinstance(shape, StructureShape)
        if "Message" in shape.members and "message" not in shape.members:
            message_key = "Message"
    fields: dict[str, Any] = {message_key: error.message}
    headers: dict[str, str] = {}
    if shape is None or not error.fields:
        fields.update(error.fields)
        return fields, headers
    assert isinstance(shape, StructureShape)
    body_values = dict(error.fields)
    if protocol == "rest-json":
        for name, member in shape.members.items():
            value = body_values.get(name)
            if member.serialization.get("location") == "header":
                body_values.pop(name, None)
                if value is not None:
                    headers[member.serialization.get("name", name)] = _header_value(member, value)
    fields.update(to_json(shape, body_values))
    return fields, headers


def serialize_error(
    protocol: str,
    service: str | None,
    error: ServiceError,
    request_id: str,
    model: ServiceModel | None = None,
) -> WireResponse:
    resolved = resolve_error(service, error)
    headers = dict(error.headers)
    if protocol == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
            f"<Code>{_text(resolved.query_code)}</Code>"
            f"<Message>{_text(error.message)}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
        headers["Content-Type"] = "text/xml;charset=UTF-8"
        return WireResponse(resolved.status, _utf8(body), headers)
    if protocol == "query":
        fault = "Sender" if resolved.sender_fault else "Receiver"
        namespace = model.metadata.get("xmlNamespace", "") if model is not None else ""
        xmlns = f' xmlns="{namespace}"' if namespace else ""
        body = (
            f'<?xml version="1.0"?><ErrorResponse{xmlns}><Error><Type>{fault}</Type>'
            f"<Code>{_text(resolved.query_code)}</Code>"
            f"<Message>{_text(error.message)}</Message><Detail/></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        headers["Content-Type"] = "text/xml"
        return WireResponse(resolved.status, _utf8(body), headers)
    fields, field_headers = _error_fields(model, resolved, error, protocol)
    headers.update(field_headers)
    if protocol == "json":
        overlay = specs.overlay(service) if service else {}
        # Errors raised by the service framework (validation, serialization) carry its own
        # namespace; the service's errors carry the service's.
        type_name = overlay.get("jsonErrorTypes", {}).get(resolved.code)
        if type_name is None:
            namespace = overlay.get("jsonErrorNamespace")
            type_name = f"{namespace}#{resolved.code}" if namespace else resolved.code
        document = {"__type": type_name, **fields}
        version = model.metadata.get("jsonVersion", "1.0") if model is not None else "1.0"
        headers["Content-Type"] = f"application/x-amz-json-{version}"
        if model is not None and "awsQueryCompatible" in model.metadata:
            fault = "Sender" if resolved.sender_fault else "Receiver"
            headers["x-amzn-query-error"] = f"{resolved.query_code};{fault}"
        return WireResponse(resolved.status, _dumps(document), headers)
    headers["x-amzn-ErrorType"] = resolved.code
    headers["Content-Type"] = "application/json"
    return WireResponse(resolved.status, _dumps(fields), headers)


__all__ = [
    "ResolvedError",
    "WireResponse",
    "resolve_error",
    "serialize_error",
    "serialize_json",
    "serialize_query",
    "serialize_rest",
    "serialize_rest_json",
    "to_json",
]
